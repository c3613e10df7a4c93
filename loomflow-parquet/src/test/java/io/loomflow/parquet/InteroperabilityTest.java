package io.loomflow.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.parquet.Rows.Colour;
import io.loomflow.parquet.Rows.Everything;
import io.loomflow.parquet.Rows.Point;
import io.loomflow.parquet.Rows.Sparse;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files Loomflow writes, read by DuckDB (its own Parquet reader, in C++), and files DuckDB writes,
 * read by Loomflow: values compared one by one.
 */
class InteroperabilityTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void duckDbReadsWhatLoomflowWrites(Compression compression) throws Exception {
        List<Everything> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(ParquetFormatTest.everything(i));
        }
        Path file = directory.resolve("everything.parquet");
        Files.write(file, ParquetFormat.of(Everything.class).withCompression(compression).write(rows));
        try (DuckDb duck = new DuckDb()) {
            List<List<String>> read = duck.rows("SELECT flag, tiny, small, \"count\", big, ratio, amount, name, price, wide,"
                    + " huge, \"day\", epoch_us(\"at\"), \"local\", id, hex(blob), colour, point.x, point.label, tags,"
                    + " len(path), path[2].y, grid, typeof(price), typeof(\"at\"), typeof(tags)"
                    + " FROM read_parquet('" + file + "') ORDER BY \"count\" DESC");
            assertThat(read).hasSize(300);
            Everything seven = rows.get(7);
            assertThat(read.get(7)).containsExactly("false", "-7", "1007", "-49", String.valueOf(seven.big()), "3.5",
                    String.valueOf(Math.PI * 7), "name 7 é", "-1234567883.12",
                    "12345678901234567890123456789.123456789", "-12345678901234567890123456.0001", "1970-01-07",
                    String.valueOf(seven.at().toEpochMilli() * 1000 + 456), "1900-01-01 00:00:00.000001",
                    seven.id().toString(), "0007FF", "GREEN", "7.0", "p7", "[a, b7]", "2", "4.0", "[[1, 2], [], [7]]",
                    "DECIMAL(12,2)", "TIMESTAMP WITH TIME ZONE", "VARCHAR[]");
        }
    }

    @Test
    void duckDbReadsNullsAndAbsentValues() throws Exception {
        Path file = directory.resolve("sparse.parquet");
        Files.write(file, ParquetFormat.of(Sparse.class).write(List.of(ParquetFormatTest.empty(1),
                ParquetFormatTest.full(2))));
        try (DuckDb duck = new DuckDb()) {
            assertThat(duck.rows("SELECT id, note, comment, boxed, measure, day, point.label, tags, holes, seen"
                    + " FROM read_parquet('" + file + "') ORDER BY id")).containsExactly(
                    java.util.Arrays.asList("1", null, null, null, null, null, null, null, "[]", null),
                    List.of("2", "note", "comment", "42", "2.5", "2026-01-02", "here", "[t]", "[1, NULL, 3]",
                            "1970-01-01T00:00Z"));
        }
    }

    /** A row of the table DuckDB writes. */
    public record FromDuck(int id, long big, short small, double amount, float ratio, boolean flag, String name,
                           BigDecimal price, BigDecimal wide, LocalDate day, Instant at, LocalDateTime local, UUID uuid,
                           byte[] blob, Colour colour, List<Integer> numbers, Point point, Optional<String> note,
                           @Nullable List<String> tags) { }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"SNAPPY", "ZSTD", "GZIP", "UNCOMPRESSED", "LZ4_RAW"})
    void loomflowReadsWhatDuckDbWrites(Compression compression) throws Exception {
        Path file = directory.resolve("duck.parquet");
        try (DuckDb duck = new DuckDb()) {
            duck.execute("CREATE TYPE colour AS ENUM ('RED', 'GREEN', 'BLUE')");
            duck.execute("COPY (SELECT i::INTEGER AS id, (i * 10000000000)::BIGINT AS big, (i - 5)::SMALLINT AS small,"
                    + " i / 4 AS amount, (i / 2)::FLOAT AS ratio, i % 2 = 0 AS flag, 'row ' || i AS name,"
                    + " (i * 1.25)::DECIMAL(9,2) AS price, (i * 1000000000000.5)::DECIMAL(38,4) AS wide,"
                    + " DATE '2026-12-04' + i AS day,"
                    + " TIMESTAMPTZ '2026-12-04 10:00:00.123456+00' + INTERVAL (i) SECOND AS at,"
                    + " TIMESTAMP '2000-01-01 12:30:00' + INTERVAL (i) MINUTE AS local,"
                    + " '4b0ef5f2-6a34-4f0a-9d3e-0000000000' || lpad(i::VARCHAR, 2, '0') AS uuid_text,"
                    + " uuid_text::UUID AS uuid, ('\\x00\\xFF' || i::VARCHAR)::BLOB AS blob,"
                    + " (['RED', 'GREEN', 'BLUE'])[i % 3 + 1]::colour AS colour, [i, i + 1] AS numbers,"
                    + " {'x': i::DOUBLE, 'y': -i::DOUBLE, 'label': CASE WHEN i % 2 = 0 THEN NULL ELSE 'p' END} AS point,"
                    + " CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || i END AS note,"
                    + " CASE WHEN i = 4 THEN NULL ELSE ['a', 'b'] END AS tags"
                    + " FROM (SELECT range::INTEGER AS i FROM range(0, 10))) TO '" + file + "' (FORMAT PARQUET, COMPRESSION "
                    + compression.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        byte[] content = Files.readAllBytes(file);
        assertThat(DuckDb.codecs(content)).containsOnly(compression.name());
        List<FromDuck> rows = ParquetFormat.of(FromDuck.class).read(content);
        assertThat(rows).hasSize(10);
        FromDuck three = rows.get(3);
        assertThat(three.id()).isEqualTo(3);
        assertThat(three.big()).isEqualTo(30_000_000_000L);
        assertThat(three.small()).isEqualTo((short) -2);
        assertThat(three.amount()).isEqualTo(0.75);
        assertThat(three.ratio()).isEqualTo(1.5f);
        assertThat(three.flag()).isFalse();
        assertThat(three.name()).isEqualTo("row 3");
        assertThat(three.price()).isEqualByComparingTo("3.75");
        assertThat(three.wide()).isEqualByComparingTo("3000000000001.5");
        assertThat(three.day()).isEqualTo(LocalDate.of(2026, 12, 7));
        assertThat(three.at()).isEqualTo(Instant.parse("2026-12-04T10:00:03.123456Z"));
        assertThat(three.local()).isEqualTo(LocalDateTime.of(2000, 1, 1, 12, 33));
        assertThat(three.uuid()).isEqualTo(UUID.fromString("4b0ef5f2-6a34-4f0a-9d3e-000000000003"));
        assertThat(three.blob()).containsExactly(0, 0xff, '3');
        assertThat(three.colour()).isEqualTo(Colour.RED);
        assertThat(three.numbers()).containsExactly(3, 4);
        assertThat(three.point()).isEqualTo(new Point(3, -3, "p"));
        assertThat(rows.get(4).point()).isEqualTo(new Point(4, -4, null));
        assertThat(three.note()).isEmpty();
        assertThat(rows.get(4).note()).contains("n4");
        assertThat(three.tags()).containsExactly("a", "b");
        assertThat(rows.get(4).tags()).isNull();

        Map<String, Object> asMap = ParquetFormat.maps().read(content).get(3);
        assertThat(asMap).containsEntry("id", 3).containsEntry("colour", "RED").containsEntry("numbers", List.of(3, 4))
                .containsEntry("note", null).containsEntry("at", Instant.parse("2026-12-04T10:00:03.123456Z"));
    }
}
