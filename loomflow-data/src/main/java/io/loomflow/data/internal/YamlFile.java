package io.loomflow.data.internal;

import io.loomflow.data.CatalogException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The one way this module reads a YAML file (the catalog and parameters files): every file is
 * treated as hostile, and everything wrong with it is a {@link CatalogException} starting with
 * {@code file:line:column:}.
 *
 * <p>Before SnakeYAML builds anything, the file is checked against these limits:
 * <ul>
 *   <li>at most {@value #MAX_BYTES} bytes, valid UTF-8, and only characters YAML allows (no NUL or
 *       other control characters: a file saved as UTF-16 is caught here);</li>
 *   <li>lists and mappings nested at most {@value #MAX_DEPTH} deep;</li>
 *   <li>no alias inside the value of its own anchor ({@code a: &a {b: *a}}): such a structure has
 *       no end, and walking it overflows the stack;</li>
 *   <li>at most {@value #MAX_COLLECTION_ALIASES} aliases to lists or mappings, and at most
 *       {@value #MAX_ALIAS_NODES} nodes added by aliases in all, each alias counting the nodes of
 *       its anchor's value once expanded. SnakeYAML's own alias count does not stop a "billion
 *       laughs" file, whose few aliases each stand for four times the one before;</li>
 *   <li>each key at most once in a mapping (YAML forbids duplicates; SnakeYAML would keep the
 *       last).</li>
 * </ul>
 * The limits are checked on SnakeYAML's event stream, which costs one extra parse of a small file
 * and knows the position of every alias, so the message can point at it. The same limits are also
 * given to SnakeYAML's {@link LoaderOptions} as a second guard. Stateless.
 */
public final class YamlFile {

    /** The largest file read, in bytes; SnakeYAML's default code point limit. */
    public static final int MAX_BYTES = 3 * 1024 * 1024;
    /** How deep lists and mappings may nest; SnakeYAML's default. */
    public static final int MAX_DEPTH = 50;
    /** How many aliases may refer to lists or mappings; SnakeYAML's default. */
    public static final int MAX_COLLECTION_ALIASES = 50;
    /** How many nodes aliases may add to a document in all, once expanded. */
    public static final int MAX_ALIAS_NODES = 100_000;

    private YamlFile() {
    }

    /**
     * Reads a file as SnakeYAML's node tree, which keeps the position of every key and value.
     *
     * @param file the file
     * @param what what the file is, such as {@code "catalog file"}, for messages
     * @param whenAbsent what to tell the user when the file does not exist
     * @return its root node, or {@code null} for an empty file
     * @throws CatalogException naming file, line and column of anything wrong
     */
    public static Node compose(Path file, String what, String whenAbsent) {
        return compose(file, what, whenAbsent, false);
    }

    /**
     * Reads a file as SnakeYAML's node tree; a file of secrets ({@code credentials.yml}) is never
     * quoted: an error names the line and column and what is wrong, but any text quoted from the
     * file is replaced by {@code ***}, and the parser's exception (whose message shows the line)
     * is not kept as the cause.
     *
     * @param file the file
     * @param what what the file is, such as {@code "credentials file"}, for messages
     * @param whenAbsent what to tell the user when the file does not exist
     * @param secret whether the file holds secrets
     * @return its root node, or {@code null} for an empty file
     * @throws CatalogException naming file, line and column of anything wrong
     */
    public static Node compose(Path file, String what, String whenAbsent, boolean secret) {
        String text = checked(file, what, whenAbsent, secret);
        try {
            return yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException syntax) {
            throw syntaxError(file, syntax, secret);
        } catch (YAMLException limit) {
            throw new CatalogException(file + ":1:1: " + what + " cannot be read: "
                    + (secret ? redact(limit.getMessage()) : limit.getMessage()), secret ? null : limit);
        }
    }

    /**
     * Replaces what a parser's message quotes from the file with {@code ***}: the text after
     * "found" or "got" (an undefined alias or tag handle, the characters found), and quoted texts
     * longer than one character. A value such as {@code password: *x7Qa} is read as an alias, so
     * the name of an undefined alias is a secret too.
     *
     * @param message a message
     * @return the message without what it quoted
     */
    public static String redact(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("(undefined (?:alias|tag handle)) \\S+", "$1 ***")
                .replaceAll("((?:found|got):?) (?!unexpected end of stream|undefined|<|'.')\\S+", "$1 ***")
                .replaceAll("'[^'\\n]{2,}'", "'***'").replaceAll("\"[^\"\\n]*\"", "\"***\"");
    }

    /**
     * The plain Java value of a node of a file read with {@link #compose}: maps (in file order),
     * lists, strings, numbers, booleans, dates; merge keys ({@code <<: *defaults}) applied.
     *
     * @param file the file the node was read from, for messages
     * @param node the node
     * @return its value
     * @throws CatalogException naming file, line and column of a value that cannot be built
     */
    public static Object value(Path file, Node node) {
        return value(file, node, false);
    }

    /**
     * The plain Java value of a node, as {@link #value(Path, Node)}; for a file of secrets, errors
     * quote nothing from the file (see {@link #compose(Path, String, String, boolean)}).
     *
     * @param file the file the node was read from, for messages
     * @param node the node
     * @param secret whether the file holds secrets
     * @return its value
     * @throws CatalogException naming file, line and column of a value that cannot be built
     */
    public static Object value(Path file, Node node, boolean secret) {
        try {
            return new Values(options()).value(node);
        } catch (MarkedYAMLException wrong) {
            throw syntaxError(file, wrong, secret);
        }
    }

    /** SnakeYAML's safe constructor, applied to one node. */
    private static final class Values extends SafeConstructor {
        Values(LoaderOptions options) {
            super(options);
        }

        Object value(Node node) {
            return constructDocument(node);
        }
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(options()));
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        return options;
    }

    private static CatalogException syntaxError(Path file, MarkedYAMLException syntax, boolean secret) {
        Mark mark = syntax.getProblemMark() != null ? syntax.getProblemMark() : syntax.getContextMark();
        String problem = syntax.getProblem() + (syntax.getContext() == null ? "" : " (" + syntax.getContext() + ")");
        if (secret) {
            return new CatalogException(where(file, mark) + "not valid YAML: " + redact(problem)
                    + " (the file holds secrets, so none of its text is shown: open it at this line)", null);
        }
        return new CatalogException(where(file, mark) + "not valid YAML: " + problem, syntax);
    }

    /** The file's text, once it has passed every check. */
    private static String checked(Path file, String what, String whenAbsent, boolean secret) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException absent) {
            throw new CatalogException(what + " " + file + " does not exist; " + whenAbsent, absent);
        } catch (IOException unreadable) {
            throw new CatalogException(what + " " + file + " cannot be read: " + unreadable.getMessage(), unreadable);
        }
        if (bytes.length > MAX_BYTES) {
            throw new CatalogException(file + ":" + lineAt(bytes, MAX_BYTES) + ":1: the " + what + " is larger than "
                    + MAX_BYTES + " bytes, the most Loomflow reads from a YAML file (the limit is passed on this line);"
                    + " keep data in datasets, not in configuration", null);
        }
        String text = decode(file, bytes);
        checkCharacters(file, text);
        checkEvents(file, text, secret);
        return text;
    }

    private static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int lineStart = offset;
            while (lineStart > 0 && bytes[lineStart - 1] != '\n') {
                lineStart--;
            }
            String before = new String(bytes, lineStart, offset - lineStart, StandardCharsets.UTF_8);
            int column = before.codePointCount(0, before.length()) + 1;
            throw new CatalogException(file + ":" + lineAt(bytes, offset) + ":" + column + ": the byte "
                    + String.format(Locale.ROOT, "0x%02X", bytes[offset] & 0xFF) + " is not valid UTF-8; save the"
                    + " file as UTF-8", null);
        }
        return out.flip().toString();
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Refuses the characters SnakeYAML refuses, but with their line and column; lines counted as SnakeYAML does. */
    private static void checkCharacters(Path file, String text) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                String name = c == 0 ? "NUL" : String.format(Locale.ROOT, "U+%04X", c);
                throw new CatalogException(file + ":" + line + ":" + column + ": the character " + name + " is not"
                        + " allowed in YAML; remove it" + (c == 0 ? " (a file saved as UTF-16 is full of NULs: save"
                        + " it as UTF-8)" : ", or write it as an escape such as \"\\u" + String.format(Locale.ROOT,
                        "%04X", c) + "\" inside double quotes"), null);
            }
            i += Character.charCount(c);
            boolean lineBreak = c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029
                    || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'));
            if (lineBreak) {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
    }

    private static String where(Path file, Mark mark) {
        return mark == null ? file + ":1:1: " : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
    }

    /** An anchor and what its value adds up to, once expanded. */
    private static final class Anchor {
        final String name;
        final Mark mark;
        final String scalar;
        long size;
        boolean open;

        Anchor(String name, Mark mark, String scalar) {
            this.name = name;
            this.mark = mark;
            this.scalar = scalar;
        }
    }

    /** An open list or mapping. */
    private static final class OpenCollection {
        final boolean mapping;
        final Anchor anchor;
        final long expandedAtStart;
        final Map<String, Mark> keys = new HashMap<>();
        boolean expectingKey = true;

        OpenCollection(boolean mapping, Anchor anchor, long expandedAtStart) {
            this.mapping = mapping;
            this.anchor = anchor;
            this.expandedAtStart = expandedAtStart;
        }
    }

    /** Walks the events once: depth, recursive aliases, what aliases expand to, duplicate keys. */
    private static void checkEvents(Path file, String text, boolean secret) {
        Map<String, Anchor> anchors = new HashMap<>();
        Deque<OpenCollection> open = new ArrayDeque<>();
        long expanded = 0;
        long addedByAliases = 0;
        int collectionAliases = 0;
        try {
            for (Event event : new Yaml(new LoaderOptions()).parse(new StringReader(text))) {
                switch (event) {
                    case ScalarEvent scalar -> {
                        expanded++;
                        if (scalar.getAnchor() != null) {
                            Anchor anchor = new Anchor(scalar.getAnchor(), scalar.getStartMark(), scalar.getValue());
                            anchor.size = 1;
                            anchors.put(anchor.name, anchor);
                        }
                        node(file, open, scalar.getValue(), scalar.isPlain() && "<<".equals(scalar.getValue()),
                                scalar.getStartMark(), true);
                    }
                    case AliasEvent alias -> {
                        Anchor anchor = anchors.get(alias.getAnchor());
                        if (anchor == null && secret) {
                            throw new CatalogException(where(file, alias.getStartMark()) + "a value that starts with *"
                                    + " is read as an alias, and this one refers to no anchor; put the value in quotes"
                                    + " (the file holds secrets, so the value is not shown)", null);
                        }
                        if (anchor == null) {
                            throw new CatalogException(where(file, alias.getStartMark()) + "alias *" + alias.getAnchor()
                                    + " refers to no anchor; define &" + alias.getAnchor() + " on a value before this"
                                    + " line, or write the value here", null);
                        }
                        if (anchor.open) {
                            throw new CatalogException(where(file, alias.getStartMark()) + "alias *" + anchor.name
                                    + " is inside the value of its own anchor &" + anchor.name + " (line "
                                    + (anchor.mark.getLine() + 1) + "), which would make a structure without end;"
                                    + " refer only to anchors whose value is complete", null);
                        }
                        if (anchor.scalar == null && ++collectionAliases > MAX_COLLECTION_ALIASES) {
                            throw new CatalogException(where(file, alias.getStartMark()) + "alias *" + anchor.name
                                    + " is alias number " + collectionAliases + " to a list or mapping; at most "
                                    + MAX_COLLECTION_ALIASES + " are allowed in a file; write some values out", null);
                        }
                        expanded += anchor.size;
                        addedByAliases += anchor.size;
                        if (addedByAliases > MAX_ALIAS_NODES) {
                            throw new CatalogException(where(file, alias.getStartMark()) + "alias *" + anchor.name
                                    + " (anchor on line " + (anchor.mark.getLine() + 1) + ") stands for " + anchor.size
                                    + " nodes, which takes the nodes added by aliases past " + MAX_ALIAS_NODES
                                    + ", the most Loomflow expands (aliases of aliases multiply); write the values out,"
                                    + " or nest fewer aliases", null);
                        }
                        node(file, open, anchor.scalar, false, alias.getStartMark(), true);
                    }
                    case CollectionStartEvent start -> {
                        node(file, open, null, false, start.getStartMark(), false);
                        if (open.size() >= MAX_DEPTH) {
                            throw new CatalogException(where(file, start.getStartMark()) + "lists and mappings are"
                                    + " nested more than " + MAX_DEPTH + " deep here; flatten the structure", null);
                        }
                        Anchor anchor = null;
                        if (start.getAnchor() != null) {
                            anchor = new Anchor(start.getAnchor(), start.getStartMark(), null);
                            anchor.open = true;
                            anchors.put(anchor.name, anchor);
                        }
                        open.push(new OpenCollection(start instanceof MappingStartEvent, anchor, expanded));
                        expanded++;
                    }
                    default -> {
                        if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
                            OpenCollection closed = open.pop();
                            if (closed.anchor != null) {
                                closed.anchor.size = expanded - closed.expandedAtStart;
                                closed.anchor.open = false;
                            }
                            if (!open.isEmpty() && open.peek().mapping) {
                                open.peek().expectingKey = !open.peek().expectingKey;
                            }
                        } else if (event.is(Event.ID.DocumentStart)) {
                            anchors.clear();
                        }
                    }
                }
            }
        } catch (MarkedYAMLException syntax) {
            throw syntaxError(file, syntax, secret);
        }
    }

    /**
     * Notes a node (a scalar, an alias, or the start of a list or mapping, which is complete only at
     * its end) in the mapping that holds it: a key is checked against the keys before it. A key
     * that is a list or mapping, or the merge key {@code <<}, is not compared.
     */
    private static void node(Path file, Deque<OpenCollection> open, String key, boolean mergeKey, Mark mark,
                             boolean complete) {
        OpenCollection parent = open.peek();
        if (parent == null || !parent.mapping) {
            return;
        }
        if (parent.expectingKey && key != null && !mergeKey) {
            Mark first = parent.keys.putIfAbsent(key, mark);
            if (first != null) {
                throw new CatalogException(where(file, mark) + "the key '" + key + "' appears twice in the same mapping"
                        + " (first at line " + (first.getLine() + 1) + ", column " + (first.getColumn() + 1)
                        + "); YAML allows each key once: remove one, or merge the two", null);
            }
        }
        if (complete) {
            parent.expectingKey = !parent.expectingKey;
        }
    }
}
