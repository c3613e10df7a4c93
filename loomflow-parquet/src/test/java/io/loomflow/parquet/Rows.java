package io.loomflow.parquet;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The records the tests write and read. */
final class Rows {

    private Rows() {
    }

    /** A colour, written by name. */
    public enum Colour { RED, GREEN, BLUE }

    /** A nested record: a group. */
    public record Point(double x, double y, @Nullable String label) { }

    /** Every supported type, required. */
    public record Everything(boolean flag, byte tiny, short small, int count, long big, float ratio, double amount,
                             String name, @Decimal(precision = 12, scale = 2) BigDecimal price, BigDecimal wide,
                             @Decimal(precision = 30, scale = 4) BigDecimal huge, LocalDate day, Instant at,
                             LocalDateTime local, UUID id, byte[] blob, Colour colour, Point point, List<String> tags,
                             List<Point> path, List<List<Integer>> grid) { }

    /** Optional columns of every kind: Optional, @Nullable, boxes, lists with null elements. */
    public record Sparse(long id, Optional<String> note, @Nullable String comment, Integer boxed, Double measure,
                         @Nullable LocalDate day, @Nullable Point point, @Nullable List<String> tags,
                         List<@Nullable Integer> holes, Optional<Instant> seen) { }

    /** A required string. */
    public record Named(long id, String name) { }

    /** A trip, as in the benchmark: eight columns. */
    public record Trip(long id, int passengers, double distance, @Decimal(precision = 10, scale = 2) BigDecimal fare,
                       String vendor, boolean cash, Instant pickup, @Nullable String zone) { }
}
