package io.loomflow.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Markdown link of the repository leads to a file in it (and to a heading there, when it names
 * one): no link points outside the repository or to a file it does not hold.
 */
class MarkdownLinksTest {

    /** The repository root: the tests run in {@code examples}. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyLinkLeadsToAFileOfTheRepository() throws IOException {
        List<Path> documents = markdown();
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(ROOT.relativize(document) + ": " + target + " (" + problem + ")");
                }
            }
        }
        assertThat(documents).extracting(p -> ROOT.relativize(p).toString()).contains("README.md", "docs/scenarios.md");
        assertThat(broken).isEmpty();
    }

    private static String problem(Path document, String target) throws IOException {
        if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return "outside the repository";
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty() ? document : document.getParent().resolve(path).normalize();
        if (!file.startsWith(ROOT)) {
            return "outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (hash >= 0 && file.toString().endsWith(".md") && !anchors(file).contains(target.substring(hash + 1))) {
            return "no such heading";
        }
        return null;
    }

    /** The anchors GitHub makes of a document's headings: lower case, punctuation dropped, spaces as '-'. */
    private static Set<String> anchors(Path document) throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(document)) {
            if (line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N}_ -]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static List<Path> markdown() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        String relative = ROOT.relativize(p).toString();
                        return Stream.of("target", ".git", "node_modules").noneMatch(skip ->
                                relative.startsWith(skip + "/") || relative.contains("/" + skip + "/"));
                    })
                    .sorted().toList();
        }
    }
}
