package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The exported kinds of state: one per state type, their labels, and how people's words parse to them. */
class StateKindTest {

    private static final List<State> ONE_OF_EACH = List.of(new State.Scheduled(), new State.Pending("http"),
            new State.Running(1), new State.Retrying(1, Duration.ZERO, new RuntimeException("x")),
            new State.Completed("r"), new State.Cached("r", "k", null), new State.Failed(new RuntimeException("x")),
            new State.Cancelled("why"), new State.Crashed("why"));

    @Test
    void everyStateTypeHasItsOwnKindLabelledWithItsSimpleName() {
        List<String> types = Arrays.stream(State.class.getPermittedSubclasses()).map(Class::getSimpleName).toList();
        assertThat(State.Kind.labels()).containsExactlyElementsOf(types);
        assertThat(ONE_OF_EACH).extracting(State::kind).containsExactly(State.Kind.values());
        for (State state : ONE_OF_EACH) {
            assertThat(state.kind().label()).isEqualTo(state.getClass().getSimpleName()).isEqualTo(state.label());
            assertThat(state.kind().isFinal()).isEqualTo(state.isFinal());
            assertThat(State.Kind.ofLabel(state.label())).contains(state.kind());
        }
    }

    @Test
    void theFinalKindsAreTheFiveEndings() {
        assertThat(State.Kind.finals()).containsExactly(State.Kind.COMPLETED, State.Kind.CACHED, State.Kind.FAILED,
                State.Kind.CANCELLED, State.Kind.CRASHED);
    }

    /** Words people type for a state, and the kind they mean (or null: refused). */
    static Stream<Arguments> typed() {
        return Stream.of(
                Arguments.of("Failed", State.Kind.FAILED, null),
                Arguments.of("failed", State.Kind.FAILED, null),
                Arguments.of(" CANCELLED\t", State.Kind.CANCELLED, null),
                Arguments.of("faild", null, "'faild' is not a state. Did you mean 'Failed'? The states are: Scheduled,"
                        + " Pending, Running, Retrying, Completed, Cached, Failed, Cancelled, Crashed"),
                Arguments.of("Runing", null, "Did you mean 'Running'?"),
                Arguments.of("", null, "'' is not a state. The states are: "),
                Arguments.of("FAILED'; DROP TABLE lf_run; --", null, "'FAILED'; DROP TABLE lf_run; --' is not a state."
                        + " The states are: "),
                Arguments.of("x".repeat(100_000), null, " is not a state. The states are: "),
                Arguments.of("Fa\u0000iled", null, "Did you mean 'Failed'?"),
                Arguments.of("COMPLETED_", null, "Did you mean 'Completed'?"),
                Arguments.of("Unreadable", null, "'Unreadable' is not a state."));
    }

    @ParameterizedTest
    @MethodSource("typed")
    void aTypedStateParsesOrIsRefusedNamingTheValue(String given, State.Kind expected, String message) {
        if (expected != null) {
            assertThat(State.Kind.parse(given)).isEqualTo(expected);
        } else {
            assertThatThrownBy(() -> State.Kind.parse(given)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
            assertThat(State.Kind.ofLabel(given)).isEmpty();
        }
    }

    @Test
    void ofLabelIsExactAsStoresKeepLabels() {
        assertThat(State.Kind.ofLabel("failed")).isEmpty();
        assertThat(State.Kind.ofLabel("Failed")).contains(State.Kind.FAILED);
    }
}
