package io.loomflow.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow init NAME}: a new project in the directory NAME, as {@code kedro new} makes one: a
 * {@code pom.xml} on the BOM of this command's version, a pipeline flow over a catalog with a CSV
 * dataset, a test, and a README that says how to run and test it. The files are written into a
 * hidden directory beside the target and renamed into place once all are written, so a failure
 * leaves no half project.
 */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Creates a Loomflow project in a new directory NAME (or an empty one): a pom.xml that imports"
                + " the Loomflow BOM of this command's version, a pipeline flow that reads a CSV dataset of"
                + " conf/catalog.yml and saves another, its test (JUnit 5), and a README with the commands that"
                + " run it (mvn -q compile exec:exec) and test it (mvn verify).",
                "NAME is the directory and the artifactId: a letter, then letters, digits, '-', '_' or '.', not a"
                        + " path. A directory that exists and is not empty is refused (exit 2), and nothing is written."},
        footer = {"", "Examples:",
                "  loomflow init sales-report",
                "  loomflow init sales-report --group-id org.acme --package org.acme.sales",
                "  loomflow init demo --dir ../projects"})
final class InitCommand implements Callable<Integer> {

    /** What NAME may be: a Maven artifactId that is also a plain directory name on every system. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?");

    /** Maven's rule for a groupId. */
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9_.-]+");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");

    /** Java's reserved words (and literals), which no package segment may be. */
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
            "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
            "native", "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile",
            "while", "true", "false", "null", "_");

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "The project's directory (created in --dir) and artifactId, such as sales-report.")
    String name = "";

    @Option(names = "--group-id", paramLabel = "GROUP",
            description = "The project's groupId (default: ${DEFAULT-VALUE}).")
    String groupId = "com.example";

    @Option(names = "--package", paramLabel = "PACKAGE",
            description = "The Java package of the flow and its test (default: the groupId, then NAME in lower case"
                    + " with '-' and '.' as '_': com.example.sales_report).")
    @Nullable String packageName;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "The existing directory to create NAME in (default: the working directory).")
    @Nullable Path dir;

    InitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        checkName(name);
        if (!GROUP_ID.matcher(groupId).matches()) {
            throw CliException.badInput("--group-id '" + TerminalText.line(groupId) + "' is not a Maven groupId: use"
                    + " letters, digits, '.', '-' and '_', such as --group-id org.acme");
        }
        String javaPackage = packageName != null ? checkPackage(packageName) : defaultPackage();
        String className = className(name);
        Path parent = dir != null ? dir : Path.of("");
        Path target = parent.resolve(name);
        String shown = TerminalText.line(target.toString());
        if (dir != null && !Files.isDirectory(dir)) {
            throw CliException.badInput("--dir '" + TerminalText.line(dir.toString()) + "' is not a directory"
                    + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? "" : " (there is nothing there)")
                    + ": give one that exists, or create it first (mkdir -p)");
        }
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (exists && !Files.isDirectory(target)) {
            throw CliException.badInput(shown + " exists and is not a directory: choose another NAME, or another --dir");
        }
        if (exists) {
            List<String> entries = entries(target);
            if (!entries.isEmpty()) {
                throw CliException.badInput("directory " + shown + " is not empty (it holds "
                        + TerminalText.line(String.join(", ", entries.subList(0, Math.min(3, entries.size()))))
                        + (entries.size() > 3 ? " and " + (entries.size() - 3) + " more" : "")
                        + "): init writes only into a new or empty directory; choose another NAME, or another --dir");
            }
        }
        String version = Cli.Version.number().orElseThrow(() -> new IllegalStateException(
                "this loomflow command does not know its version (version.properties was not filtered by the build)"));
        Map<String, String> values = Map.of("name", name, "groupId", groupId, "package", javaPackage,
                "packagePath", javaPackage.replace('.', '/'), "className", className, "loomflowVersion", version);
        write(parent.toAbsolutePath(), target.toAbsolutePath(), exists, files(values, javaPackage.replace('.', '/'), className));

        var out = context.out();
        out.println(TerminalText.line("Created " + shown + ": a Loomflow " + version + " project, with the flow '" + name
                + "' in " + javaPackage + "." + className + ", its catalog conf/catalog.yml and a test. Next:"));
        out.println(TerminalText.line("  cd " + target));
        out.println("  mvn -q compile exec:exec      # run the flow: it prints the totals it saved");
        out.println("  mvn verify                    # build it and run its test");
        return ExitCode.OK.code();
    }

    /** The project's files: their paths (with '/') and contents. */
    private static Map<String, String> files(Map<String, String> values, String packagePath, String className) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", render("pom.xml.tmpl", values));
        files.put("README.md", render("README.md.tmpl", values));
        files.put(".gitignore", render("gitignore.tmpl", values));
        files.put("conf/catalog.yml", render("catalog.yml.tmpl", values));
        files.put("data/01_raw/orders.csv", render("orders.csv.tmpl", values));
        files.put("src/main/java/" + packagePath + "/" + className + ".java", render("Flow.java.tmpl", values));
        files.put("src/test/java/" + packagePath + "/" + className + "Test.java", render("FlowTest.java.tmpl", values));
        return files;
    }

    private static String render(String template, Map<String, String> values) {
        String text;
        try (InputStream in = InitCommand.class.getResourceAsStream("init/" + template)) {
            if (in == null) {
                throw new IllegalStateException("the template init/" + template + " is missing from the loomflow command");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher placeholder = PLACEHOLDER.matcher(text);
        StringBuilder rendered = new StringBuilder();
        while (placeholder.find()) {
            String value = values.get(placeholder.group(1));
            if (value == null) {
                throw new IllegalStateException("the template init/" + template + " names an unknown value "
                        + placeholder.group());
            }
            placeholder.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        return placeholder.appendTail(rendered).toString();
    }

    /**
     * Writes the files into a hidden directory beside {@code target}, then renames it to {@code target}
     * (or, when {@code target} is an empty directory already, moves its entries into it); on any failure
     * removes what it wrote.
     */
    private void write(Path parent, Path target, boolean targetExists, Map<String, String> files) {
        Path staging;
        try {
            // Not createTempDirectory, which makes it private (700): the project gets the usual permissions.
            staging = Files.createDirectory(parent.resolve("." + name + ".init-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        List<Path> moved = new ArrayList<>();
        boolean done = false;
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = staging.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
            if (!targetExists) {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
                    for (Path entry : entries) {
                        moved.add(Files.move(entry, target.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE));
                    }
                }
            }
            done = true;
        } catch (IOException e) {
            throw cannotWrite(target, e);
        } finally {
            if (!done) {
                moved.forEach(InitCommand::deleteQuietly);
            }
            deleteQuietly(staging);
        }
    }

    private CliException cannotWrite(Path target, IOException cause) {
        return new CliException(ExitCode.BAD_INPUT, "cannot write the project " + TerminalText.line(target.toString())
                + " (" + TerminalText.line(Text.error(cause)) + "); nothing was left there. Choose a directory you"
                + " can write to with --dir", cause);
    }

    /** Deletes a file or a directory with everything in it, if it is there; what cannot be deleted is left. */
    private static void deleteQuietly(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException leftBehind) {
                    // best effort: the error reported is the one that made init stop
                }
            });
        } catch (IOException | UncheckedIOException leftBehind) {
            // best effort, as above
        }
    }

    private static List<String> entries(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            String why = name.isEmpty() ? "is empty"
                    : name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")
                    ? "is a path; NAME is the new directory's name only (choose where it goes with --dir)"
                    : name.length() > 64 ? "is longer than 64 characters"
                    : "is not a project name: it must start with a letter, end with a letter or a digit, and hold only"
                            + " letters, digits, '-', '_' and '.'";
            throw CliException.badInput("NAME '" + TerminalText.line(name) + "' " + why
                    + ". It becomes the directory and the artifactId, such as: loomflow init sales-report");
        }
    }

    private String defaultPackage() {
        String segment = name.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        String derived = groupId + "." + segment;
        if (!isPackageName(derived)) {
            String why = KEYWORDS.contains(segment) ? "'" + segment + "' is a Java keyword"
                    : "'" + groupId + "' is not a Java package name";
            throw CliException.badInput("the default package " + TerminalText.line(derived) + " of NAME '" + name
                    + "' and --group-id '" + TerminalText.line(groupId) + "' is not a Java package (" + TerminalText.line(why)
                    + "): give one with --package, such as --package com.example." + className(name).toLowerCase(Locale.ROOT)
                    + ", or choose another NAME");
        }
        return derived;
    }

    private static String checkPackage(String javaPackage) {
        if (!isPackageName(javaPackage)) {
            throw CliException.badInput("--package '" + TerminalText.line(javaPackage) + "' is not a Java package name:"
                    + " give names that are not Java keywords, separated by dots, each a letter then letters, digits"
                    + " or '_', such as --package org.acme.sales");
        }
        return javaPackage;
    }

    static boolean isPackageName(String name) {
        for (String segment : name.split("\\.", -1)) {
            if (segment.isEmpty() || KEYWORDS.contains(segment) || !Character.isJavaIdentifierStart(segment.codePointAt(0))
                    || !segment.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The flow's class: NAME in upper camel case, ending in {@code Flow} ({@code sales-report}:
     * {@code SalesReportFlow}), so it never hides a class the sources import or {@code java.lang}'s.
     */
    static String className(String name) {
        StringBuilder camel = new StringBuilder();
        for (String part : name.split("[-_.]+")) {
            if (!part.isEmpty()) {
                camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return camel.toString().endsWith("Flow") && camel.length() > "Flow".length() ? camel.toString() : camel + "Flow";
    }
}
