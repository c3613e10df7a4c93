package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.State;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store keeps a run's state as its kind's label; rows written before the kinds were typed (the same labels,
 * written here by hand, as an older Loomflow wrote them) read back as kinds, filter by kind, and a label no
 * kind has is refused naming the run and the label, never shown as another state.
 */
class StoredStatesTest {

    @TempDir
    Path directory;

    private final Map<String, UUID> byLabel = new LinkedHashMap<>();
    private final UUID unknown = UUID.randomUUID();

    @BeforeEach
    void writeRowsAsAnOlderVersionDid() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history").toAbsolutePath();
        Flyway.configure(getClass().getClassLoader()).dataSource(url, "sa", "")
                .locations("classpath:io/loomflow/store/migration/h2").table("lf_schema_history").target("3").load().migrate();
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_run (id, parent_id, root_id, name,"
                     + " kind, parameters, state, created_at, history) VALUES (?, NULL, ?, ?, 'FLOW', '{}', ?, ?, ?)")) {
            Instant at = Instant.parse("2026-01-02T03:04:05Z");
            for (String label : new String[] {"Scheduled", "Pending", "Running", "Retrying", "Completed", "Cached",
                    "Failed", "Cancelled", "Crashed", "Exploded"}) {
                UUID id = label.equals("Exploded") ? unknown : UUID.randomUUID();
                byLabel.put(label, id);
                at = at.plusSeconds(1);
                insert.setObject(1, id);
                insert.setObject(2, id);
                insert.setString(3, "old-" + label);
                insert.setString(4, label);
                insert.setObject(5, at.atOffset(ZoneOffset.UTC));
                insert.setString(6, "[\"Scheduled\",\"" + at + "\",\"\"]\n[\"" + label + "\",\"" + at + "\",\"\"]\n");
                insert.addBatch();
            }
            insert.executeBatch();
        }
        RunStore.embedded(directory).close(); // migrates them to the schema of this version
    }

    @Test
    void everyLabelAnOlderVersionWroteReadsAsItsKindAndFiltersByIt() {
        try (RunStore history = RunStore.embeddedReadOnly(directory)) {
            for (State.Kind kind : State.Kind.values()) {
                RunRecord run = history.run(byLabel.get(kind.label())).orElseThrow();
                assertThat(run.state()).isEqualTo(kind);
                assertThat(run.isFinal()).isEqualTo(kind.isFinal());
                assertThat(run.history().getLast().kind()).contains(kind);
                assertThat(history.runs(RunQuery.all().withState(kind))).extracting(RunRecord::name)
                        .containsExactly("old-" + kind.label());
            }
        }
    }

    @Test
    void aLabelNoKindHasIsRefusedNamingTheRunAndTheLabel() {
        try (RunStore history = RunStore.embeddedReadOnly(directory)) {
            assertThatThrownBy(() -> history.run(unknown)).isInstanceOf(RunStoreException.class)
                    .hasMessage("run " + unknown + " has the state 'Exploded', which is no state this version of Loomflow"
                            + " knows (Scheduled, Pending, Running, Retrying, Completed, Cached, Failed, Cancelled, Crashed);"
                            + " read it with the version that wrote it");
        }
    }
}
