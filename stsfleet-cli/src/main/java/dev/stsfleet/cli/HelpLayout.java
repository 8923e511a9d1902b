package dev.stsfleet.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.stsfleet.cli.option.AccountList;
import dev.stsfleet.cli.option.CacheOptions;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.cli.option.FormatOption;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.ProfileSelection;
import dev.stsfleet.cli.option.RequestOptionsMixin;
import dev.stsfleet.cli.option.RoleSessionDuration;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How every command's help reads, decided in one place for the whole tree: a description is whole paragraphs
 * wrapped to the width (however its source lines were broken; an empty line starts a new paragraph), the
 * command list shows each command's first whole sentence, and options come in groups (selection, output,
 * session, request, then the global ones) named by {@link #GROUPS}.
 */
final class HelpLayout {
    /**
     * Each group's heading and the long names of the options a command declares itself that belong to it; options
     * of a mixin go where {@link #MIXIN_GROUPS} says, options named nowhere under "Options".
     */
    static final Map<String, List<String>> GROUPS = groups();

    /** The group of every option of a shared mixin, whichever command it is mixed into. */
    static final Map<Class<?>, String> MIXIN_GROUPS = Map.of(
            ProfileSelection.class, "Selection",
            AccountList.class, "Selection",
            FormatOption.class, "Output",
            MfaOptions.class, "Session",
            CacheOptions.class, "Session",
            RoleSessionDuration.class, "Request",
            RequestOptionsMixin.class, "Request",
            ConcurrencyOptions.class, "Request");

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("Selection", List.of("--file", "--base-profile", "--role", "--organization", "--ou", "--account-tag",
                "--exclude", "--include-management", "--sso-session", "--account", "--all-accounts", "--all-roles"));
        g.put("Output", List.of("--format", "--shell", "--as", "--as-prefix", "--name-format", "--save-accounts",
                "--dry-run", "--open", "--destination", "--issuer", "--signin-endpoint", "--verify", "--prune",
                "--port"));
        g.put("Session", List.of("--lifetime", "--password-stdin", "--idp-url", "--user", "--idp-auth", "--login",
                "--header", "--idp-ca-file", "--use-device-code"));
        g.put("Request", List.of("--duration", "--external-id", "--session-name", "--concurrency",
                "--throttle-control", "--sts-regions"));
        return g;
    }

    private HelpLayout() {
    }

    /** Installs the layout on {@code root} and every command under it. */
    static void apply(CommandLine root) {
        // Usage first, then the one-line summary (the header), then the rest in picocli's order.
        List<String> keys = new ArrayList<>(root.getHelpSectionKeys());
        keys.removeAll(List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
        int at = keys.indexOf(UsageMessageSpec.SECTION_KEY_SYNOPSIS) + 1;
        keys.addAll(at, List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
        root.setHelpSectionKeys(keys);
        root.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, HelpLayout::description);
        root.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::options);
        root.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commands);
        root.getSubcommands().values().forEach(HelpLayout::apply);
    }

    private static String description(Help help) {
        String[] lines = help.commandSpec().usageMessage().description();
        if (lines.length == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String paragraph : paragraphs(lines)) {
            out.append(paragraph.startsWith("  ") ? paragraph + "\n"
                    : wrap(paragraph, help.commandSpec().usageMessage().width(), ""));
        }
        return out.toString();
    }

    /**
     * The source lines joined into paragraphs: an empty line separates two; a line indented by two spaces (a
     * command, a config excerpt) stays a line of its own, as written.
     */
    static List<String> paragraphs(String[] lines) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder p = new StringBuilder();
        for (String line : lines) {
            boolean verbatim = line.startsWith("  ");
            if (line.isBlank() || verbatim) {
                if (p.length() > 0) {
                    paragraphs.add(p.toString());
                    p.setLength(0);
                }
                if (verbatim) {
                    paragraphs.add(line.stripTrailing());
                }
                continue;
            }
            if (p.length() > 0) {
                p.append(' ');
            }
            p.append(line.strip());
        }
        if (p.length() > 0) {
            paragraphs.add(p.toString());
        }
        return paragraphs;
    }

    /** What the list of commands says of one: its header (a one-line summary), else its first whole sentence. */
    static String summary(CommandSpec command) {
        String[] header = command.usageMessage().header();
        if (header.length > 0) {
            return String.join(" ", header).strip();
        }
        List<String> paragraphs = paragraphs(command.usageMessage().description());
        if (paragraphs.isEmpty()) {
            return "";
        }
        String first = paragraphs.get(0).strip();
        int i = 0;
        while ((i = first.indexOf(". ", i)) >= 0) {
            // "e.g. x" and "i.e. x" do not end a sentence.
            if (!first.substring(0, i + 1).endsWith("e.g.") && !first.substring(0, i + 1).endsWith("i.e.")) {
                return first.substring(0, i + 1);
            }
            i++;
        }
        return first;
    }

    private static String commands(Help help) {
        Map<String, Help> subs = help.subcommands();
        if (subs.isEmpty()) {
            return "";
        }
        int width = help.commandSpec().usageMessage().width();
        int column = 2 + subs.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Help> e : subs.entrySet()) {
            CommandSpec sub = e.getValue().commandSpec();
            if (sub.usageMessage().hidden()) {
                continue;
            }
            String text = summary(sub);
            String head = "  " + e.getKey() + " ".repeat(column - 2 - e.getKey().length());
            String wrapped = wrap(text, width - column, " ".repeat(column));
            out.append(head).append(wrapped.substring(column));
        }
        return out.toString();
    }

    private static String options(Help help) {
        List<OptionSpec> all = help.commandSpec().options().stream().filter(o -> !o.hidden()).toList();
        Map<String, List<OptionSpec>> grouped = new LinkedHashMap<>();
        GROUPS.keySet().forEach(k -> grouped.put(k, new ArrayList<>()));
        grouped.put("Options", new ArrayList<>());
        grouped.put("Global options", new ArrayList<>());
        Map<OptionSpec, String> fromMixins = mixinGroups(help.commandSpec());
        for (OptionSpec o : all) {
            grouped.get(fromMixins.getOrDefault(o, groupOf(o))).add(o);
        }
        StringBuilder out = new StringBuilder();
        grouped.forEach((heading, options) -> {
            if (!options.isEmpty()) {
                out.append(out.length() > 0 || !help.commandSpec().positionalParameters().isEmpty() ? "\n" : "")
                        .append(heading).append(":\n").append(help.optionListExcludingGroups(options));
            }
        });
        return out.toString();
    }

    /** The options {@code command} has from a mixin of {@link #MIXIN_GROUPS}, with the mixin's group. */
    private static Map<OptionSpec, String> mixinGroups(CommandSpec command) {
        Map<OptionSpec, String> groups = new java.util.IdentityHashMap<>();
        for (CommandSpec mixin : command.mixins().values()) {
            String group = MIXIN_GROUPS.get(mixin.userObject().getClass());
            if (group != null) {
                for (OptionSpec o : mixin.options()) {
                    OptionSpec mixed = command.findOption(o.longestName());
                    if (mixed != null) {
                        groups.put(mixed, group);
                    }
                }
            }
        }
        return groups;
    }

    private static String groupOf(OptionSpec o) {
        if (o.inherited() || o.usageHelp() || o.versionHelp()
                || (o.scopeType() == CommandLine.ScopeType.INHERIT && o.command().parent() == null)) {
            return "Global options";
        }
        for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
            if (g.getValue().contains(o.longestName())) {
                return g.getKey();
            }
        }
        return "Options";
    }

    /** {@code text} wrapped at {@code width}, each line after the first indented by {@code indent}. */
    private static String wrap(String text, int width, String indent) {
        StringBuilder out = new StringBuilder(indent);
        int lineLength = 0;
        for (String word : text.split(" +")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n').append(indent);
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.append('\n').toString();
    }
}
