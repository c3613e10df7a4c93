package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * {@code loomflow init}: the files it writes, the versions in their {@code pom.xml}, and the input it
 * refuses without writing anything. That the project builds and its test passes is
 * {@code InitProjectBuildTest}'s (in {@code examples}), which runs Maven on one.
 */
class InitCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("loomflow.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void writesAProjectOnTheBomOfItsOwnVersion() throws Exception {
        Command init = Command.run("init", "demo", "--dir", dir.toString());

        assertThat(init.exitCode()).as(init.toString()).isZero();
        Path project = dir.resolve("demo");
        assertThat(tree(project)).containsExactly(
                ".gitignore",
                "README.md",
                "conf/catalog.yml",
                "data/01_raw/orders.csv",
                "pom.xml",
                "src/main/java/com/example/demo/DemoFlow.java",
                "src/test/java/com/example/demo/DemoFlowTest.java");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).as("no staging directory is left")
                .containsExactly("demo");

        Document pom = xml(project.resolve("pom.xml"));
        assertThat(text(pom, "/project/groupId")).isEqualTo("com.example");
        assertThat(text(pom, "/project/artifactId")).isEqualTo("demo");
        assertThat(text(pom, "/project/parent")).as("a user's project has no Loomflow parent").isEmpty();
        assertThat(text(pom, "/project/properties/loomflow.version")).isEqualTo(text(xml(ROOT.resolve("pom.xml")), "/project/version"));
        assertThat(text(pom, "/project/properties/maven.compiler.release")).isEqualTo("25");
        assertThat(text(pom, "/project/properties/main.class")).isEqualTo("com.example.demo.DemoFlow");
        assertThat(text(pom, "/project/dependencyManagement/dependencies/dependency[artifactId='loomflow-bom']/version"))
                .isEqualTo("${loomflow.version}");
        assertThat(text(pom, "/project/dependencyManagement/dependencies/dependency[artifactId='loomflow-bom']/scope"))
                .isEqualTo("import");
        assertThat(texts(pom, "/project/dependencies/dependency[groupId='io.loomflow']/artifactId"))
                .containsExactly("loomflow-core", "loomflow-data");
        assertThat(texts(pom, "/project/dependencies/dependency[groupId='io.loomflow']/version")).as("from the BOM").isEmpty();

        String flow = Files.readString(project.resolve("src/main/java/com/example/demo/DemoFlow.java"));
        assertThat(flow).startsWith("package com.example.demo;")
                .contains("public static final Flow<Void, List<Map<String, String>>> FLOW = Flow.named(\"demo\",")
                .contains("PIPELINE.toFlow(\"demo-pipeline\", CATALOG)")
                .contains("Catalog.load(Path.of(\"conf/catalog.yml\"))");
        assertThat(Files.readString(project.resolve("conf/catalog.yml")))
                .contains("orders: { type: csv, uri: \"file:01_raw/orders.csv\" }")
                .contains("region_totals: { type: csv, uri: \"file:02_output/region_totals.csv\" }");
        assertThat(Files.readString(project.resolve("README.md"))).startsWith("# demo\n")
                .contains("```\nmvn -q compile exec:exec\nmvn verify\n```")
                .contains("loomflow run demo --classes target/classes");
        for (String file : tree(project)) {
            assertThat(Files.readString(project.resolve(file))).as(file).doesNotContain("{{");
        }
        assertThat(init.out()).contains("Created " + project, "mvn -q compile exec:exec", "mvn verify");
    }

    @Test
    void pinsThePluginAndJunitVersionsOfTheLoomflowBuild() throws Exception {
        assertThat(Command.run("init", "demo", "--dir", dir.toString()).exitCode()).isZero();
        Document pom = xml(dir.resolve("demo/pom.xml"));
        Document parent = xml(ROOT.resolve("pom.xml"));

        List<String> plugins = texts(pom, "/project/build/plugins/plugin/artifactId");
        assertThat(plugins).contains("maven-compiler-plugin", "maven-surefire-plugin", "exec-maven-plugin");
        for (String plugin : plugins) {
            assertThat(text(pom, "/project/build/plugins/plugin[artifactId='" + plugin + "']/version")).as(plugin)
                    .isNotEmpty()
                    .isEqualTo(text(parent, "/project/build/pluginManagement/plugins/plugin[artifactId='" + plugin + "']/version"));
        }
        assertThat(text(pom, "/project/dependencyManagement/dependencies/dependency[artifactId='junit-bom']/version"))
                .isEqualTo(text(parent, "/project/properties/junit.version"));
    }

    @Test
    void takesTheGroupIdAndPackageGivenAndNamesTheClassAfterTheProject() throws Exception {
        Command init = Command.run("init", "sales-report", "--dir", dir.toString(), "--group-id", "org.acme",
                "--package", "org.acme.sales");

        assertThat(init.exitCode()).as(init.toString()).isZero();
        Path project = dir.resolve("sales-report");
        assertThat(tree(project)).contains("src/main/java/org/acme/sales/SalesReportFlow.java",
                "src/test/java/org/acme/sales/SalesReportFlowTest.java");
        assertThat(text(xml(project.resolve("pom.xml")), "/project/groupId")).isEqualTo("org.acme");
        assertThat(Files.readString(project.resolve("src/test/java/org/acme/sales/SalesReportFlowTest.java")))
                .startsWith("package org.acme.sales;").contains("class SalesReportFlowTest");

        assertThat(Command.run("init", "order-flow", "--dir", dir.toString(), "--group-id", "org.acme").exitCode()).isZero();
        assertThat(tree(dir.resolve("order-flow"))).as("the default package: the groupId and NAME with '_' for '-'")
                .contains("src/main/java/org/acme/order_flow/OrderFlow.java");
    }

    @Test
    void writesIntoAnEmptyDirectoryThatExists() throws Exception {
        Files.createDirectory(dir.resolve("demo"));

        Command init = Command.run("init", "demo", "--dir", dir.toString());

        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(tree(dir.resolve("demo"))).contains("pom.xml", "src/main/java/com/example/demo/DemoFlow.java");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("demo");
    }

    @Test
    void refusesADirectoryThatIsNotEmptyNamingItAndWritesNothing() throws Exception {
        Path project = Files.createDirectory(dir.resolve("demo"));
        Files.writeString(project.resolve("notes.txt"), "mine");

        Command init = Command.run("init", "demo", "--dir", dir.toString());

        assertThat(init.exitCode()).as(init.toString()).isEqualTo(2);
        assertThat(init.err()).contains("directory " + project + " is not empty (it holds notes.txt)",
                "choose another NAME");
        assertThat(init.err()).doesNotContain("Exception", "\tat ");
        assertThat(tree(dir)).containsExactly("demo/notes.txt");
        assertThat(Files.readString(project.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void refusesAFileWhereTheDirectoryWouldGo() throws Exception {
        Files.writeString(dir.resolve("demo"), "a file");

        Command init = Command.run("init", "demo", "--dir", dir.toString());

        assertThat(init.exitCode()).as(init.toString()).isEqualTo(2);
        assertThat(init.err()).contains(dir.resolve("demo") + " exists and is not a directory");
        assertThat(tree(dir)).containsExactly("demo");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""|--group-id|com.example|NAME '' is empty. It becomes the directory and the artifactId, such as: loomflow init sales-report
            ..|--group-id|com.example|NAME '..' is a path; NAME is the new directory's name only (choose where it goes with --dir)
            a/b|--group-id|com.example|NAME 'a/b' is a path
            ../demo|--group-id|com.example|NAME '../demo' is a path
            1st|--group-id|com.example|NAME '1st' is not a project name: it must start with a letter
            demo-|--group-id|com.example|NAME 'demo-' is not a project name
            my demo|--group-id|com.example|NAME 'my demo' is not a project name
            new|--group-id|com.example|the default package com.example.new of NAME 'new' and --group-id 'com.example' is not a Java package ('new' is a Java keyword): give one with --package, such as --package com.example.newflow
            demo|--group-id|org.my-company|the default package org.my-company.demo of NAME 'demo' and --group-id 'org.my-company' is not a Java package ('org.my-company' is not a Java package name)
            demo|--group-id|a b|--group-id 'a b' is not a Maven groupId: use letters, digits, '.', '-' and '_', such as --group-id org.acme
            demo|--package|com.example.1st|--package 'com.example.1st' is not a Java package name
            demo|--package|com..demo|--package 'com..demo' is not a Java package name
            demo|--package|com.example.int|--package 'com.example.int' is not a Java package name: give names that are not Java keywords, separated by dots, each a letter then letters, digits or '_', such as --package org.acme.sales
            """)
    void refusesABadNameGroupOrPackageNamingItWithAnExample(String name, String option, String value, String message)
            throws IOException {
        Command init = Command.run("init", name, option, value, "--dir", dir.toString());

        assertThat(init.exitCode()).as(init.toString()).isEqualTo(2);
        assertThat(init.err()).as(init.toString()).startsWith("loomflow: ").contains(message).doesNotContain("\tat ");
        assertThat(tree(dir)).as("nothing written").isEmpty();
    }

    @Test
    void refusesANameLongerThan64Characters() throws IOException {
        Command init = Command.run("init", "a".repeat(65), "--dir", dir.toString());

        assertThat(init.exitCode()).isEqualTo(2);
        assertThat(init.err()).contains("is longer than 64 characters", "such as: loomflow init sales-report");
        assertThat(Command.run("init", "a".repeat(64), "--dir", dir.toString()).exitCode()).isZero();
    }

    @Test
    void refusesADirThatIsNotThereOrCannotBeWritten() throws IOException {
        Command missing = Command.run("init", "demo", "--dir", dir.resolve("nowhere").toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--dir '" + dir.resolve("nowhere") + "' is not a directory (there is nothing there)");
        assertThat(tree(dir)).isEmpty();

        // /proc takes no new directory, even from root (the build may run as root, which file modes do not stop).
        Command unwritable = Command.run("init", "demo", "--dir", "/proc");

        assertThat(unwritable.exitCode()).as(unwritable.toString()).isEqualTo(2);
        assertThat(unwritable.err()).contains("cannot write the project /proc/demo (", "nothing was left there")
                .doesNotContain("\tat ");
        assertThat(Path.of("/proc/demo")).doesNotExist();
    }

    @Test
    void aFailureHalfwayLeavesNoHalfProject() throws IOException {
        // A package segment longer than a file name may be: the pom, README and catalog are written, then the
        // package's directory cannot be made.
        String longSegment = "a".repeat(300);

        for (boolean targetExists : List.of(false, true)) {
            if (targetExists) {
                Files.createDirectory(dir.resolve("demo"));
            }
            Command init = Command.run("init", "demo", "--dir", dir.toString(), "--package", "com." + longSegment);

            assertThat(init.exitCode()).as(init.toString()).isEqualTo(2);
            assertThat(init.err()).contains("cannot write the project " + dir.resolve("demo") + " (",
                    "nothing was left there").doesNotContain("\tat ");
            assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList())
                    .as("no staging directory, and no project unless its empty directory was there")
                    .isEqualTo(targetExists ? List.of("demo") : List.of());
            assertThat(tree(dir)).isEmpty();
        }
    }

    @Test
    void helpInitShowsTheCommandWithExamples() {
        Command help = Command.run("help", "init");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("Usage: loomflow init", "NAME", "--group-id", "--package", "--dir",
                "mvn -q compile exec:exec", "loomflow init sales-report");
    }

    /** The files under {@code root}, as paths relative to it with '/', sorted. */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted()
                    .toList();
        }
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Document document, String xpath) throws Exception {
        return ((String) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.STRING)).strip();
    }

    private static List<String> texts(Document document, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.NODESET);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().strip());
        }
        return values;
    }
}
