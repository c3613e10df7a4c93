/**
 * The {@code loomflow} command line as an API of one class, {@link io.loomflow.cli.Main}: run it as
 * a program, or call {@link io.loomflow.cli.Main#run(String[], java.io.PrintStream,
 * java.io.PrintStream)} to run one command in process and get its exit code.
 *
 * <p>The package is {@link NullMarked}: no argument or result here is ever {@code null}.
 */
@NullMarked
package io.loomflow.cli;

import org.jspecify.annotations.NullMarked;
