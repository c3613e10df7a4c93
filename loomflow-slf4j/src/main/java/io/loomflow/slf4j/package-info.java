/**
 * Run logs to SLF4J ({@link io.loomflow.slf4j.Slf4jRunLogs}), and what tasks log captured into their
 * run's log ({@link io.loomflow.slf4j.LoomflowRunAppender} for Logback, {@link
 * io.loomflow.slf4j.LoomflowLog4jAppender} for Log4j 2, {@link io.loomflow.slf4j.RunLogHandler} for {@code
 * java.util.logging} and the JDK's {@link System.Logger}).
 */
@NullMarked
package io.loomflow.slf4j;

import org.jspecify.annotations.NullMarked;
