package dev.stsfleet.cli.command;

import dev.stsfleet.cli.UsageException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --name-format} of an account run: the key of each entry from {@code {account_id}},
 * {@code {account_name}} (the id when the account has no known name) and {@code {role}}. Characters outside
 * {@code [A-Za-z0-9_.@+=,-]} (what a profile or section name safely holds) become {@code -}. Immutable.
 */
final class KeyTemplate {
    static final String DEFAULT = "sts-{account_id}-{role}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.@+=,-]");
    private final String template;

    /** @throws UsageException for an unknown placeholder, a stray brace or no {@code {account_id}}/{@code {account_name}} */
    KeyTemplate(String template) {
        this.template = template == null ? DEFAULT : template;
        Matcher m = PLACEHOLDER.matcher(this.template);
        boolean account = false;
        while (m.find()) {
            switch (m.group(1)) {
                case "account_id", "account_name" -> account = true;
                case "role" -> { }
                default -> throw new UsageException("--name-format: unknown placeholder {" + m.group(1)
                        + "}; use {account_id}, {account_name} or {role}");
            }
        }
        if (m.reset().replaceAll("").matches(".*[{}].*")) {
            throw new UsageException("--name-format: a '{' or '}' outside a placeholder in '" + this.template + "'");
        }
        if (!account) {
            throw new UsageException("--name-format must contain {account_id} or {account_name}, or every entry gets one key");
        }
    }

    String key(String accountId, String accountName, String role) {
        String key = template.replace("{account_id}", accountId)
                .replace("{account_name}", accountName == null ? accountId : accountName)
                .replace("{role}", role);
        return UNSAFE.matcher(key).replaceAll("-");
    }
}
