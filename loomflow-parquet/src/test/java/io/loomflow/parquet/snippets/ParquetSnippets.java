package io.loomflow.parquet.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.Format;
import io.loomflow.parquet.Compression;
import io.loomflow.parquet.Decimal;
import io.loomflow.parquet.ParquetFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of {@link ParquetFormat} and {@link Decimal}, run. */
class ParquetSnippets {

    @Test
    void recordsAndMapsAsParquet() throws IOException {
        // @start region="format"
        record Stop(double lat, double lon) {}
        record Trip(long id, Instant pickup, @Decimal(precision = 10, scale = 2) BigDecimal fare,
                    Optional<String> zone, List<Stop> stops) {}
        Format<List<Trip>> trips = ParquetFormat.of(Trip.class).withCompression(Compression.ZSTD);
        Format<List<Map<String, Object>>> rows = ParquetFormat.maps();   // any file, columns as keys
        // @end
        Trip trip = new Trip(1, Instant.EPOCH, new BigDecimal("12.50"), Optional.empty(), List.of(new Stop(1, 2)));
        byte[] file = trips.write(List.of(trip));
        assertThat(trips.read(file)).containsExactly(trip);
        assertThat(rows.read(file).getFirst()).containsEntry("id", 1L).containsEntry("zone", null);
    }

    @Test
    void aDecimalComponent() throws IOException {
        // @start region="decimal"
        record Payment(String id, @Decimal(precision = 12, scale = 2) BigDecimal amount) {}
        // @end
        Format<List<Payment>> payments = ParquetFormat.of(Payment.class);
        Payment payment = new Payment("p", new BigDecimal("1234567890.12"));
        assertThat(payments.read(payments.write(List.of(payment)))).containsExactly(payment);
    }
}
