package io.loomflow.cli.internal;

/** The command's exit codes; the README and {@code loomflow --help} list them. */
enum ExitCode {
    /** The command did what was asked. */
    OK(0),
    /** The run failed or was cancelled. */
    RUN_FAILED(1),
    /** {@code prune} could not write the store: what it had not deleted yet is kept whole. */
    NOT_WRITTEN(1),
    /** Bad usage or bad input: unknown command, option, flow, parameter or run id. */
    BAD_INPUT(2),
    /** The run history cannot be opened, read or written. */
    STORE_UNAVAILABLE(3),
    /** An error nobody anticipated: a bug in Loomflow or in a flow provider. */
    INTERNAL_ERROR(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
