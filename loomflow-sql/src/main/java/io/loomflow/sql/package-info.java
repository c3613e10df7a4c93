/**
 * SQL tables as datasets: {@link io.loomflow.sql.SqlTable}, the catalog's {@code type: sql}.
 */
@NullMarked
package io.loomflow.sql;

import org.jspecify.annotations.NullMarked;
