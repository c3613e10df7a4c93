package io.loomflow.examples.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * What a user's own project needs from the build: the coordinates the READMEs give are the build's,
 * one install command is documented everywhere, {@code examples/standalone} (built against the
 * installed artifacts by the README's test command) imports the BOM at the build's version and is no
 * module of the reactor, and every published POM carries what Maven Central asks for.
 */
class CoordinatesTest {

    /** The repository root: the tests run in {@code examples}. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** Installs every module (the parent POM, the BOM, the libraries) without running the tests. */
    static final String INSTALL = "./mvnw -q -B -ntp install -DskipTests";

    /** The README's test command: every test, then the standalone sample on what was installed. */
    static final String TEST_COMMAND = "./mvnw -B -ntp install && ./mvnw -B -ntp -f examples/standalone/pom.xml verify";

    /** Modules that are programs of this repository, never published. */
    private static final List<String> UNPUBLISHED = List.of("examples", "examples/spring-boot", "benchmarks", "loomflow-dist");

    @Test
    void theStandaloneSampleImportsTheBomAtTheBuildsVersionAndIsNoModule() throws Exception {
        Document sample = pom(ROOT.resolve("examples/standalone/pom.xml"));

        assertThat(text(sample, "/project/parent")).as("a user's project has no Loomflow parent").isEmpty();
        assertThat(text(sample, "/project/properties/loomflow.version")).isEqualTo(version());
        assertThat(text(sample, "/project/dependencyManagement/dependencies/dependency[artifactId='loomflow-bom']/version"))
                .isEqualTo("${loomflow.version}");
        assertThat(text(sample, "/project/dependencyManagement/dependencies/dependency[artifactId='loomflow-bom']/scope"))
                .isEqualTo("import");
        assertThat(texts(sample, "/project/dependencies/dependency[groupId='io.loomflow']/version"))
                .as("versions come from the BOM").isEmpty();
        assertThat(modules()).doesNotContain("examples/standalone");
        assertThat(text(pom(ROOT.resolve("examples/pom.xml")), "/project/modules")).isEmpty();
    }

    @Test
    void theReadmesGiveTheBuildsCoordinatesAndOneInstallCommand() throws IOException {
        Pattern coordinates = Pattern.compile("<artifactId>(loomflow-[a-z0-9-]+)</artifactId>\\s*<version>([^<]*)</version>");
        Pattern mavenInstall = Pattern.compile("\\./mvnw[^`\\n]*? install\\b[^`\\n]*");
        List<String> versions = new ArrayList<>();
        List<String> installs = new ArrayList<>();
        for (Path readme : readmes()) {
            String text = Files.readString(readme);
            Matcher m = coordinates.matcher(text);
            while (m.find()) {
                versions.add(ROOT.relativize(readme) + ": " + m.group(1) + " " + m.group(2));
            }
            Matcher i = mavenInstall.matcher(text);
            while (i.find()) {
                installs.add(i.group());
            }
        }
        assertThat(versions).isNotEmpty().allSatisfy(v -> assertThat(v).endsWith(" " + version()));
        assertThat(installs).isNotEmpty()
                .allSatisfy(command -> assertThat(command).satisfiesAnyOf(
                        c -> assertThat(c).startsWith(INSTALL),
                        c -> assertThat(c).isEqualTo(TEST_COMMAND)));
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains(INSTALL).contains(TEST_COMMAND);
    }

    @Test
    void everyPublishedPomCarriesWhatMavenCentralRequires() throws Exception {
        Document parent = pom(ROOT.resolve("pom.xml"));
        Document bom = pom(ROOT.resolve("loomflow-bom/pom.xml"));
        for (Document published : List.of(parent, bom)) {
            assertThat(text(published, "/project/url")).startsWith("https://");
            assertThat(text(published, "/project/licenses/license/name")).isEqualTo("Apache-2.0");
            assertThat(text(published, "/project/scm/url")).startsWith("https://");
            assertThat(text(published, "/project/scm/connection")).startsWith("scm:git:");
            assertThat(text(published, "/project/developers/developer/name")).isNotEmpty();
            assertThat(text(published, "/project/profiles/profile[id='release']//plugin[artifactId='maven-gpg-plugin']//goal"))
                    .isEqualTo("sign");
        }
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
        assertThat(text(parent, "/project/build/plugins/plugin[artifactId='maven-source-plugin']//goal")).isEqualTo("jar-no-fork");
        assertThat(text(parent, "/project/build/plugins/plugin[artifactId='maven-javadoc-plugin']//goal")).isEqualTo("jar");
        assertThat(texts(parent, "/project/build/plugins/plugin/artifactId")).doesNotContain("maven-gpg-plugin");

        List<String> managed = texts(bom, "/project/dependencyManagement/dependencies/dependency[not(type)]/artifactId");
        assertThat(texts(bom, "/project/dependencyManagement/dependencies/dependency/version")).containsOnly(version());
        for (String module : modules()) {
            Document pom = pom(ROOT.resolve(module).resolve("pom.xml"));
            String artifactId = text(pom, "/project/artifactId");
            assertThat(text(pom, "/project/name")).as(module).isNotEmpty();
            assertThat(text(pom, "/project/description")).as(module).isNotEmpty();
            if (UNPUBLISHED.contains(module)) {
                assertThat(text(pom, "/project/properties/maven.deploy.skip")).as(module).isEqualTo("true");
            } else if (!artifactId.equals("loomflow-bom")) {
                assertThat(managed).as("the BOM manages every published module").contains(artifactId);
            }
        }
    }

    private static String version() throws Exception {
        return text(pom(ROOT.resolve("pom.xml")), "/project/version");
    }

    private static List<String> modules() throws Exception {
        return texts(pom(ROOT.resolve("pom.xml")), "/project/modules/module");
    }

    /** Every README.md of the repository and the Markdown under docs/. */
    private static List<Path> readmes() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> Stream.of("target", ".git", "node_modules").noneMatch(skip ->
                            ROOT.relativize(p).toString().startsWith(skip + "/") || ROOT.relativize(p).toString().contains("/" + skip + "/")))
                    .sorted().toList();
        }
    }

    private static Document pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Document pom, String xpath) throws Exception {
        return ((String) XPathFactory.newInstance().newXPath().evaluate(xpath, pom, XPathConstants.STRING)).strip();
    }

    private static List<String> texts(Document pom, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, pom, XPathConstants.NODESET);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().strip());
        }
        return values;
    }
}
