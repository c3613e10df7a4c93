package io.loomflow.parquet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The precision and scale of a {@code BigDecimal} record component's Parquet {@code DECIMAL}
 * column. Without it a component is {@code DECIMAL(38, 9)}. A value with more decimal places than
 * the scale, or more digits than the precision, is refused when written (never rounded).
 * {@snippet class=io.loomflow.parquet.snippets.ParquetSnippets region=decimal}
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Decimal {

    /**
     * The number of digits in all, 1 to 38.
     *
     * @return the precision
     */
    int precision();

    /**
     * The number of digits after the decimal point, 0 to the precision.
     *
     * @return the scale
     */
    int scale();
}
