package io.loomflow.cli.internal;

/**
 * Something the user can fix: the message says what was wrong, the value given and what to do,
 * and is printed on its own, without a stack trace.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ExitCode exitCode;

    CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(ExitCode.BAD_INPUT, message);
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
