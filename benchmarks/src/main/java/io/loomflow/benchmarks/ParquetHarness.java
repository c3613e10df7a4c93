package io.loomflow.benchmarks;

import io.loomflow.Resource;
import io.loomflow.data.Dataset;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.parquet.Compression;
import io.loomflow.parquet.ParquetFormat;
import io.loomflow.parquet.internal.ParquetIo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Parquet write and read of many rows of an eight-column record: through Loomflow's format and a
 * {@code file:} dataset, as a list (saved as a whole object; loaded by ranged reads, and for
 * comparison whole then parsed) and as a stream (saved through a staged write, loaded by ranged
 * reads row group by row group), against parquet-java used directly (a hand-written {@code
 * WriteSupport} and record materializer for the same record, no reflection, to and from a local
 * file), in the same run, the side that goes first changing by round; and the file's size against
 * the same rows as CSV.
 *
 * <p>Both sides use the same codecs (parquet-java's own cannot be loaded without Hadoop). Arguments:
 * {@code rows=10000000 rounds=3 compression=snappy dir=(a new temporary directory)}.
 */
public final class ParquetHarness {

    private ParquetHarness() {
    }

    /** Marks an optional component (Loomflow takes any annotation of this name). */
    @Target(ElementType.TYPE_USE)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Nullable {
    }

    /** A taxi trip: eight columns. */
    public record Trip(long id, int passengers, double distance, double fare, String vendor, boolean cash,
                       Instant pickup, @Nullable String zone) {
    }

    private static final String[] VENDORS = {"CMT", "VTS", "DDS", "Uber", "Lyft"};
    private static final String[] ZONES = new String[260];

    static {
        for (int i = 0; i < ZONES.length; i++) {
            ZONES[i] = "zone " + i;
        }
    }

    static Trip trip(long i) {
        long mix = i * 0x9E3779B97F4A7C15L;
        return new Trip(i, (int) (Math.abs(mix % 6)), Math.abs(mix % 30_000) / 100.0, Math.abs(mix % 9_000) / 100.0 + 2.5,
                VENDORS[(int) Math.abs(mix % VENDORS.length)], mix % 3 == 0,
                Instant.ofEpochSecond(1_700_000_000L + i / 4, (i % 4) * 250_000_000L),
                i % 7 == 0 ? null : ZONES[(int) Math.abs(mix % ZONES.length)]);
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("ParquetHarness", args, "rows", "10000000", "rounds", "3",
                "compression", "snappy", "dir", "");
        int n = options.number("rows");
        int rounds = options.number("rounds");
        Compression compression = Compression.valueOf(options.text("compression").toUpperCase(Locale.ROOT));
        Path dir = options.text("dir").isEmpty() ? Files.createTempDirectory("parquet-harness")
                : Files.createDirectories(Path.of(options.text("dir")));

        List<Trip> rows = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            rows.add(trip(i));
        }
        ParquetFormat<Trip> format = ParquetFormat.of(Trip.class).withCompression(compression);
        Resource<Storage> files = Storages.resource(new StorageOptions("file", Map.of("root", dir.toString())));
        URI listed = URI.create("file:trips-loomflow.parquet");
        URI streamed = URI.create("file:trips-stream.parquet");
        Dataset<List<Trip>> dataset = Dataset.of("trips", listed, format, files);
        Dataset<Stream<Trip>> stream = Dataset.of("stream", streamed, format.stream(), files);
        Path direct = dir.resolve("trips-direct.parquet");
        long expected = (long) n * (n - 1) / 2;

        // Each side of a group in turn, the first side alternating by round.
        String[][] names = {
            {"write, Loomflow list (whole object: Dataset.save)", "write, Loomflow stream (staged write, 8 MiB row groups)",
                "write, parquet-java directly (local file)"},
            {"read, Loomflow list (ranged reads: Dataset.load)", "read, Loomflow list (whole object, then parsed)",
                "read, Loomflow stream (ranged reads, row group by row group)", "read, parquet-java directly (local file)"}};
        Benchmarks.Run[][] runs = {
            {() -> dataset.save(rows), () -> stream.save(rows.stream()), () -> writeDirect(rows, direct, compression)},
            {() -> check(dataset.load(), expected),
                () -> check(format.read(files.get().read(listed)), expected),
                () -> {
                    try (Stream<Trip> trips = stream.load()) {
                        check(trips.toList(), expected);
                    }
                },
                () -> check(readDirect(direct), expected)}};
        List<List<double[]>> timings = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round <= rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + (round == 0 ? " (warm-up, not counted)" : "") + ":");
            for (int group = 0; group < runs.length; group++) {
                double[] t = new double[runs[group].length];
                for (int k = 0; k < t.length; k++) {
                    int side = (k + round) % t.length;
                    t[side] = seconds(runs[group][side]);
                }
                for (int side = 0; side < t.length; side++) {
                    line.append(String.format(Locale.ROOT, " %s %.2f s;", names[group][side].substring(0,
                            names[group][side].indexOf(" (")), t[side]));
                }
                if (round > 0) {
                    timings.get(group).add(t);
                }
            }
            System.out.println(line);
        }
        for (int group = 0; group < runs.length; group++) {
            for (int side = 0; side < runs[group].length; side++) {
                int column = side;
                List<Double> all = new ArrayList<>(timings.get(group).stream().map(t -> t[column]).toList());
                all.sort(null);
                double median = all.get(all.size() / 2);
                System.out.printf(Locale.ROOT, "RESULT %-64s %,12.0f rows/s (median %.2f s of %d rounds)%n",
                        names[group][side], n / median, median, rounds);
            }
        }

        Path csv = dir.resolve("trips.csv");
        double csvSeconds = seconds(() -> writeCsv(rows, csv));
        long parquetBytes = Files.size(dir.resolve("trips-loomflow.parquet"));
        long csvBytes = Files.size(csv);
        System.out.printf(Locale.ROOT, "RESULT sizes: Parquet (%s) %,d bytes (Loomflow), %,d bytes (direct); CSV %,d bytes"
                        + " (written in %.2f s); Parquet is %.1f%% of the CSV%n", compression, parquetBytes,
                Files.size(direct), csvBytes, csvSeconds, 100.0 * parquetBytes / csvBytes);
        if (options.text("dir").isEmpty()) {
            Benchmarks.deleteTree(dir);
        }
    }

    private static double seconds(Benchmarks.Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void check(List<Trip> read, long expected) {
        long sum = 0;
        for (Trip trip : read) {
            sum += trip.id();
        }
        if (sum != expected) {
            throw new IllegalStateException("read " + read.size() + " rows whose ids add up to " + sum + ", not " + expected);
        }
    }

    private static void writeCsv(List<Trip> rows, Path csv) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("id,passengers,distance,fare,vendor,cash,pickup,zone\n");
            for (Trip t : rows) {
                out.write(t.id() + "," + t.passengers() + "," + t.distance() + "," + t.fare() + "," + t.vendor() + ","
                        + t.cash() + "," + t.pickup() + "," + (t.zone() == null ? "" : t.zone()) + "\n");
            }
        }
    }

    // ---------------------------------------------------------------- parquet-java, used directly

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message Trip { required int64 id;"
            + " required int32 passengers; required double distance; required double fare; required binary vendor (STRING);"
            + " required boolean cash; required int64 pickup (TIMESTAMP(MICROS,true)); optional binary zone (STRING); }");

    private static void writeDirect(List<Trip> rows, Path file, Compression compression) throws IOException {
        try (ParquetWriter<Trip> writer = new DirectBuilder(file).withConf(new PlainParquetConfiguration())
                .withCodecFactory(ParquetIo.codecs()).withCompressionCodec(CompressionCodecName.valueOf(compression.name()))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (Trip trip : rows) {
                writer.write(trip);
            }
        }
    }

    private static final class DirectBuilder extends ParquetWriter.Builder<Trip, DirectBuilder> {
        DirectBuilder(Path file) {
            super(new LocalOutputFile(file));
        }

        @Override
        protected DirectBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Trip> getWriteSupport(org.apache.hadoop.conf.Configuration configuration) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected WriteSupport<Trip> getWriteSupport(ParquetConfiguration configuration) {
            return new TripWriteSupport();
        }
    }

    private static final class TripWriteSupport extends WriteSupport<Trip> {
        private RecordConsumer out;

        @Override
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            throw new UnsupportedOperationException();
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(SCHEMA, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        @Override
        public void write(Trip t) {
            out.startMessage();
            out.startField("id", 0);
            out.addLong(t.id());
            out.endField("id", 0);
            out.startField("passengers", 1);
            out.addInteger(t.passengers());
            out.endField("passengers", 1);
            out.startField("distance", 2);
            out.addDouble(t.distance());
            out.endField("distance", 2);
            out.startField("fare", 3);
            out.addDouble(t.fare());
            out.endField("fare", 3);
            out.startField("vendor", 4);
            out.addBinary(Binary.fromString(t.vendor()));
            out.endField("vendor", 4);
            out.startField("cash", 5);
            out.addBoolean(t.cash());
            out.endField("cash", 5);
            out.startField("pickup", 6);
            out.addLong(t.pickup().getEpochSecond() * 1_000_000L + t.pickup().getNano() / 1000);
            out.endField("pickup", 6);
            if (t.zone() != null) {
                out.startField("zone", 7);
                out.addBinary(Binary.fromString(t.zone()));
                out.endField("zone", 7);
            }
            out.endMessage();
        }
    }

    private static List<Trip> readDirect(Path file) throws IOException {
        List<Trip> rows = new ArrayList<>();
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), ParquetIo.readOptions())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Trip> records = columns.getRecordReader(pages, new TripMaterializer());
                for (long i = 0, count = pages.getRowCount(); i < count; i++) {
                    rows.add(records.read());
                }
            }
        }
        return rows;
    }

    private static final class TripMaterializer extends RecordMaterializer<Trip> {
        private long id;
        private int passengers;
        private double distance;
        private double fare;
        private String vendor;
        private boolean cash;
        private long pickup;
        private String zone;
        private Trip current;

        private final Converter[] fields = {
            new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    id = value;
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    passengers = value;
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addDouble(double value) {
                    distance = value;
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addDouble(double value) {
                    fare = value;
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addBinary(Binary value) {
                    vendor = value.toStringUsingUTF8();
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addBoolean(boolean value) {
                    cash = value;
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    pickup = value;
                }
            },
            new PrimitiveConverter() {
                @Override
                public void addBinary(Binary value) {
                    zone = value.toStringUsingUTF8();
                }
            },
        };

        private final GroupConverter root = new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
                return fields[fieldIndex];
            }

            @Override
            public void start() {
                zone = null;
            }

            @Override
            public void end() {
                current = new Trip(id, passengers, distance, fare, vendor, cash,
                        Instant.ofEpochSecond(Math.floorDiv(pickup, 1_000_000L), Math.floorMod(pickup, 1_000_000L) * 1000),
                        zone);
            }
        };

        @Override
        public Trip getCurrentRecord() {
            return current;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }
}
