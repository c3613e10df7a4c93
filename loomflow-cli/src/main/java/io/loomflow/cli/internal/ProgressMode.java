package io.loomflow.cli.internal;

/** How {@code loomflow run} shows progress ({@code --progress}). */
enum ProgressMode {
    /** {@code tty} when the output is an interactive terminal, {@code plain} otherwise. */
    AUTO,
    /** One status line, redrawn about ten times a second; failures and log lines print above it. */
    TTY,
    /** One line per finished run and per log line, for files, pipes and CI logs. */
    PLAIN;

    /** The mode to use when the output is, or is not, a terminal. */
    ProgressMode resolve(boolean terminal) {
        return this == AUTO ? (terminal ? TTY : PLAIN) : this;
    }
}
