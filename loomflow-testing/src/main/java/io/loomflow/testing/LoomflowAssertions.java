package io.loomflow.testing;

/**
 * The entry point of Loomflow's assertions, beside AssertJ's {@code Assertions}: import
 * {@code LoomflowAssertions.assertThat} statically.
 * {@snippet :
 * assertThat(history.run(handle.runId()))
 *         .isCompleted()
 *         .hasChild("fetch").hadAttempts(3).logged("fetched");
 * }
 */
public final class LoomflowAssertions {

    private LoomflowAssertions() {
    }

    /**
     * Starts assertions on a recorded run.
     *
     * @param run a run read from {@link RunHistory}
     * @return its assertion
     */
    public static RunAssert assertThat(RecordedRun run) {
        return new RunAssert(run);
    }
}
