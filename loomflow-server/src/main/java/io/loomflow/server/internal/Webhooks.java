package io.loomflow.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The flows that accept webhooks, with their keys, and the check of a delivery's signature, as the Standard
 * Webhooks specification has it: {@code webhook-signature} holds {@code v1,BASE64} entries (space-separated),
 * each an HMAC-SHA256 of {@code webhook-id + "." + webhook-timestamp + "." + body}. Keys are never shown: no
 * message and no {@code toString} holds one.
 */
public final class Webhooks {

    /** The fewest bytes a key may have: HMAC-SHA256's own output size. */
    public static final int LEAST_KEY_BYTES = 32;

    /** How far a delivery's timestamp may be from the server's clock, unless set otherwise. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /**
     * How long an accepted delivery's id is remembered (at least the tolerance after its timestamp): 7
     * days, longer than the retry schedules of Standard Webhooks senders (about a day), which send a
     * delivery again under its id, signed again with a fresh timestamp.
     */
    static final Duration REMEMBERED = Duration.ofDays(7);

    /** The prefix of a Standard Webhooks secret, whose rest is the key in base64. */
    static final String STANDARD_PREFIX = "whsec_";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<String, List<byte[]>> keys;
    private final Duration tolerance;

    /**
     * @param keys each flow's keys (several while a secret is being rotated)
     * @param tolerance how far a delivery's timestamp may be from now, either way
     */
    public Webhooks(Map<String, List<byte[]>> keys, Duration tolerance) {
        this.keys = Map.copyOf(keys);
        this.tolerance = tolerance;
    }

    /** None: every webhook path is a 404. */
    public static Webhooks none() {
        return new Webhooks(Map.of(), DEFAULT_TOLERANCE);
    }

    /** The flows that accept webhooks. */
    public java.util.Set<String> flows() {
        return keys.keySet();
    }

    Duration tolerance() {
        return tolerance;
    }

    /** The keys of a flow, or null when it accepts no webhooks. */
    List<byte[]> keys(String flow) {
        return keys.get(flow);
    }

    /**
     * The HMAC key of a secret: the bytes of a {@code whsec_} secret's base64 rest (as Standard Webhooks
     * libraries make them), else the secret's UTF-8 bytes.
     *
     * @throws IllegalArgumentException naming the flow, never the secret, if it is shorter than 32 bytes or
     *     its base64 is broken
     */
    public static byte[] key(String flow, String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("the webhook secret of flow '" + flow + "' is missing; give one of at"
                    + " least " + LEAST_KEY_BYTES + " bytes, such as the output of: openssl rand -hex 32");
        }
        byte[] key;
        if (secret.startsWith(STANDARD_PREFIX)) {
            try {
                key = Base64.getDecoder().decode(secret.substring(STANDARD_PREFIX.length()));
            } catch (IllegalArgumentException broken) {
                throw new IllegalArgumentException("a webhook secret of flow '" + flow + "' starts with whsec_ but the"
                        + " rest is not base64; give the secret as the sender shows it, or one without whsec_");
            }
        } else {
            key = secret.getBytes(StandardCharsets.UTF_8);
        }
        if (key.length < LEAST_KEY_BYTES) {
            throw new IllegalArgumentException("a webhook secret of flow '" + flow + "' has " + key.length + " bytes;"
                    + " give one of at least " + LEAST_KEY_BYTES + ", such as the output of: openssl rand -hex 32");
        }
        return key;
    }

    /**
     * Reads a webhooks file: a JSON object from each flow's name to its secret, or an array of its secrets
     * (the newest first while rotating). A value may be, or hold, {@code ${VARIABLE}}, read from
     * {@code environment}, so that the file itself can be kept free of secrets. Errors name the file, the
     * line, the column and the flow, never a secret.
     *
     * @throws IllegalArgumentException if the file cannot be read or is not such an object
     */
    public static Map<String, List<String>> read(Path file, UnaryOperator<String> environment) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            throw new IllegalArgumentException("cannot read the webhooks file " + file + " (" + unreadable.getClass()
                    .getSimpleName() + "); give a readable JSON file such as {\"FLOW\": [\"${FLOW_WEBHOOK_SECRET}\"]}");
        }
        JsonNode tree;
        try {
            // Jackson's messages quote the text they fail on; a secret could be in it: only the place is shown.
            tree = new ObjectMapper().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(text);
        } catch (JsonProcessingException malformed) {
            var at = malformed.getLocation();
            throw new IllegalArgumentException("the webhooks file " + file + " is not valid JSON at line "
                    + (at == null ? "?" : at.getLineNr()) + ", column " + (at == null ? "?" : at.getColumnNr())
                    + " (a flow named twice is refused too); write {\"FLOW\": [\"SECRET\", ...]}");
        }
        if (tree == null || !tree.isObject() || tree.isEmpty()) {
            throw new IllegalArgumentException("the webhooks file " + file + " must be a JSON object from each flow's"
                    + " name to its secrets, such as {\"FLOW\": [\"${FLOW_WEBHOOK_SECRET}\"]}");
        }
        Map<String, List<String>> secrets = new LinkedHashMap<>();
        for (var field : tree.properties()) {
            String flow = field.getKey();
            JsonNode value = field.getValue();
            List<JsonNode> given = value.isArray() ? value.valueStream().toList() : List.of(value);
            List<String> texts = new ArrayList<>();
            for (JsonNode secret : given) {
                if (!secret.isTextual()) {
                    throw new IllegalArgumentException("in the webhooks file " + file + ", flow '" + flow + "' has a"
                            + " secret that is not a string; give a string, or an array of strings");
                }
                texts.add(expand(file, flow, secret.asText(), environment));
            }
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("in the webhooks file " + file + ", flow '" + flow + "' has no"
                        + " secret; give at least one");
            }
            secrets.put(flow, texts);
        }
        return secrets;
    }

    private static String expand(Path file, String flow, String secret, UnaryOperator<String> environment) {
        Matcher variable = VARIABLE.matcher(secret);
        StringBuilder expanded = new StringBuilder();
        while (variable.find()) {
            String value = environment.apply(variable.group(1));
            if (value == null) {
                throw new IllegalArgumentException("in the webhooks file " + file + ", a secret of flow '" + flow
                        + "' names the environment variable " + variable.group(1) + ", which is not set; set it");
            }
            variable.appendReplacement(expanded, Matcher.quoteReplacement(value));
        }
        variable.appendTail(expanded);
        return expanded.toString();
    }

    /**
     * Whether one of the signatures in {@code header} is the HMAC of this delivery under one of the keys;
     * every comparison in constant time ({@link MessageDigest#isEqual}).
     */
    static boolean verify(List<byte[]> keys, String id, String timestamp, byte[] body, String header) {
        List<byte[]> given = new ArrayList<>();
        for (String entry : header.strip().split(" +")) {
            if (entry.startsWith("v1,")) {
                try {
                    given.add(Base64.getDecoder().decode(entry.substring(3)));
                } catch (IllegalArgumentException notBase64) {
                    // not a signature: left out
                }
            }
        }
        boolean matched = false;
        for (byte[] key : keys) {
            byte[] expected = sign(key, id, timestamp, body);
            for (byte[] signature : given) {
                matched |= MessageDigest.isEqual(expected, signature); // no early exit
            }
        }
        return matched;
    }

    /** HMAC-SHA256 of {@code id.timestamp.body}. */
    static byte[] sign(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException impossible) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", impossible);
        }
    }

    /** Whether a delivery's time is within the tolerance of {@code now}. */
    boolean timely(Instant sent, Instant now) {
        return !sent.isBefore(now.minus(tolerance)) && !sent.isAfter(now.plus(tolerance));
    }

    @Override
    public String toString() {
        return "Webhooks" + keys.keySet() + " (keys not shown), tolerance " + tolerance;
    }
}
