package io.loomflow.sql.internal;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Table and column names: checked against a strict pattern, folded as the database folds unquoted
 * names, then quoted; never built from values.
 */
public final class Names {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Names() {
    }

    /**
     * Checks a table name, {@code name} or {@code schema.name}.
     *
     * @param table the name
     * @param what what it is, for the message
     * @return the name
     * @throws IllegalArgumentException if it is not one
     */
    public static String checkTable(String table, String what) {
        for (String part : table.split("\\.", -1)) {
            if (!IDENTIFIER.matcher(part).matches()) {
                throw new IllegalArgumentException(what + " '" + table + "' is not a table name; give letters, digits"
                        + " and _ (not starting with a digit, at most 63), optionally after a schema and a dot, such as"
                        + " sales.orders; for anything else, give a query");
            }
        }
        if (table.split("\\.").length > 2) {
            throw new IllegalArgumentException(what + " '" + table + "' has more than one dot; give name or schema.name");
        }
        return table;
    }

    /**
     * Checks a column name.
     *
     * @param column the name
     * @return the name
     * @throws IllegalArgumentException if it is not one
     */
    public static String checkColumn(String column) {
        if (!IDENTIFIER.matcher(column).matches()) {
            throw new IllegalArgumentException("'" + column + "' is not a column name; give letters, digits and _, not"
                    + " starting with a digit, at most 63");
        }
        return column;
    }

    /**
     * A checked table name as SQL: each part folded as the database folds unquoted names, and quoted.
     *
     * @param table a checked table name
     * @param metaData the database's metadata
     * @return the quoted name
     * @throws SQLException if the metadata cannot be read
     */
    public static String sqlTable(String table, DatabaseMetaData metaData) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (String part : checkTable(table, "table").split("\\.")) {
            parts.add(quote(metaData.storesUpperCaseIdentifiers() ? part.toUpperCase(Locale.ROOT)
                    : metaData.storesLowerCaseIdentifiers() ? part.toLowerCase(Locale.ROOT) : part));
        }
        return String.join(".", parts);
    }

    /**
     * A name quoted as SQL, for a name the database reported (a column of the table).
     *
     * @param name the name
     * @return it in double quotes, any double quote in it doubled
     */
    public static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * The form under which a column and a record component match: lower case, without {@code _}, so
     * {@code birth_date}, {@code BIRTH_DATE} and {@code birthDate} are one.
     *
     * @param name a column or component name
     * @return its matching form
     */
    public static String matching(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }
}
