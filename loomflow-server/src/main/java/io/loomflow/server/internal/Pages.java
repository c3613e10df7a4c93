package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The web UI's HTML, rendered on the server. Every text that comes from a flow, a run or a request
 * goes through {@link #escape(String)}; the pages load one script and one style sheet, and the
 * Content-Security-Policy allows nothing inline.
 */
final class Pages {

    private Pages() {
    }

    /** Text made safe for HTML content and quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }


    /**
     * A page; in dev mode, with the revision of the sources it was made from (the script reloads the
     * page when dev mode compiles again) and, while the sources have problems, a banner listing them.
     */
    static String layout(String base, DevMode.Status dev, String title, String body) {
        String devAttributes = dev == null ? "" : " data-dev-revision=\"" + dev.revision() + "\"";
        String banner = "";
        if (dev != null && !dev.ok()) {
            StringBuilder list = new StringBuilder("<section id=\"dev-problems\" class=\"dev-problems\" role=\"alert\">"
                    + "<h2>The sources do not compile; generation " + dev.generation() + " goes on serving</h2><ul>");
            for (var problem : dev.problems()) {
                list.append("<li><code>").append(escape(problem.toString())).append("</code></li>");
            }
            banner = list.append("</ul></section>").toString();
        }
        // data-base: the path a mounted server is served under, which the script puts before the paths it reads.
        return "<!doctype html>\n<html lang=\"en\" data-base=\"" + escape(base) + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · Loomflow</title>"
                + "<link rel=\"stylesheet\" href=\"" + base + "/static/app.css\"><script src=\"" + base + "/static/app.js\" defer></script>"
                + "</head><body" + devAttributes + "><header><a class=\"brand\" href=\"" + base + "/\">Loomflow</a><nav><a href=\"" + base + "/\">Flows</a>"
                + "<a href=\"" + base + "/runs\">Runs</a><a href=\"" + base + "/workers\">Workers</a><a href=\"" + base + "/schedules\">Schedules</a></nav></header><main>" + banner + body + "</main></body></html>\n";
    }

    static String error(String base, int status, String message) {
        return layout(base, null, "Error " + status, "<h1>Error " + status + "</h1><p class=\"problem\">" + escape(message)
                + "</p><p><a href=\"" + base + "/\">Back to the flows</a></p>");
    }

    /** The form of a flow's parameters, one field per schema property, nested records as fieldsets. */
    static String form(String flow, JsonNode schema) {
        StringBuilder html = new StringBuilder();
        html.append("<form id=\"run-form\" class=\"run-form\" novalidate data-flow=\"").append(escape(flow)).append("\">");
        fields(html, schema, "");
        if (!schema.path("properties").fields().hasNext()) {
            html.append("<p class=\"hint\">This flow takes no parameters.</p>");
        }
        html.append("<p id=\"form-error\" class=\"problem\" role=\"alert\" hidden></p>");
        html.append("<button type=\"submit\" id=\"run-button\">Run</button></form>");
        return html.toString();
    }

    private static void fields(StringBuilder html, JsonNode schema, String prefix) {
        Set<String> required = new TreeSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            field(html, entry.getValue(), prefix + entry.getKey(), entry.getKey(), required.contains(entry.getKey()));
        }
    }

    private static void field(StringBuilder html, JsonNode schema, String path, String label, boolean required) {
        String type = schema.path("type").asText("");
        String id = "field-" + path.replace('.', '-');
        String name = escape(path);
        if (type.equals("object") && schema.has("properties")) {
            html.append("<fieldset data-field=\"").append(name).append("\"><legend>").append(escape(label))
                    .append("</legend>");
            fields(html, schema, path + ".");
            html.append("</fieldset>");
            return;
        }
        JsonNode defaultValue = schema.get("default");
        html.append("<div class=\"field\" data-field=\"").append(name).append("\">");
        if (type.equals("boolean")) {
            html.append("<label><input type=\"checkbox\" id=\"").append(escape(id)).append("\" name=\"").append(name)
                    .append("\" data-type=\"boolean\"").append(defaultValue != null && defaultValue.asBoolean() ? " checked" : "")
                    .append("> ").append(escape(label)).append("</label>");
        } else {
            html.append("<label for=\"").append(escape(id)).append("\">").append(escape(label))
                    .append(required ? " <span class=\"required\" title=\"required\">*</span>" : "").append("</label>");
            String common = " id=\"" + escape(id) + "\" name=\"" + name + "\"" + (required ? " required" : "");
            if (schema.has("enum")) {
                html.append("<select").append(common).append(" data-type=\"string\">");
                if (!required || defaultValue == null) {
                    html.append("<option value=\"\"></option>");
                }
                for (JsonNode constant : schema.get("enum")) {
                    boolean selected = defaultValue != null && defaultValue.asText().equals(constant.asText());
                    html.append("<option").append(selected ? " selected" : "").append(" value=\"")
                            .append(escape(constant.asText())).append("\">").append(escape(constant.asText()))
                            .append("</option>");
                }
                html.append("</select>");
            } else if (type.equals("integer") || type.equals("number")) {
                // A text field, not type="number": the browser would turn 1e400 or a full-width digit into an
                // empty value and the run would take the default; the server's parameter model reads the text
                // as the command line does, and names the field when it does not fit.
                html.append("<input type=\"text\"").append(common).append(" data-type=\"").append(type).append("\"")
                        .append(type.equals("integer") ? " inputmode=\"numeric\"" : " inputmode=\"decimal\"");
                // the bounds, for people and tools reading the form; a browser checks min and max only on
                // type="number", so the server's model (the one place constraints are checked) names a value
                // out of range beside the field
                attribute(html, "min", schema.get("minimum"));
                attribute(html, "max", schema.get("maximum"));
                value(html, defaultValue);
                html.append(">");
            } else if (type.equals("array") && isScalar(schema.path("items"))) {
                html.append("<textarea").append(common).append(" rows=\"3\" data-type=\"array\" data-items=\"")
                        .append(escape(schema.path("items").path("type").asText("string"))).append("\">");
                if (defaultValue != null) {
                    for (JsonNode item : defaultValue) {
                        html.append(escape(item.asText())).append('\n');
                    }
                }
                html.append("</textarea><small class=\"hint\">one per line</small>");
            } else if (type.equals("array") || type.equals("object") || type.isEmpty()) {
                html.append("<textarea").append(common).append(" rows=\"4\" data-type=\"json\">");
                if (defaultValue != null) {
                    html.append(escape(defaultValue.toPrettyString()));
                }
                html.append("</textarea><small class=\"hint\">JSON</small>");
            } else {
                String format = schema.path("format").asText("");
                String inputType = format.equals("date") ? "date" : "text";
                html.append("<input type=\"").append(inputType).append("\"").append(common).append(" data-type=\"string\"");
                attribute(html, "minlength", schema.get("minLength"));
                attribute(html, "maxlength", schema.get("maxLength"));
                if (schema.path("pattern").isTextual()) {
                    html.append(" pattern=\"").append(escape(htmlPattern(schema.get("pattern").asText()))).append("\"");
                }
                if (!format.isEmpty() && !format.equals("date")) {
                    html.append(" placeholder=\"").append(escape(placeholder(format))).append("\"");
                }
                value(html, defaultValue);
                html.append(">");
            }
        }
        html.append("<small class=\"field-error\" hidden></small></div>");
    }

    private static boolean isScalar(JsonNode schema) {
        String type = schema.path("type").asText("");
        return type.equals("string") || type.equals("integer") || type.equals("number") || type.equals("boolean");
    }

    /** A constraint from the schema as an attribute, such as {@code min="1"}, if the schema has it. */
    private static void attribute(StringBuilder html, String name, JsonNode bound) {
        if (bound != null && bound.isNumber()) {
            html.append(' ').append(name).append("=\"").append(escape(bound.asText())).append('"');
        }
    }

    /**
     * A JSON schema {@code pattern}, which matches anywhere in the text, as an HTML {@code pattern},
     * which must match the whole: an anchored one ({@code ^(?:...)$}, as parameter models write
     * {@code @Pattern}) as it is, any other surrounded by {@code .*}.
     */
    static String htmlPattern(String pattern) {
        return pattern.startsWith("^") && pattern.endsWith("$") ? pattern : ".*(?:" + pattern + ").*";
    }

    private static void value(StringBuilder html, JsonNode defaultValue) {
        if (defaultValue != null && !defaultValue.isNull()) {
            html.append(" value=\"").append(escape(defaultValue.asText())).append("\"");
        }
    }

    private static String placeholder(String format) {
        return switch (format) {
            case "date-time" -> "2026-01-31T12:00:00Z";
            case "time" -> "12:30:00";
            case "duration" -> "PT30S";
            case "uuid" -> "3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b";
            case "uri" -> "https://example.org/";
            default -> "";
        };
    }
}
