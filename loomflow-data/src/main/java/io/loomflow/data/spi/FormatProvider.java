package io.loomflow.data.spi;

import io.loomflow.data.Format;
import java.util.Map;

/**
 * A dataset type that another module adds to the catalog, such as {@code parquet} in {@code
 * loomflow-parquet}. Found with {@link java.util.ServiceLoader} by its {@link #type()}: a module
 * declares {@code provides io.loomflow.data.spi.FormatProvider with ...} (or a {@code
 * META-INF/services} entry on the class path). The built-in types (text, bytes, json, csv) are not
 * providers and cannot be replaced.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface FormatProvider {

    /**
     * The type name a catalog entry gives in its {@code type:} field, in lower case, such as {@code
     * "parquet"}; its formats' {@link Format#name()} is the same name.
     *
     * @return the type name
     */
    String type();

    /**
     * The format of a dataset of this type with the entry's options.
     *
     * @param options the entry's {@code options:}, possibly empty
     * @return the format
     * @throws IllegalArgumentException if an option is unknown or wrong; the message names the
     *     option and what to give instead
     */
    Format<?> format(Map<String, String> options);

    /**
     * The record class an option {@code record} names, for providers whose rows may be records
     * (parquet, sql): loaded with the thread's context class loader.
     *
     * @param name the fully qualified name of a record class, such as {@code com.example.Trip}
     * @return the class
     * @throws IllegalArgumentException if no such class is on the class path, or it is not a record
     */
    static Class<? extends Record> recordClass(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Class<?> type;
        try {
            type = Class.forName(name, false, loader != null ? loader : FormatProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError missing) {
            throw new IllegalArgumentException("option record names class " + name + ", which is not on the class path;"
                    + " give the fully qualified name of a record class, such as com.example.Trip");
        }
        if (!type.isRecord()) {
            throw new IllegalArgumentException("option record names " + name + ", which is not a record; give a record"
                    + " class, whose components are the columns");
        }
        return type.asSubclass(Record.class);
    }
}
