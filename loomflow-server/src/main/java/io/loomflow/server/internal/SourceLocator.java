package io.loomflow.server.internal;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where in a dev directory's sources an error was thrown: the first frame of its stack trace
 * (causes included) whose class was compiled from one of them, as {@code Flows.java:12}. The pages
 * and the API show it next to a failed run's error, so that a message names the file to fix.
 */
record SourceLocator(Set<String> sources) {

    /** A frame: {@code at [loader/][module@version/]package.Class.method(File.java:12)}. */
    private static final Pattern FRAME = Pattern.compile("^\\s*at (?:[^\\s(]*/)?([\\w.$]+)\\.[\\w$<>]+\\(([\\w$]+\\.java):(\\d+)\\)");

    SourceLocator {
        sources = Set.copyOf(sources);
    }

    /** The source line of the first frame from the sources in a recorded stack trace, or null. */
    String locate(String stackTrace) {
        if (stackTrace == null) {
            return null;
        }
        for (String line : stackTrace.lines().toList()) {
            Matcher frame = FRAME.matcher(line);
            if (frame.find()) {
                String at = at(frame.group(1), frame.group(2), Integer.parseInt(frame.group(3)));
                if (at != null) {
                    return at;
                }
            }
        }
        return null;
    }

    /** The source line of the first frame from the sources in an error or its causes, or null. */
    String locate(Throwable error) {
        for (Throwable next = error; next != null; next = next.getCause() == next ? null : next.getCause()) {
            for (StackTraceElement frame : next.getStackTrace()) {
                if (frame.getFileName() != null && frame.getLineNumber() > 0) {
                    String at = at(frame.getClassName(), frame.getFileName(), frame.getLineNumber());
                    if (at != null) {
                        return at;
                    }
                }
            }
        }
        return null;
    }

    private String at(String className, String fileName, int line) {
        int dot = className.lastIndexOf('.');
        String file = dot < 0 ? fileName : className.substring(0, dot).replace('.', '/') + "/" + fileName;
        return sources.contains(file) ? file + ":" + line : null;
    }
}
