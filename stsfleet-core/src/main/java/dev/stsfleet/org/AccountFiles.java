package dev.stsfleet.org;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Account list files, read and written (awsrun's loaders, in our terms). Reading accepts:
 * <ul>
 * <li>plain text: one id per line, blank lines and {@code #} comments allowed;</li>
 * <li>JSON (content starting with {@code [}): an array of id strings or of {@code {"id": ..., "name": ...}};</li>
 * <li>CSV ({@code .csv}, or a first line with a comma): an optional header row naming an {@code id} (or
 * {@code account_id}, {@code account}) column and a {@code name} (or {@code account_name}) column, else the
 * id then the name; quoted fields with {@code ""} escapes; other columns ignored;</li>
 * <li>YAML ({@code .yaml}, {@code .yml}): a simple list, of ids or of maps with {@code id} and {@code name}
 * (block or flow style), optionally under one top-level key such as {@code accounts:}; other keys of an item
 * are ignored. Only that subset is read (no anchors, no multi-line strings); anything else is refused with
 * its line number.</li>
 * </ul>
 * Writing ({@link #write}) picks CSV or YAML by the same extensions, else JSON; every format it writes it
 * also reads. Stateless and thread-safe.
 */
public final class AccountFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ID_KEYS = Set.of("id", "account_id", "accountid", "account id", "account");
    private static final Set<String> NAME_KEYS = Set.of("name", "account_name", "accountname", "account name");

    private AccountFiles() {
    }

    /**
     * The accounts of {@code file}, in file order, repeats kept (the caller reports them).
     *
     * @param problems receives one line per bad entry (file and line or item)
     * @throws InvalidInputException when the file cannot be read or parsed at all
     */
    public static List<TargetAccount> read(Path file, List<String> problems) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("cannot read the accounts file " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read the accounts file " + file + ": " + e.getClass().getSimpleName());
        }
        List<TargetAccount> out = new ArrayList<>();
        String lower = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            yaml(file, content, out, problems);
        } else if (content.stripLeading().startsWith("[")) {
            json(file, content, out, problems);
        } else if (lower.endsWith(".csv") || firstLine(content).contains(",")) {
            csv(file, content, out, problems);
        } else {
            String[] lines = content.split("\\R", -1);
            for (int i = 0; i < lines.length; i++) {
                String id = stripComment(lines[i]).trim();
                if (!id.isEmpty()) {
                    add(id, null, file + " line " + (i + 1), out, problems);
                }
            }
        }
        return out;
    }

    /** Writes {@code accounts} to {@code file} atomically: CSV, YAML or JSON by the extension (see above). */
    public static void write(Path file, List<TargetAccount> accounts) throws IOException {
        String lower = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        StringBuilder s = new StringBuilder();
        if (lower.endsWith(".csv")) {
            s.append("id,name\n");
            for (TargetAccount a : accounts) {
                s.append(a.id()).append(',').append(a.name() == null ? "" : csvField(a.name())).append('\n');
            }
        } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            for (TargetAccount a : accounts) {
                s.append("- id: \"").append(a.id()).append("\"\n");
                if (a.name() != null) {
                    s.append("  name: ").append(JSON.writeValueAsString(a.name())).append('\n');
                }
            }
        } else {
            ArrayNode array = JSON.createArrayNode();
            for (TargetAccount a : accounts) {
                ObjectNode n = array.addObject().put("id", a.id());
                if (a.name() != null) {
                    n.put("name", a.name());
                }
            }
            s.append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array)).append('\n');
        }
        AtomicFiles.write(file, s.toString());
    }

    private static void json(Path file, String content, List<TargetAccount> out, List<String> problems) {
        JsonNode array;
        try {
            array = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the accounts file " + file + " is not a valid JSON array: "
                    + e.getOriginalMessage());
        }
        if (array == null || !array.isArray()) {
            throw new InvalidInputException("the accounts file " + file + " is not a JSON array");
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode n = array.get(i);
            String where = file + " item " + (i + 1);
            if (n.isTextual()) {
                add(n.asText().trim(), null, where, out, problems);
            } else if (n.isObject()) {
                String id = null;
                String name = null;
                for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) n::fields) {
                    String key = f.getKey().toLowerCase(Locale.ROOT);
                    if (ID_KEYS.contains(key) && f.getValue().isTextual()) {
                        id = f.getValue().asText().trim();
                    } else if (ID_KEYS.contains(key)) {
                        problems.add(where + ": account ids must be JSON strings, not " + f.getValue());
                        id = "";
                    } else if (NAME_KEYS.contains(key) && f.getValue().isTextual()) {
                        name = f.getValue().asText();
                    }
                }
                if (id == null) {
                    problems.add(where + ": no \"id\" in " + abbreviate(n.toString()));
                } else if (!id.isEmpty()) {
                    add(id, name, where, out, problems);
                }
            } else {
                // A number loses leading zeros (012345678901), so ids must be strings.
                problems.add(where + ": account ids must be JSON strings, not " + abbreviate(n.toString()));
            }
        }
    }

    private static void csv(Path file, String content, List<TargetAccount> out, List<String> problems) {
        String[] lines = content.split("\\R", -1);
        int idColumn = 0;
        int nameColumn = 1;
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            List<String> cells = csvCells(line);
            if (cells == null) {
                problems.add(where + ": an unterminated quoted field");
                continue;
            }
            if (first) {
                first = false;
                if (!TargetAccount.ID.matcher(cells.get(0).trim()).matches() && isHeader(cells)) {
                    idColumn = -1;
                    nameColumn = -1;
                    for (int c = 0; c < cells.size(); c++) {
                        String h = cells.get(c).trim().toLowerCase(Locale.ROOT);
                        if (idColumn < 0 && ID_KEYS.contains(h)) {
                            idColumn = c;
                        } else if (nameColumn < 0 && NAME_KEYS.contains(h)) {
                            nameColumn = c;
                        }
                    }
                    if (idColumn < 0) {
                        throw new InvalidInputException(where + ": the header names no id column (id, account_id or account)");
                    }
                    continue;
                }
            }
            String id = idColumn < cells.size() ? cells.get(idColumn).trim() : "";
            String name = nameColumn >= 0 && nameColumn < cells.size() ? cells.get(nameColumn).trim() : null;
            add(id, name, where, out, problems);
        }
    }

    private static boolean isHeader(List<String> cells) {
        return cells.stream().anyMatch(c -> ID_KEYS.contains(c.trim().toLowerCase(Locale.ROOT)));
    }

    /** One CSV record's fields, or {@code null} for an unterminated quote. */
    static List<String> csvCells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        cells.add(cell.toString());
        return cells;
    }

    private static String csvField(String value) {
        return value.matches("[^\",\\r\\n]*") && value.equals(value.trim()) ? value
                : "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static void yaml(Path file, String content, List<TargetAccount> out, List<String> problems) {
        String[] lines = content.split("\\R", -1);
        String id = null;
        String name = null;
        String where = null;
        int itemIndent = -1;
        boolean inItem = false;
        boolean topKeySeen = false;
        for (int i = 0; i <= lines.length; i++) {
            String raw = i < lines.length ? stripComment(lines[i]) : "- end";
            if (raw.isBlank() || raw.strip().equals("---")) {
                continue;
            }
            int indent = raw.length() - raw.stripLeading().length();
            String line = raw.strip();
            String here = file + " line " + (i + 1);
            boolean item = line.equals("-") || line.startsWith("- ");
            if (item || i == lines.length) {
                if (inItem) {
                    if (id == null) {
                        problems.add(where + ": the item has no id");
                    } else {
                        add(id, name, where, out, problems);
                    }
                }
                if (i == lines.length) {
                    break;
                }
                if (itemIndent >= 0 && indent != itemIndent) {
                    throw new InvalidInputException(here + ": only a simple YAML list is read (a list of ids, or of "
                            + "maps with id and name)");
                }
                itemIndent = indent;
                inItem = true;
                id = null;
                name = null;
                where = here;
                String rest = line.substring(1).strip();
                if (rest.startsWith("{") && rest.endsWith("}")) {
                    for (String pair : rest.substring(1, rest.length() - 1).split(",")) {
                        String[] kv = keyValue(pair, here);
                        id = pick(kv, ID_KEYS, id);
                        name = pick(kv, NAME_KEYS, name);
                    }
                } else if (rest.contains(": ") || rest.endsWith(":")) {
                    String[] kv = keyValue(rest, here);
                    id = pick(kv, ID_KEYS, id);
                    name = pick(kv, NAME_KEYS, name);
                } else if (!rest.isEmpty()) {
                    id = unquote(rest);
                }
            } else if (inItem && indent > itemIndent && (line.contains(": ") || line.endsWith(":"))) {
                String[] kv = keyValue(line, here);
                id = pick(kv, ID_KEYS, id);
                name = pick(kv, NAME_KEYS, name);
            } else if (!inItem && !topKeySeen && indent == 0 && line.endsWith(":") && !line.contains(" ")) {
                topKeySeen = true; // e.g. "accounts:" above the list
            } else {
                throw new InvalidInputException(here + ": only a simple YAML list is read (a list of ids, or of maps "
                        + "with id and name)");
            }
        }
    }

    private static String[] keyValue(String pair, String where) {
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException(where + ": not a YAML 'key: value'");
        }
        return new String[] {unquote(pair.substring(0, colon).strip()).toLowerCase(Locale.ROOT),
            unquote(pair.substring(colon + 1).strip())};
    }

    private static String pick(String[] kv, Set<String> keys, String current) {
        return keys.contains(kv[0]) && current == null ? kv[1] : current;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
            String inner = s.substring(1, s.length() - 1);
            return s.startsWith("'") ? inner.replace("''", "'") : inner.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return s;
    }

    /** The line without a {@code #} comment (a {@code #} at the start or after a blank, outside quotes). */
    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String firstLine(String content) {
        for (String line : content.split("\\R")) {
            String s = stripComment(line).trim();
            if (!s.isEmpty()) {
                return s;
            }
        }
        return "";
    }

    private static void add(String id, String name, String where, List<TargetAccount> out, List<String> problems) {
        if (TargetAccount.ID.matcher(id).matches()) {
            out.add(new TargetAccount(id, name));
        } else {
            problems.add(where + ": not a 12-digit AWS account id: '" + abbreviate(id) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
