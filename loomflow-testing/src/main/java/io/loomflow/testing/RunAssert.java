package io.loomflow.testing;

import io.loomflow.State;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecord;
import io.loomflow.store.StateRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one recorded run; get one with {@link LoomflowAssertions#assertThat(RecordedRun)}.
 * Each failure message names the run and shows its tree: every run below it, with its states and
 * error.
 */
public final class RunAssert extends AbstractAssert<RunAssert, RecordedRun> {

    RunAssert(RecordedRun actual) {
        super(actual, RunAssert.class);
        isNotNull();
    }

    /**
     * Checks that the run completed.
     *
     * @return this assertion
     */
    public RunAssert isCompleted() {
        return hasState(State.Kind.COMPLETED);
    }

    /**
     * Checks that the run ended in this state, such as {@code State.Kind.CANCELLED}.
     *
     * @param kind the expected final (or current) state
     * @return this assertion
     */
    public RunAssert hasState(State.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        if (record().state() != kind) {
            fail("to be " + kind.label() + " but it was " + record().state().label() + errorText());
        }
        return this;
    }

    /**
     * Checks that the run failed with an error of exactly this type and message (the message as
     * {@link Throwable#getMessage()} gave it).
     *
     * @param type the error's class
     * @param message its message
     * @return this assertion
     */
    public RunAssert isFailedWith(Class<? extends Throwable> type, String message) {
        hasState(State.Kind.FAILED);
        ErrorRecord error = Objects.requireNonNull(record().error(), "a failed run has an error");
        if (!error.type().equals(type.getName()) || !Objects.equals(error.message(), message)) {
            fail("to have failed with " + type.getName() + ": " + message + " but it failed with " + error.type() + ": "
                    + error.message());
        }
        return this;
    }

    /**
     * Checks that the run has started exactly this many runs (tasks, subflows, a map's items).
     *
     * @param count the expected number of children
     * @return this assertion
     */
    public RunAssert hasChildren(int count) {
        int actualCount = actual.children().size();
        if (actualCount != count) {
            fail("to have " + count + " children but it has " + actualCount);
        }
        return this;
    }

    /**
     * Checks that the run started a run with this name, and returns an assertion on it (the first
     * one created, if several have the name).
     *
     * @param name the child's flow or task name
     * @return an assertion on the child
     */
    public RunAssert hasChild(String name) {
        Objects.requireNonNull(name, "name");
        List<RecordedRun> children = actual.children();
        return children.stream().filter(child -> child.record().name().equals(name)).findFirst()
                .map(RunAssert::new)
                .orElseGet(() -> {
                    fail("to have a child named '" + name + "' but its children are "
                            + children.stream().map(child -> child.record().name()).distinct().toList());
                    return this;
                });
    }

    /**
     * Checks that the run ran this many times: its first attempt and its retries.
     *
     * @param attempts the expected number of attempts, one or more
     * @return this assertion
     */
    public RunAssert hadAttempts(int attempts) {
        long actualAttempts = count(State.Kind.RUNNING);
        if (actualAttempts != attempts) {
            fail("to have had " + attempts + " attempts but it had " + actualAttempts);
        }
        return this;
    }

    /**
     * Checks that the run was retried this many times (attempts after the first).
     *
     * @param times the expected number of retries, zero or more
     * @return this assertion
     */
    public RunAssert wasRetried(int times) {
        long retries = count(State.Kind.RETRYING);
        if (retries != times) {
            fail("to have been retried " + times + " times but it was retried " + retries + " times");
        }
        return this;
    }

    /**
     * Checks that the run went through exactly these states, in this order, such as
     * {@code SCHEDULED, RUNNING, RETRYING, RUNNING, COMPLETED}.
     *
     * @param states every state it entered, in order
     * @return this assertion
     */
    public RunAssert hasStates(State.Kind... states) {
        List<String> expected = Arrays.stream(states).map(State.Kind::label).toList();
        List<String> actualStates = record().history().stream().map(StateRecord::state).toList();
        if (!actualStates.equals(expected)) {
            fail("to have gone through the states " + expected + " but it went through " + actualStates);
        }
        return this;
    }

    /**
     * Checks that the run, or a run below it, wrote a log line containing this text.
     *
     * @param text part of a log line
     * @return this assertion
     */
    public RunAssert logged(String text) {
        Objects.requireNonNull(text, "text");
        if (logs(actual).noneMatch(line -> line.message().contains(text))) {
            fail("to have logged a line containing \"" + text + "\" but its lines (and those of the runs below it) are "
                    + logs(actual).map(line -> line.level() + " " + line.message()).toList());
        }
        return this;
    }

    private static Stream<LogRecord> logs(RecordedRun run) {
        return Stream.concat(run.logs().stream(), run.children().stream().flatMap(RunAssert::logs));
    }

    private long count(State.Kind kind) {
        return record().history().stream().filter(state -> state.is(kind)).count();
    }

    private RunRecord record() {
        return actual.record();
    }

    private String errorText() {
        ErrorRecord error = record().error();
        return error == null ? "" : " (" + error.type() + ": " + error.message() + ")";
    }

    private void fail(String expectation) {
        failWithMessage("%nExpecting %s%n%s%nRun tree:%n%s", actual, expectation, actual.tree());
    }
}
