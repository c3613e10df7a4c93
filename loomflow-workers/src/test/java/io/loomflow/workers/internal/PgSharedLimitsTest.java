package io.loomflow.workers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.RunInfo;
import io.loomflow.spi.SharedLimits;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.WorkQueueException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slot rows of shared limits in PostgreSQL: a holder's heartbeat keeps its slot past the lease, a
 * holder that stops beating without giving its slot back loses it when the lease expires, a wait
 * cut off by an interrupt holds nothing, and two sizes of one limit are refused.
 */
class PgSharedLimitsTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration BEAT = Duration.ofMillis(200);

    private Database database;
    private final List<PgSharedLimits> opened = new ArrayList<>();
    private final List<Notifications> listeners = new ArrayList<>();
    private final Map<UUID, String> names = new ConcurrentHashMap<>();

    @BeforeEach
    void openTheDatabase() throws Exception {
        database = Database.open(POSTGRES.url(), "limits-test", 4, true);
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM lf_limit")) {
            statement.executeUpdate();
        }
    }

    @AfterEach
    void closeThem() {
        opened.forEach(PgSharedLimits::close);
        listeners.forEach(Notifications::close);
        database.close();
    }

    private PgSharedLimits limits(String owner, Map<String, Integer> sizes, boolean listen) {
        Notifications notifications = listen ? new Notifications(database, owner) : null;
        PgSharedLimits limits = new PgSharedLimits(database, UUID.randomUUID(), owner, sizes, LEASE, BEAT,
                Duration.ofMillis(100), notifications).start();
        if (notifications != null) {
            listeners.add(notifications.start());
        }
        opened.add(limits);
        return limits;
    }

    private RunInfo run(String name) {
        UUID id = UUID.randomUUID();
        names.put(id, name);
        return new RunInfo(id, null, id, name, RunInfo.Kind.FLOW, null, Instant.now());
    }

    @Test
    void aHoldersHeartbeatKeepsItsSlotPastTheLeaseAndAHolderThatStopsBeatingLosesItWhenTheLeaseExpires()
            throws Exception {
        PgSharedLimits crashing = limits("crashing", Map.of("one", 1), true);
        PgSharedLimits waiting = limits("waiting", Map.of("one", 1), true);
        crashing.acquire("one", run("holder"), () -> {
            throw new AssertionError("the first permit is free");
        });
        CountDownLatch waits = new CountDownLatch(1);
        CompletableFuture<SharedLimits.Permit> second = CompletableFuture.supplyAsync(() -> {
            try {
                return waiting.acquire("one", run("second"), waits::countDown);
            } catch (InterruptedException interrupted) {
                throw new IllegalStateException(interrupted);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        assertThat(waits.await(10, TimeUnit.SECONDS)).isTrue();

        // Three leases long, the holder's heartbeat keeps the slot.
        assertThatThrownBy(() -> second.get(3 * LEASE.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);

        crashing.close(); // stops beating and gives nothing back, as a process that died
        SharedLimits.Permit taken = second.get(10, TimeUnit.SECONDS);
        assertThat(holderOf("one")).isEqualTo("second");
        taken.release();
        assertThat(holderOf("one")).isNull();
    }

    @Test
    void aWaitCutOffByAnInterruptHoldsNoSlot() throws Exception {
        PgSharedLimits first = limits("first", Map.of("one", 1), false);
        PgSharedLimits second = limits("second", Map.of("one", 1), false);
        SharedLimits.Permit held = first.acquire("one", run("holder"), () -> { });
        CountDownLatch waits = new CountDownLatch(1);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                second.acquire("one", run("waiter"), waits::countDown);
                ended.complete(null);
            } catch (Throwable thrown) {
                ended.complete(thrown);
            }
        });
        assertThat(waits.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.interrupt();
        assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(second.held()).isZero();

        held.release();
        assertThat(holderOf("one")).isNull();
        SharedLimits.Permit again = second.acquire("one", run("after"), () -> {
            throw new AssertionError("the slot was given back");
        });
        again.release();
    }

    @Test
    void permitsAreNeverMoreThanTheSlotsAcrossHolders() throws Exception {
        PgSharedLimits a = limits("a", Map.of("three", 3), true);
        PgSharedLimits b = limits("b", Map.of("three", 3), true);
        List<SharedLimits.Permit> permits = new ArrayList<>();
        permits.add(a.acquire("three", run("1"), () -> { }));
        permits.add(b.acquire("three", run("2"), () -> { }));
        permits.add(a.acquire("three", run("3"), () -> { }));
        CountDownLatch waits = new CountDownLatch(1);
        CompletableFuture<SharedLimits.Permit> fourth = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                fourth.complete(b.acquire("three", run("4"), waits::countDown));
            } catch (Throwable thrown) {
                fourth.completeExceptionally(thrown);
            }
        });
        assertThat(waits.await(10, TimeUnit.SECONDS)).as("a fourth holder waits").isTrue();
        assertThat(fourth).isNotDone();
        permits.getFirst().release();
        fourth.get(10, TimeUnit.SECONDS).release();
        permits.subList(1, 3).forEach(SharedLimits.Permit::release);
        assertThat(holdersOf("three")).isZero();
    }

    @Test
    void aLimitDeclaredWithAnotherSizeIsRefusedNamingBothSizes() {
        limits("first", Map.of("gpu", 3), true);
        assertThatThrownBy(() -> limits("second", Map.of("gpu", 4), true))
                .isInstanceOf(WorkQueueException.class)
                .hasMessageContaining("shared limit 'gpu' has 3 permits")
                .hasMessageContaining("declares it with 4");
    }

    private String holderOf(String limit) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT holder_run FROM lf_limit_slot WHERE limit_name = ? AND holder_worker IS NOT NULL
                       AND lease_until > now()""")) {
            statement.setString(1, limit);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                UUID run = rows.getObject(1, UUID.class);
                return run == null ? null : names.getOrDefault(run, run.toString());
            }
        }
    }

    private static int holdersOf(String limit) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) FROM lf_limit_slot WHERE limit_name = ? AND holder_worker IS NOT NULL""")) {
            statement.setString(1, limit);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
