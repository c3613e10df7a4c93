package io.loomflow.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.parquet.Rows.Colour;
import io.loomflow.parquet.Rows.Everything;
import io.loomflow.parquet.Rows.Named;
import io.loomflow.parquet.Rows.Point;
import io.loomflow.parquet.Rows.Sparse;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParquetFormatTest {

    static Everything everything(int i) {
        return new Everything(i % 2 == 0, (byte) -i, (short) (1000 + i), -7 * i, 1L << 40 | i, 0.5f * i, Math.PI * i,
                "name " + i + " é", new BigDecimal("1234567890.12").negate().add(BigDecimal.valueOf(i)),
                new BigDecimal("12345678901234567890123456789.123456789"),
                new BigDecimal("-12345678901234567890123456.0001"), LocalDate.of(1969, 12, 31).plusDays(i),
                Instant.parse("2026-12-04T10:15:30.123456Z").plusSeconds(i), LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1000),
                UUID.nameUUIDFromBytes(new byte[] {(byte) i}), new byte[] {0, (byte) i, (byte) 255},
                Colour.values()[i % 3], new Point(i, -i, i % 2 == 0 ? null : "p" + i), List.of("a", "b" + i),
                List.of(new Point(1, 2, "x"), new Point(3, 4, null)), List.of(List.of(1, 2), List.of(), List.of(i)));
    }

    static Sparse empty(long id) {
        return new Sparse(id, Optional.empty(), null, null, null, null, null, null, List.of(), Optional.empty());
    }

    static Sparse full(long id) {
        return new Sparse(id, Optional.of("note"), "comment", 42, 2.5, LocalDate.of(2026, 1, 2),
                new Point(1, 2, "here"), List.of("t"), Arrays.asList(1, null, 3), Optional.of(Instant.EPOCH));
    }

    @Test
    void everySupportedTypeRoundTrips() throws IOException {
        ParquetFormat<Everything> format = ParquetFormat.of(Everything.class);
        List<Everything> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(everything(i));
        }
        List<Everything> read = format.read(format.write(rows));
        assertThat(read).hasSize(100);
        // Records compare arrays by reference; the recursive comparison compares their content.
        assertThat(read).usingRecursiveFieldByFieldElementComparator().isEqualTo(rows);
        assertThat(read.get(3).blob()).containsExactly(0, 3, 255);
    }

    @Test
    void optionalColumnsKeepTheirNullsAndValues() throws IOException {
        ParquetFormat<Sparse> format = ParquetFormat.of(Sparse.class);
        List<Sparse> rows = List.of(empty(1), full(2), empty(3));
        assertThat(format.read(format.write(rows))).isEqualTo(rows);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyCompressionRoundTrips(Compression compression) throws IOException {
        ParquetFormat<Everything> format = ParquetFormat.of(Everything.class).withCompression(compression);
        List<Everything> rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            rows.add(everything(i));
        }
        byte[] file = format.write(rows);
        assertThat(format.read(file)).usingRecursiveFieldByFieldElementComparator().isEqualTo(rows);
        assertThat(DuckDb.codecs(file)).containsOnly(compression.name());
    }

    @Test
    void mapsRoundTripWithTheFileColumnsInOrder() throws IOException {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("id", 1L);
        first.put("name", "Ada");
        first.put("score", 9.5);
        first.put("day", LocalDate.of(2026, 12, 4));
        first.put("price", new BigDecimal("3.250000000"));
        first.put("missing", null);
        Map<String, Object> second = new HashMap<>(first);
        second.put("name", null);
        second.put("id", 2L);
        ParquetFormat<Map<String, Object>> format = ParquetFormat.maps();
        List<Map<String, Object>> read = format.read(format.write(List.of(first, second)));
        assertThat(read.getFirst()).containsExactlyEntriesOf(first);
        assertThat(read.get(1)).isEqualTo(second);
    }

    @Test
    void mapsReadRecordsWrittenWithNestingAsMapsAndLists() throws IOException {
        byte[] file = ParquetFormat.of(Everything.class).write(List.of(everything(1)));
        Map<String, Object> row = ParquetFormat.maps().read(file).getFirst();
        assertThat(row).containsEntry("colour", "GREEN").containsEntry("tiny", -1).containsEntry("big", 1L << 40 | 1)
                .containsEntry("point", Map.of("x", 1.0, "y", -1.0, "label", "p1")
                        .entrySet().stream().collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll))
                .containsEntry("tags", List.of("a", "b1")).containsEntry("grid", List.of(List.of(1, 2), List.of(), List.of(1)))
                .containsEntry("at", Instant.parse("2026-12-04T10:15:31.123456Z"));
    }

    @Test
    void aRecordReadsOnlyTheColumnsItNamesInAnyOrder() throws IOException {
        record Reordered(String name, long id) { }
        byte[] file = ParquetFormat.of(Named.class).write(List.of(new Named(1, "Ada"), new Named(2, "Grace")));
        assertThat(ParquetFormat.of(Reordered.class).read(file))
                .containsExactly(new Reordered("Ada", 1), new Reordered("Grace", 2));
        record IdOnly(long id) { }
        assertThat(ParquetFormat.of(IdOnly.class).read(file)).containsExactly(new IdOnly(1), new IdOnly(2));
    }

    @Test
    void aNullInARequiredComponentIsRefusedNamingRowAndComponent() {
        assertThatThrownBy(() -> ParquetFormat.of(Named.class).write(List.of(new Named(1, "a"), new Named(2, null))))
                .isInstanceOf(IOException.class)
                .hasMessage("row 2: name is null, but its column is required; declare the component @Nullable or"
                        + " Optional<String>, or give it a value");
    }

    @Test
    void aDecimalWithMorePlacesThanItsScaleIsRefusedNotRounded() {
        record Price(@Decimal(precision = 5, scale = 2) BigDecimal amount) { }
        assertThatThrownBy(() -> ParquetFormat.of(Price.class).write(List.of(new Price(new BigDecimal("1.005")))))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("row 1: amount is 1.005, with more than 2 decimal places; round it");
        assertThatThrownBy(() -> ParquetFormat.of(Price.class).write(List.of(new Price(new BigDecimal("1000.5")))))
                .hasMessageStartingWith("row 1: amount is 1000.5, more than 5 digits");
    }

    @Test
    void aTimestampFinerThanMicrosecondsIsRefused() {
        record Seen(Instant at) { }
        assertThatThrownBy(() -> ParquetFormat.of(Seen.class).write(List.of(new Seen(Instant.ofEpochSecond(0, 1)))))
                .hasMessageContaining("finer than the microseconds").hasMessageContaining("truncatedTo(ChronoUnit.MICROS)");
    }

    @Test
    void aColumnThatDoesNotFitItsComponentIsRefusedBeforeAnyRow() throws IOException {
        record Wrong(long id, LocalDate name) { }
        byte[] file = ParquetFormat.of(Named.class).write(List.of(new Named(1, "Ada")));
        assertThatThrownBy(() -> ParquetFormat.of(Wrong.class).read(file)).isInstanceOf(IOException.class)
                .hasMessage("column name holds BINARY STRING (read as String), which does not fit the component's type"
                        + " LocalDate; change the component to the column's type, or write the file again with this one");
    }

    @Test
    void aMissingRequiredColumnNamesTheColumnsThere() throws IOException {
        record Other(long id, String city) { }
        byte[] file = ParquetFormat.of(Named.class).write(List.of(new Named(1, "Ada")));
        assertThatThrownBy(() -> ParquetFormat.of(Other.class).read(file))
                .hasMessageStartingWith("the file has no column city (its columns at this level: id, name)");
    }

    @Test
    void aNullReadIntoARequiredComponentNamesTheRow() throws IOException {
        byte[] file = ParquetFormat.of(Sparse.class).write(List.of(full(1), empty(2)));
        record Strict(long id, String comment) { }
        assertThatThrownBy(() -> ParquetFormat.of(Strict.class).read(file))
                .hasMessageStartingWith("row 2: comment has no value, but component Strict.comment cannot be null");
    }

    @Test
    void anEnumConstantTheEnumLacksIsNamed() throws IOException {
        record Label(String colour) { }
        record Coloured(Colour colour) { }
        byte[] file = ParquetFormat.of(Label.class).write(List.of(new Label("RED"), new Label("PINK")));
        assertThatThrownBy(() -> ParquetFormat.of(Coloured.class).read(file))
                .hasMessageStartingWith("row 2: colour is 'PINK', not a constant of Colour (RED, GREEN, BLUE)");
    }

    @Test
    void aComponentWithoutAColumnIsRefusedWhenTheFormatIsMade() {
        record Bad(long id, Map<String, String> attributes) { }
        assertThatThrownBy(() -> ParquetFormat.of(Bad.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Bad.attributes is a java.util.Map<java.lang.String, java.lang.String>, which has"
                        + " no Parquet column here");
    }

    @Test
    void theApiPackageIsNullMarked() {
        assertThat(ParquetFormat.class.getPackage().isAnnotationPresent(NullMarked.class)).isTrue();
    }

    @Test
    void hadoopIsNotOnTheClassPathOfTheseTests() {
        // Every test here writes and reads without Hadoop, as applications do; the build excludes its jar.
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
