package io.loomflow.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Dataset;
import io.loomflow.data.DatasetException;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.StorageOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a SQL table dataset does, run against H2 and a real PostgreSQL. */
abstract class SqlTableContract {

    public record Person(int id, String fullName, Integer age) {
    }

    public record Typed(long id, BigDecimal price, boolean active, LocalDate born, LocalDateTime seen, Instant at,
                        UUID ref, byte[] data, double ratio) {
    }

    public record Misfit(int id, int fullName) {
    }

    public record Missing(int id, String nickname, String email) {
    }

    abstract String url();

    abstract Connection connect() throws SQLException;

    abstract String typedDdl();

    @BeforeEach
    void tables() throws SQLException {
        sql("DROP TABLE IF EXISTS people", "DROP TABLE IF EXISTS typed",
                "CREATE TABLE people (id INTEGER PRIMARY KEY, full_name VARCHAR(100) NOT NULL, age INTEGER)",
                typedDdl());
    }

    void sql(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    List<String> people() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, full_name, age FROM people ORDER BY id")) {
            while (result.next()) {
                rows.add(result.getInt(1) + ":" + result.getString(2) + ":" + result.getObject(3));
            }
        }
        return rows;
    }

    <T> Dataset<T> dataset(SqlTable<T> format) {
        return Dataset.of("people", URI.create(url()), format,
                Storages.resource(new StorageOptions("jdbc", Map.of())));
    }

    @Test
    void loadsATableAsRecordsMatchingSnakeCaseColumns() throws SQLException {
        sql("INSERT INTO people VALUES (1, 'Ada Lovelace', 36), (2, 'Alan Turing', NULL)");
        List<Person> loaded = dataset(SqlTable.of(Person.class).table("people")).load();
        assertThat(loaded).containsExactlyInAnyOrder(new Person(1, "Ada Lovelace", 36), new Person(2, "Alan Turing",
                null));
    }

    @Test
    void loadsAQueryAsMapsAndAsALazyStream() throws SQLException {
        sql("INSERT INTO people VALUES (1, 'Ada', 36), (2, 'Alan', 41), (3, 'Grace', 85)");
        List<Map<String, Object>> rows = dataset(SqlTable.rows().query("SELECT id, age FROM people WHERE age > 40"
                + " ORDER BY id")).load();
        assertThat(rows).hasSize(2);
        assertThat(rows.getFirst().values()).containsExactly(2, 41);
        try (Stream<Person> stream = dataset(SqlTable.stream(Person.class).table("people").batchSize(1)).load()) {
            assertThat(stream.map(Person::fullName).sorted().toList()).containsExactly("Ada", "Alan", "Grace");
        }
    }

    @Test
    void convertsTheTypes() {
        Typed row = new Typed(7, new BigDecimal("12.50"), true, LocalDate.of(1815, 12, 10),
                LocalDateTime.of(2026, 1, 2, 3, 4, 5), Instant.parse("2026-05-06T07:08:09Z"),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), new byte[] {1, 2, 3}, 0.25);
        Dataset<List<Typed>> typed = Dataset.of("typed", URI.create(url()), SqlTable.of(Typed.class).table("typed"),
                Storages.resource(new StorageOptions("jdbc", Map.of())));
        typed.save(List.of(row));
        Typed back = typed.load().getFirst();
        assertThat(back.id()).isEqualTo(7);
        assertThat(back.price()).isEqualByComparingTo("12.50");
        assertThat(back.active()).isTrue();
        assertThat(back.born()).isEqualTo(row.born());
        assertThat(back.seen()).isEqualTo(row.seen());
        assertThat(back.at()).isEqualTo(row.at());
        assertThat(back.ref()).isEqualTo(row.ref());
        assertThat(back.data()).containsExactly(1, 2, 3);
        assertThat(back.ratio()).isEqualTo(0.25);
    }

    @Test
    void savesByInsertOverwriteAndUpsert() throws SQLException {
        sql("INSERT INTO people VALUES (1, 'Old', 1)");
        dataset(SqlTable.of(Person.class).table("people")).save(List.of(new Person(2, "Ada", 36)));
        assertThat(people()).containsExactly("1:Old:1", "2:Ada:36");

        dataset(SqlTable.of(Person.class).table("people").key("id")).save(
                List.of(new Person(2, "Ada L.", 37), new Person(3, "Grace", null)));
        assertThat(people()).containsExactly("1:Old:1", "2:Ada L.:37", "3:Grace:null");

        dataset(SqlTable.of(Person.class).table("people").mode(SqlTable.Mode.OVERWRITE)).save(
                List.of(new Person(9, "Only", 1)));
        assertThat(people()).containsExactly("9:Only:1");
    }

    @Test
    void aFailingBatchLeavesTheTableAsItWas() throws SQLException {
        sql("INSERT INTO people VALUES (1000, 'Before', 1)");
        List<Map<String, Object>> rows = new ArrayList<>();
        IntStream.rangeClosed(1, 50).forEach(i -> {
            Map<String, Object> row = new java.util.HashMap<>();
            row.put("id", i);
            row.put("full_name", i == 25 ? null : "p" + i); // batch 3 of 5
            row.put("age", i);
            rows.add(row);
        });
        var people = dataset(SqlTable.rows().table("people").mode(SqlTable.Mode.OVERWRITE).batchSize(10));
        assertThatThrownBy(() -> people.save(rows)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("dataset 'people'").hasMessageContaining("batch 3 (rows 21 to 30)")
                .hasMessageContaining("left as it was");
        assertThat(people()).containsExactly("1000:Before:1");
    }

    @Test
    void aColumnThatDoesNotFitTheRecordIsNamedBeforeAnyRowIsRead() throws SQLException {
        sql("INSERT INTO people VALUES (1, 'Ada', 36)");
        assertThatThrownBy(() -> dataset(SqlTable.of(Misfit.class).table("people")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("dataset 'people'")
                .hasMessageMatching("(?s)(?i).*column 'full_name' \\((varchar|character varying)\\) does not fit component"
                        + " int fullName of Misfit.*");
        assertThatThrownBy(() -> dataset(SqlTable.of(Missing.class).table("people")).load())
                .hasMessageContaining("no column for components nickname, email of Missing");
    }

    @Test
    void aMissingTableIsNamed() {
        assertThatThrownBy(() -> dataset(SqlTable.of(Person.class).table("nobody")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("table 'nobody' does not exist");
        assertThat(dataset(SqlTable.of(Person.class).table("nobody")).exists()).isFalse();
        assertThat(dataset(SqlTable.of(Person.class).table("people")).exists()).isTrue();
    }
}
