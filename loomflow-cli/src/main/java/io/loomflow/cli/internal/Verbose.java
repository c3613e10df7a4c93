package io.loomflow.cli.internal;

/** A command that knows whether {@code --verbose} was given, so that errors can show their stack trace. */
interface Verbose {

    boolean verbose();
}
