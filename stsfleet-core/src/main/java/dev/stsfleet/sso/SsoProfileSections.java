package dev.stsfleet.sso;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code [profile NAME]} sections of an AWS config file for Identity Center pairs (like aws-sso-util's
 * {@code configure populate}), and their merge into a config file's text that keeps every other byte: a section
 * of the same name is replaced in place (its header line to the next header), the others are appended. Pure
 * functions; thread-safe.
 */
public final class SsoProfileSections {
    private static final Pattern HEADER = Pattern.compile("(?m)^[ \\t]*\\[([^\\]\\r\\n]*)\\][^\\r\\n]*(\\r?\\n|$)");

    private SsoProfileSections() {
    }

    /**
     * The sections, by profile name, in pair order: {@code sso_session} (or the legacy {@code sso_start_url} and
     * {@code sso_region}), {@code sso_account_id}, {@code sso_role_name}, and {@code region} when given.
     */
    public static Map<String, String> render(List<IdentityCenterPortal.AccountRole> pairs,
                                             Function<IdentityCenterPortal.AccountRole, String> nameOf,
                                             SsoSession session, String region) {
        Map<String, String> out = new LinkedHashMap<>();
        for (IdentityCenterPortal.AccountRole p : pairs) {
            String name = nameOf.apply(p);
            StringBuilder b = new StringBuilder("[profile ").append(name).append("]\n");
            if (session.name() != null) {
                b.append("sso_session = ").append(session.name()).append('\n');
            } else {
                b.append("sso_start_url = ").append(session.startUrl()).append('\n')
                        .append("sso_region = ").append(session.region()).append('\n');
            }
            b.append("sso_account_id = ").append(p.accountId()).append('\n')
                    .append("sso_role_name = ").append(p.roleName()).append('\n');
            if (region != null) {
                b.append("region = ").append(region).append('\n');
            }
            out.put(name, b.toString());
        }
        return out;
    }

    /** {@code config} with each section of {@code sections} replacing its namesake, or appended; nothing else changes. */
    public static String merge(String config, Map<String, String> sections) {
        Map<String, String> pending = new LinkedHashMap<>(sections);
        StringBuilder out = new StringBuilder();
        Matcher m = HEADER.matcher(config);
        java.util.List<int[]> starts = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            String title = m.group(1).trim().replaceAll("\\s+", " ");
            starts.add(new int[] {m.start()});
            names.add(title.startsWith("profile ") ? title.substring("profile ".length()).trim() : null);
        }
        out.append(config, 0, starts.isEmpty() ? config.length() : starts.get(0)[0]);
        for (int i = 0; i < starts.size(); i++) {
            int from = starts.get(i)[0];
            int to = i + 1 < starts.size() ? starts.get(i + 1)[0] : config.length();
            String chunk = config.substring(from, to);
            String name = names.get(i);
            if (name != null && pending.containsKey(name)) {
                // The new section, then the blank lines that separated the old one from what follows.
                Matcher trailing = Pattern.compile("(\\r?\\n[ \\t]*)*$").matcher(chunk);
                String tail = trailing.find() ? chunk.substring(trailing.start()) : "";
                int firstBreak = tail.indexOf('\n');
                out.append(pending.remove(name)).append(firstBreak >= 0 ? tail.substring(firstBreak + 1) : "");
            } else {
                out.append(chunk);
            }
        }
        if (!pending.isEmpty()) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            for (String section : pending.values()) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(section);
            }
        }
        return out.toString();
    }
}
