/** Not API: JDBC access behind {@code io.loomflow.sql}. */
@NullMarked
package io.loomflow.sql.internal;

import org.jspecify.annotations.NullMarked;
