package io.loomflow;

/**
 * Why a run is being stopped.
 *
 * @param reason the words recorded in {@link State.Cancelled}
 * @param siblingFailure when a failing sibling caused it, that sibling's error (thrown by
 *     {@code join()} instead of a {@link RunCancelledException}, so the cause stays visible)
 */
record Cancellation(String reason, Throwable siblingFailure) {

    static Cancellation requested(String reason) {
        return new Cancellation(reason, null);
    }

    static Cancellation parentStopped(RunNode parent, Cancellation why) {
        return new Cancellation("parent " + parent.describe() + " was stopped: " + why.reason(), why.siblingFailure());
    }

    static Cancellation parentFailed(RunNode parent, Throwable error) {
        return new Cancellation("parent " + parent.describe() + " failed with " + error, null);
    }

    static Cancellation siblingFailed(String sibling, Throwable error) {
        return new Cancellation("sibling " + sibling + " failed with " + error, error);
    }

    static Cancellation timedOut(RunNode run, java.time.Duration timeout) {
        return new Cancellation("parent " + run.describe() + " timed out after " + timeout, null);
    }
}
