/**
 * Where storage backends plug in: a {@link io.loomflow.data.spi.StorageProvider}, found with
 * {@link java.util.ServiceLoader}, opens the {@link io.loomflow.data.spi.Storage} of one URI scheme
 * with {@link io.loomflow.data.spi.StorageOptions}, as a catalog's {@code storage:} section or code
 * gives them. A storage reads and writes whole objects, atomically, and reports a missing one with
 * {@link io.loomflow.data.spi.NoSuchObjectException}; {@link io.loomflow.data.spi.ForwardingStorage}
 * is the base of decorators that change some of its calls. A {@link io.loomflow.data.spi.FormatProvider}
 * adds a dataset type to the catalog (such as {@code parquet}, from {@code loomflow-parquet}).
 *
 * <p>Backends implement these types; applications use them through {@code io.loomflow.data}. The
 * package is {@link NullMarked}: no argument or result here is ever {@code null}.
 */
@NullMarked
package io.loomflow.data.spi;

import org.jspecify.annotations.NullMarked;
