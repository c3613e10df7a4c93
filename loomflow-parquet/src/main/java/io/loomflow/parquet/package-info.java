/**
 * Parquet datasets: {@link io.loomflow.parquet.ParquetFormat} reads and writes a list of records
 * (or of maps) as a Parquet file, or a stream of them a row group at a time ({@link
 * io.loomflow.parquet.ParquetFormat#stream()}), one column per record component, with nested records as groups,
 * lists as Parquet's LIST type and {@code Optional} or {@code @Nullable} components as optional
 * columns. A catalog entry of {@code type: parquet} uses it once this module is on the class path.
 *
 * <p>The package is {@link NullMarked}: nothing here takes or returns {@code null} unless marked.
 */
@NullMarked
package io.loomflow.parquet;

import org.jspecify.annotations.NullMarked;
