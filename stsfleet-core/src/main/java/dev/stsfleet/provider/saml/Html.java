package dev.stsfleet.provider.saml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough HTML reading to log in to an IdP: the {@code <input>} and {@code <form>} tags of a page, with
 * their attributes entity-decoded, whatever the attribute order, quoting, case or line breaks. Comments,
 * scripts and other raw-text elements are skipped so that a decoy inside them is never taken. Not a general
 * HTML parser; no external library because this is all a SAML login page needs.
 */
final class Html {
    /** A start tag: its name (lower case), attributes (names lower case, values decoded) and where it ends. */
    record Tag(String name, Map<String, String> attributes, int start, int end) {
        Optional<String> attribute(String name) {
            return Optional.ofNullable(attributes.get(name));
        }

        boolean is(String attribute, String value) {
            String v = attributes.get(attribute);
            return v != null && v.trim().equalsIgnoreCase(value);
        }
    }

    /** A form: its start tag and the input tags between it and its end tag (or the next form). */
    record Form(Tag tag, List<Tag> inputs) {
        Optional<Tag> passwordInput() {
            return inputs.stream().filter(t -> t.is("type", "password")).findFirst();
        }
    }

    // Raw-text and comment regions: what is inside them is not markup.
    private static final Pattern SKIPPED = Pattern.compile(
            "<!--.*?(?:-->|\\z)|<(script|style|textarea|template)\\b[^>]*>.*?(?:</\\1\\s*>|\\z)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG_START = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9-]*)");
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "\\G[\\s/]*([^\\s\"'>/=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");
    private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#([xX][0-9a-fA-F]{1,6}|[0-9]{1,7});?");
    private static final Pattern NAMED_ENTITY = Pattern.compile("&(amp|lt|gt|quot|apos|equals|sol|plus|nbsp);?",
            Pattern.CASE_INSENSITIVE);

    private Html() {
    }

    /** Every start tag named {@code name} outside comments and raw-text elements, in document order. */
    static List<Tag> tags(String html, String name) {
        List<Tag> result = new ArrayList<>();
        for (Tag tag : allTags(html)) {
            if (tag.name().equals(name)) {
                result.add(tag);
            }
        }
        return result;
    }

    /** Every form with the inputs that belong to it. */
    static List<Form> forms(String html) {
        List<Form> forms = new ArrayList<>();
        Tag open = null;
        List<Tag> inputs = new ArrayList<>();
        for (Tag tag : allTags(html)) {
            switch (tag.name()) {
                case "form" -> {
                    if (open != null) {
                        forms.add(new Form(open, List.copyOf(inputs)));
                    }
                    open = tag;
                    inputs = new ArrayList<>();
                }
                case "/form" -> {
                    if (open != null) {
                        forms.add(new Form(open, List.copyOf(inputs)));
                        open = null;
                    }
                }
                case "input" -> {
                    if (open != null) {
                        inputs.add(tag);
                    }
                }
                default -> {
                }
            }
        }
        if (open != null) {
            forms.add(new Form(open, List.copyOf(inputs)));
        }
        return forms;
    }

    /** Decodes the character references an IdP writes into attribute values ({@code &#x3D;}, {@code &amp;}). */
    static String decodeEntities(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher numeric = NUMERIC_ENTITY.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (numeric.find()) {
            String n = numeric.group(1);
            int code = n.charAt(0) == 'x' || n.charAt(0) == 'X'
                    ? Integer.parseInt(n.substring(1), 16) : Integer.parseInt(n);
            String replacement = Character.isValidCodePoint(code) ? new String(Character.toChars(code)) : "\uFFFD";
            numeric.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        numeric.appendTail(sb);
        Matcher named = NAMED_ENTITY.matcher(sb.toString());
        StringBuilder out = new StringBuilder();
        while (named.find()) {
            String replacement = switch (named.group(1).toLowerCase(Locale.ROOT)) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                case "equals" -> "=";
                case "sol" -> "/";
                case "plus" -> "+";
                default -> "\u00A0";
            };
            named.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        named.appendTail(out);
        return out.toString();
    }

    /** Whether the page shows a login form (an input of type password). */
    static boolean hasPasswordInput(String html) {
        return tags(html, "input").stream().anyMatch(t -> t.is("type", "password"));
    }

    private static List<Tag> allTags(String html) {
        String text = blankSkippedRegions(html);
        List<Tag> tags = new ArrayList<>();
        Matcher start = TAG_START.matcher(text);
        int from = 0;
        while (from < text.length() && start.find(from)) {
            String name = (start.group(1) + start.group(2)).toLowerCase(Locale.ROOT);
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher attribute = ATTRIBUTE.matcher(text);
            attribute.region(start.end(), text.length());
            int position = start.end();
            while (attribute.lookingAt()) {
                if (attribute.end() == position) {
                    break;
                }
                String value = attribute.group(2) != null ? attribute.group(2)
                        : attribute.group(3) != null ? attribute.group(3)
                        : attribute.group(4) != null ? attribute.group(4) : "";
                // The first occurrence of an attribute wins, as in browsers.
                attributes.putIfAbsent(attribute.group(1).toLowerCase(Locale.ROOT), decodeEntities(value));
                position = attribute.end();
                attribute.region(position, text.length());
            }
            int close = text.indexOf('>', position);
            int end = close < 0 ? text.length() : close + 1;
            tags.add(new Tag(name, attributes, start.start(), end));
            from = end;
        }
        return tags;
    }

    // Replaces comments and raw-text elements by spaces of the same length, so offsets stay meaningful.
    private static String blankSkippedRegions(String html) {
        Matcher m = SKIPPED.matcher(html);
        if (!m.find()) {
            return html;
        }
        StringBuilder sb = new StringBuilder(html);
        do {
            for (int i = m.start(); i < m.end(); i++) {
                sb.setCharAt(i, ' ');
            }
        } while (m.find());
        return sb.toString();
    }
}
