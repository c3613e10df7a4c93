package io.loomflow;

import java.time.Duration;
import java.util.Objects;

/** What a {@link Flow} or {@link Task} is: its name, body and options. Immutable. */
record RunSpec(RunInfo.Kind kind, String name, CheckedFunction<Object, Object> body, Retry retry, Duration timeout,
               String limit, int limitSize, FailurePolicy failurePolicy, ResultPolicy results,
               ItemHistory itemHistory, String queue) {

    @SuppressWarnings("unchecked")
    static RunSpec of(RunInfo.Kind kind, String name, CheckedFunction<?, ?> body) {
        String what = kind == RunInfo.Kind.FLOW ? "Flow" : "Task";
        Names.check(what, name);
        Objects.requireNonNull(body, () -> what + " '" + name + "' needs a function; pass a lambda such as"
                + " (String id) -> load(id)");
        return new RunSpec(kind, name, (CheckedFunction<Object, Object>) body, Retry.none(), null, null, 0,
                FailurePolicy.CANCEL_SIBLINGS, ResultPolicy.NONE, null, null);
    }

    /** How messages name this definition: {@code task 'fetch'}. */
    String describe() {
        return (kind == RunInfo.Kind.FLOW ? "flow '" : "task '") + name + "'";
    }

    RunSpec withRetry(Retry newRetry) {
        Objects.requireNonNull(newRetry, () -> describe() + ": retry policy must not be null; pass Retry.none() for none");
        return new RunSpec(kind, name, body, newRetry, timeout, limit, limitSize, failurePolicy, results, itemHistory, queue);
    }

    RunSpec withTimeout(Duration newTimeout) {
        Objects.requireNonNull(newTimeout, () -> describe() + ": timeout must not be null; leave it unset for none");
        if (!newTimeout.isPositive()) {
            throw new IllegalArgumentException(describe() + ": timeout was " + newTimeout
                    + "; pass a positive duration, or leave the timeout unset for none");
        }
        return new RunSpec(kind, name, body, retry, newTimeout, limit, limitSize, failurePolicy, results, itemHistory, queue);
    }

    /** Uses the named limit, of the size the engine configures (1 unless it says otherwise). */
    RunSpec withLimit(String newLimit) {
        Names.check("Limit", newLimit);
        return new RunSpec(kind, name, body, retry, timeout, newLimit, 0, failurePolicy, results, itemHistory, queue);
    }

    /** Uses the named limit with {@code permits} permits, unless the engine configures another size; the one check of flows' and tasks' sizes. */
    RunSpec withLimit(String newLimit, int permits) {
        Names.check("Limit", newLimit);
        if (permits < 1) {
            throw new IllegalArgumentException(describe() + ": limit '" + newLimit + "' was given " + permits
                    + " permits; pass 1 or more");
        }
        return new RunSpec(kind, name, body, retry, timeout, newLimit, permits, failurePolicy, results, itemHistory, queue);
    }

    RunSpec withFailurePolicy(FailurePolicy policy) {
        Objects.requireNonNull(policy, () -> describe() + ": failure policy must not be null");
        return new RunSpec(kind, name, body, retry, timeout, limit, limitSize, policy, results, itemHistory, queue);
    }

    /** Sets the history kept of the items of the maps below this flow's runs (null: inherited). */
    RunSpec withItemHistory(ItemHistory history) {
        Objects.requireNonNull(history, () -> describe() + ": item history must not be null; pass ItemHistory.ALL"
                + " or ItemHistory.FAILURES");
        return new RunSpec(kind, name, body, retry, timeout, limit, limitSize, failurePolicy, results, history, queue);
    }

    RunSpec withResults(ResultPolicy policy) {
        return new RunSpec(kind, name, body, retry, timeout, limit, limitSize, failurePolicy, policy, itemHistory, queue);
    }

    /** Runs the items of maps of this task as queued child runs on {@code newQueue} (see {@link RemoteItem}). */
    RunSpec withQueue(String newQueue) {
        Objects.requireNonNull(newQueue, () -> describe() + ": queue must not be null; pass the name of a queue"
                + " whose workers run this task, such as \"items\"");
        if (newQueue.isBlank()) {
            throw new IllegalArgumentException(describe() + ": queue name was blank (\"" + newQueue + "\"); pass the"
                    + " name of a queue whose workers run this task, such as \"items\"");
        }
        return new RunSpec(kind, name, body, retry, timeout, limit, limitSize, failurePolicy, results, itemHistory,
                newQueue);
    }
}
