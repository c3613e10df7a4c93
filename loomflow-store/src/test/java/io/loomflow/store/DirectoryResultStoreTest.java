package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.spi.ResultStore;
import io.loomflow.spi.StoredResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON directory store keeps results as typed JSON files that survive the process. */
class DirectoryResultStoreTest {

    /** A record result. */
    public record Row(String id, int count, List<String> tags) {
    }

    /** A record with records, maps and untyped values inside. */
    public record Report(Row best, List<Row> rows, Map<String, Row> byId, Object extra, Long total, BigDecimal price,
                         Instant at, Color color, Set<String> labels) {
    }

    /** An enum result. */
    public enum Color { RED, GREEN }

    /** A class that is not a record: not allowed by default. */
    public static final class Bean {
        private String name;

        public Bean() {
        }

        public Bean(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bean bean && java.util.Objects.equals(bean.name, name);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hashCode(name);
        }
    }

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final ClassLoader LOADER = DirectoryResultStoreTest.class.getClassLoader();

    @TempDir
    Path directory;

    private static StoredResult result(Object value) {
        return new StoredResult(value, "task", "1", UUID.randomUUID(), NOW, null);
    }

    static Stream<Object> values() {
        Row row = new Row("a", 1, List.of("x", "y"));
        return Stream.of(
                "text", 42, 42L, Long.MAX_VALUE, 2.5, 1.5f, (short) 3, true, 'c',
                new BigDecimal("1.10"), new BigInteger("123456789012345678901234567890"),
                row, List.of(row, new Row("b", 2, List.of())), new ArrayList<>(List.of(1L, 2L)),
                Map.of("a", row), new LinkedHashMap<>(Map.of("n", 1, "m", List.of(2L))), new TreeMap<>(Map.of("k", "v")),
                new LinkedHashSet<>(List.of(3, 1, 2)), Set.of("only"),
                new Report(row, List.of(row), Map.of("a", row), row, 7L, new BigDecimal("9.90"),
                        NOW, Color.GREEN, Set.of("p", "q")),
                Color.RED, List.of(Color.GREEN), UUID.fromString("0199a0e0-0000-7000-8000-000000000001"),
                NOW, LocalDate.of(2026, 2, 3), Duration.ofMinutes(90), Stream.of(1, 2).toList(), List.of());
    }

    @ParameterizedTest
    @MethodSource("values")
    void aResultComesBackEqualAndOfTheSameType(Object value) {
        ResultStore store = ResultStores.directory(directory);
        store.save("k", result(value));
        Object back = store.load("k", NOW, LOADER).orElseThrow().value();
        assertThat(back).isEqualTo(value);
        if (!(value instanceof List<?> || value instanceof Map<?, ?> || value instanceof Set<?>)) {
            assertThat(back).hasSameClassAs(value);
        }
    }

    @Test
    void arraysComeBackWithTheirElements() {
        ResultStore store = ResultStores.directory(directory);
        store.save("ints", result(new int[] {1, 2}));
        store.save("rows", result(new Row[] {new Row("a", 1, List.of())}));
        assertThat((int[]) store.load("ints", NOW, LOADER).orElseThrow().value()).containsExactly(1, 2);
        assertThat((Row[]) store.load("rows", NOW, LOADER).orElseThrow().value()).containsExactly(new Row("a", 1, List.of()));
    }

    @Test
    void aStoredNullIsPresentAndAMissingKeyIsAbsent() {
        ResultStore store = ResultStores.directory(directory);
        store.save("nothing", result(null));
        assertThat(store.load("nothing", NOW, LOADER)).hasValueSatisfying(stored -> assertThat(stored.value()).isNull());
        assertThat(store.load("never-saved", NOW, LOADER)).isEmpty();
    }

    @Test
    void everythingAboutAResultSurvivesANewStoreOnTheSameDirectory() {
        UUID run = UUID.randomUUID();
        StoredResult saved = new StoredResult(new Row("a", 1, List.of("t")), "fetch", "3", run, NOW,
                NOW.plus(Duration.ofHours(1)));
        ResultStores.directory(directory).save("fetch/3/input:abc", saved);
        UUID scope = UUID.randomUUID();
        ResultStores.directory(directory).saveScope(run, scope);

        ResultStore reopened = ResultStores.directory(directory);
        assertThat(reopened.load("fetch/3/input:abc", NOW, LOADER)).contains(saved);
        assertThat(reopened.loadScope(run)).contains(scope);
        assertThat(reopened.loadScope(UUID.randomUUID())).isEmpty();
    }

    @Test
    void aResultIsAbsentFromItsExpiryOnAndItsFileIsDeleted() throws Exception {
        ResultStore store = ResultStores.directory(directory);
        Instant expiry = NOW.plus(Duration.ofHours(1));
        store.save("k", new StoredResult("v", "task", "1", null, NOW, expiry));
        assertThat(store.load("k", expiry.minusMillis(1), LOADER)).isPresent();
        assertThat(store.load("k", expiry, LOADER)).isEmpty();
        assertThat(resultFiles()).isEmpty();
    }

    @Test
    void aFileIsOneJsonEnvelopeNamedByTheHashOfItsKey() throws Exception {
        UUID run = UUID.fromString("0199a0e0-0000-7000-8000-000000000002");
        ResultStores.directory(directory).save("fetch/1/input:abc",
                new StoredResult(new Row("a", 1, List.of()), "fetch", "1", run, NOW, null));
        String sha = io.loomflow.store.internal.CanonicalJson.sha256("fetch/1/input:abc");
        Path file = directory.resolve(sha + ".json");
        assertThat(resultFiles()).containsExactly(file);
        assertThat(Files.readString(file)).isEqualTo("{\"key\":\"fetch/1/input:abc\",\"task\":\"fetch\",\"version\":\"1\","
                + "\"runId\":\"" + run + "\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"expiresAt\":null,"
                + "\"type\":\"" + Row.class.getName() + "\",\"value\":{\"@class\":\"" + Row.class.getName() + "\","
                + "\"id\":\"a\",\"count\":1,\"tags\":[\"java.util.ImmutableCollections$ListN\",[]]}}");
    }

    @Test
    void aCorruptFileIsIgnoredWithALogNotAnException() throws Exception {
        ResultStore store = ResultStores.directory(directory);
        store.save("k", result("v"));
        Path file = resultFiles().getFirst();
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            Files.writeString(file, "{\"key\":\"k\",\"task\":");
            assertThat(store.load("k", NOW, LOADER)).isEmpty();
            Files.write(file, new byte[] {(byte) 0xC3, (byte) 0x28});
            assertThat(store.load("k", NOW, LOADER)).isEmpty();
            Files.writeString(file, "{\"key\":\"k\",\"task\":\"t\",\"version\":\"1\",\"createdAt\":\"2026-01-01T00:00:00Z\","
                    + "\"value\":[\"java.lang.Long\",\"not a number\"]}");
            assertThat(store.load("k", NOW, LOADER)).isEmpty();
            assertThat(logs.warnings()).hasSize(3).allSatisfy(message -> assertThat(message)
                    .startsWith("result file " + file + " (key k) is ignored because")
                    .contains("the task runs again and replaces it"));
        }
        store.save("k", result("fresh"));
        assertThat(store.load("k", NOW, LOADER).orElseThrow().value()).isEqualTo("fresh");
    }

    @Test
    void aFileOfAnotherKeyIsIgnored() throws Exception {
        ResultStore store = ResultStores.directory(directory);
        store.save("a", result("of a"));
        Path fileOfA = resultFiles().getFirst();
        Files.copy(fileOfA, directory.resolve(io.loomflow.store.internal.CanonicalJson.sha256("b") + ".json"));
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            assertThat(store.load("b", NOW, LOADER)).isEmpty();
            assertThat(logs.warnings()).singleElement().asString().contains("it holds the result of key a");
        }
    }

    @Test
    void aFileNamingAClassOutsideTheAllowedTypesIsNotBuilt() throws Exception {
        ResultStore store = ResultStores.directory(directory);
        store.save("k", result("v"));
        Path file = resultFiles().getFirst();
        Files.writeString(file, "{\"key\":\"k\",\"task\":\"t\",\"version\":\"1\",\"createdAt\":\"2026-01-01T00:00:00Z\","
                + "\"value\":[\"java.lang.ProcessBuilder\",[\"touch\",\"" + directory.resolve("pwned") + "\"]]}");
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            assertThat(store.load("k", NOW, LOADER)).isEmpty();
            assertThat(logs.warnings()).singleElement().asString().contains("cannot be read back");
        }
        assertThat(directory.resolve("pwned")).doesNotExist();
    }

    @Test
    void aClassThatIsNotARecordIsReadOnlyWhenItsPackageIsAllowed() {
        ResultStores.directory(directory).save("bean", result(new Bean("b")));
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            assertThat(ResultStores.directory(directory).load("bean", NOW, LOADER)).isEmpty();
            assertThat(logs.warnings()).singleElement().asString().contains("ResultCodec.jsonAllowing");
        }
        ResultStore allowing = ResultStores.directory(directory, ResultCodec.jsonAllowing("io.loomflow.store."));
        assertThat(allowing.load("bean", NOW, LOADER).orElseThrow().value()).isEqualTo(new Bean("b"));
    }

    @Test
    void allowingJdkPackagesOrAPrefixWithoutADotFailsAndSaysWhatToPass() {
        assertThatThrownBy(() -> ResultCodec.jsonAllowing("java.io."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"java.io.\" would let result files build JDK classes")
                .hasMessageContaining("such as \"com.acme.model.\"");
        assertThatThrownBy(() -> ResultCodec.jsonAllowing("com.acme"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed package prefix \"com.acme\" must name a package and end with a dot; pass a"
                        + " prefix such as \"com.acme.model.\"");
    }

    @Test
    void aResultThatCannotBeWrittenFailsTheSaveAndLeavesNoFile() throws Exception {
        ResultStore store = ResultStores.directory(directory);
        assertThatThrownBy(() -> store.save("k", result(Optional.of(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a result of type java.util.Optional cannot be written as JSON")
                .hasMessageContaining("give the result store a codec that writes this type");
        assertThatThrownBy(() -> store.save("k", result(new Object()))).isInstanceOf(IllegalArgumentException.class);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(directory.resolve("scopes"));
        }
    }

    @Test
    void equalInputsHaveEqualKeysWhateverTheOrderOfTheirSetsAndMaps() {
        ResultStore store = ResultStores.directory(directory);
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("b", Set.of(3, 1, 2));
        one.put("a", new Row("x", 1, List.of()));
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("a", new Row("x", 1, List.of()));
        other.put("b", new LinkedHashSet<>(List.of(2, 3, 1)));
        assertThat(store.inputKey(one)).isEqualTo(store.inputKey(other)).hasSize(64);
        assertThat(store.inputKey(new Row("x", 1, List.of()))).isNotEqualTo(store.inputKey(new Row("x", 2, List.of())));
        assertThat(store.inputKey(null)).isNotEqualTo(store.inputKey("null"));
        assertThat(store.inputKey(List.of(1, 2))).isEqualTo(store.inputKey(new ArrayList<>(List.of(1, 2))))
                .isNotEqualTo(store.inputKey(List.of(2, 1)));
        assertThatThrownBy(() -> store.inputKey(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("an input of type java.lang.Object cannot be written as JSON");
    }

    @Test
    void concurrentWritersAndReadersOfOneKeyOnlyEverSeeWholeFiles() throws Exception {
        ResultStore store = ResultStores.directory(directory);
        List<Row> big = java.util.stream.IntStream.range(0, 200).mapToObj(i -> new Row("r" + i, i, List.of("t"))).toList();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        store.save("shared", result(big));
                    }
                    return null;
                }));
            }
            for (int reader = 0; reader < 4; reader++) {
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        store.load("shared", NOW, LOADER).ifPresent(found -> assertThat(found.value()).isEqualTo(big));
                    }
                    return null;
                }));
            }
            try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
                start.countDown();
                for (Future<?> done : work) {
                    done.get();
                }
                assertThat(logs.warnings()).isEmpty();
            }
        }
        assertThat(resultFiles()).hasSize(1);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).noneMatch(path -> path.getFileName().toString().endsWith(".tmp"));
        }
    }

    private List<Path> resultFiles() throws java.io.IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.toString().endsWith(".json")).toList();
        }
    }
}
