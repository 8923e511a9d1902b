package dev.stsfleet.cli.command;

import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints a completion script for bash, zsh or fish, made from the command tree itself (every command, its
 * options, which arguments are profile names). Profile names are read when TAB is pressed, by the shell from
 * the AWS config and credentials files ({@code AWS_CONFIG_FILE}, {@code AWS_SHARED_CREDENTIALS_FILE}), so the
 * list is always current and no JVM starts on a TAB.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Prints a shell completion script.",
        description = {"Prints a shell completion script: commands, options, and profile names from the AWS config.",
            "Makes no AWS call."},
        footer = {"", "Examples:",
            "  source <(stsfleet completion bash)             # in ~/.bashrc",
            "  source <(stsfleet completion zsh)              # in ~/.zshrc",
            "  stsfleet completion fish > ~/.config/fish/completions/stsfleet.fish"})
public final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is made for. */
    enum Shell { bash, zsh, fish }

    private final CommandContext cli;

    public CompletionCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
    private Shell shell;

    @Override
    public Integer call() {
        Output output = Output.of(spec.commandLine(), cli);
        CommandSpec top = spec.root();
        output.stdout().print(shell == Shell.fish ? fish(top) : bash(top, shell == Shell.zsh));
        output.flush();
        return ExitCode.OK;
    }

    /** Section names of the AWS files, as a shell reads them: {@code [profile x]} and {@code [x]}. */
    private static final String PROFILES_AWK = "awk '/^[ \\t]*\\[/ { s = $0; sub(/^[ \\t]*\\[[ \\t]*/, \"\", s);"
            + " sub(/[ \\t]*\\].*$/, \"\", s); if (s ~ /^profile[ \\t]/) { sub(/^profile[ \\t]+/, \"\", s); print s }"
            + " else if (s !~ /[ \\t]/ && s != \"\") print s }'";

    static String bash(CommandSpec top, boolean zsh) {
        String name = top.name();
        String fn = "_" + name.replace('-', '_');
        StringBuilder s = new StringBuilder();
        s.append("# ").append(name).append(" completion for ").append(zsh ? "zsh" : "bash")
                .append(": source <(").append(name).append(" completion ").append(zsh ? "zsh" : "bash").append(")\n");
        if (zsh) {
            s.append("(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n");
            s.append("autoload -U +X bashcompinit && bashcompinit\n");
        }
        s.append(fn).append("_profiles() {\n")
                .append("  local f\n")
                .append("  for f in \"${AWS_CONFIG_FILE:-$HOME/.aws/config}\" \"${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}\"; do\n")
                .append("    [ -r \"$f\" ] && ").append(PROFILES_AWK).append(" \"$f\"\n")
                .append("  done | sort -u\n")
                .append("}\n");
        s.append(fn).append("() {\n")
                .append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" path=\"\" w i skip=0 dashdash=0 args=0\n")
                .append("  COMPREPLY=()\n")
                .append("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
                .append("    w=\"${COMP_WORDS[i]}\"\n")
                .append("    if ((skip)); then skip=0; continue; fi\n")
                .append("    case \"$w\" in\n")
                .append("      --) dashdash=1; break ;;\n");
        Set<String> valued = new LinkedHashSet<>();
        Set<String> profileValued = new LinkedHashSet<>();
        for (CommandSpec c : tree(top)) {
            for (OptionSpec o : c.options()) {
                if (o.arity().max() > 0) {
                    valued.addAll(List.of(o.names()));
                    if (profileValued(o)) {
                        profileValued.addAll(List.of(o.names()));
                    }
                }
            }
        }
        if (!valued.isEmpty()) {
            s.append("      ").append(String.join("|", valued)).append(") skip=1 ;;\n");
        }
        s.append("      -*) ;;\n")
                .append("      *) ((args)) || case \"$path $w\" in\n");
        for (CommandSpec c : tree(top)) {
            if (c != top) {
                s.append("           \"").append(path(c)).append("\") path=\"").append(path(c)).append("\" ;;\n");
            }
        }
        s.append("           *) args=1 ;;\n")
                .append("         esac ;;\n")
                .append("    esac\n")
                .append("  done\n")
                .append("  if ((dashdash)); then COMPREPLY=($(compgen -c -- \"$cur\")); return; fi\n");
        if (!profileValued.isEmpty()) {
            s.append("  case \"$prev\" in\n")
                    .append("    ").append(String.join("|", profileValued)).append(") COMPREPLY=($(compgen -W \"$(")
                    .append(fn).append("_profiles)\" -- \"$cur\")); return ;;\n");
            Set<String> otherValued = new LinkedHashSet<>(valued);
            otherValued.removeAll(profileValued);
            if (!otherValued.isEmpty()) {
                s.append("    ").append(String.join("|", otherValued)).append(") return ;;\n");
            }
            s.append("  esac\n");
        }
        s.append("  local words=\"\" opts=\"\" profiles=0\n")
                .append("  case \"$path\" in\n");
        for (CommandSpec c : tree(top)) {
            List<String> words = new ArrayList<>();
            c.subcommands().values().forEach(sub -> {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                    words.add(sub.getCommandName());
                }
            });
            boolean profiles = takesProfiles(c);
            s.append("    \"").append(c == top ? "" : path(c)).append("\") words=\"")
                    .append(String.join(" ", words)).append("\"; opts=\"").append(String.join(" ", optionNames(c)))
                    .append("\"").append(profiles ? "; profiles=1" : "").append(" ;;\n");
        }
        s.append("  esac\n")
                .append("  if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return; fi\n")
                .append("  if ((profiles)); then words=\"$words $(").append(fn).append("_profiles)\"; fi\n")
                .append("  [ -n \"$words\" ] && COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n")
                .append("}\n")
                .append("complete -o default -F ").append(fn).append(' ').append(name).append('\n');
        return s.toString();
    }

    static String fish(CommandSpec top) {
        String name = top.name();
        String fn = "__" + name.replace('-', '_');
        StringBuilder s = new StringBuilder();
        s.append("# ").append(name).append(" completion for fish: ").append(name)
                .append(" completion fish > ~/.config/fish/completions/").append(name).append(".fish\n");
        s.append("function ").append(fn).append("_profiles\n")
                .append("    set -l files ~/.aws/config ~/.aws/credentials\n")
                .append("    set -q AWS_CONFIG_FILE; and set files[1] $AWS_CONFIG_FILE\n")
                .append("    set -q AWS_SHARED_CREDENTIALS_FILE; and set files[2] $AWS_SHARED_CREDENTIALS_FILE\n")
                .append("    for f in $files\n")
                .append("        test -r $f; and ").append(PROFILES_AWK).append(" $f\n")
                .append("    end | sort -u\n")
                .append("end\n");
        s.append("complete -c ").append(name).append(" -f\n");
        for (CommandSpec c : tree(top)) {
            String condition = c == top ? "__fish_use_subcommand"
                    : "__fish_seen_subcommand_from " + c.name();
            for (OptionSpec o : c.options()) {
                if (o.hidden() || (c != top && o.inherited())) {
                    continue;
                }
                s.append("complete -c ").append(name).append(" -n '").append(condition).append("'");
                for (String n : o.names()) {
                    s.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
                }
                if (o.arity().max() > 0) {
                    s.append(profileValued(o) ? " -x -a '(" + fn + "_profiles)'" : " -r");
                }
                s.append(" -d ").append(fishQuote(summary(o.description()))).append('\n');
            }
            if (c != top && takesProfiles(c)) {
                s.append("complete -c ").append(name).append(" -n '").append(condition).append("' -a '(")
                        .append(fn).append("_profiles)'\n");
            }
            c.subcommands().values().forEach(sub -> {
                CommandSpec ss = sub.getCommandSpec();
                if (!ss.usageMessage().hidden() && c == top) {
                    s.append("complete -c ").append(name).append(" -n '").append(condition).append("' -a ")
                            .append(ss.name()).append(" -d ").append(fishQuote(summary(ss.usageMessage().description())))
                            .append('\n');
                }
            });
        }
        return s.toString();
    }

    /** Every command of the tree, parents first. */
    private static List<CommandSpec> tree(CommandSpec top) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(top);
        for (int i = 0; i < all.size(); i++) {
            for (var sub : all.get(i).subcommands().values()) {
                CommandSpec c = sub.getCommandSpec();
                if (!all.contains(c) && !c.usageMessage().hidden()) {
                    all.add(c);
                }
            }
        }
        return all;
    }

    /** The words after the command's own name that select {@code c}, e.g. {@code " saml generate"}. */
    private static String path(CommandSpec c) {
        String p = "";
        for (CommandSpec at = c; at.parent() != null; at = at.parent()) {
            p = " " + at.name() + p;
        }
        return p;
    }

    private static List<String> optionNames(CommandSpec c) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : c.options()) {
            if (!o.hidden()) {
                names.addAll(List.of(o.names()));
            }
        }
        return names;
    }

    private static boolean takesProfiles(CommandSpec c) {
        for (PositionalParamSpec p : c.positionalParameters()) {
            if (p.paramLabel().contains("PROFILE")) {
                return true;
            }
        }
        return false;
    }

    private static boolean profileValued(OptionSpec o) {
        return o.paramLabel().contains("PROFILE") || List.of(o.names()).contains("--profile");
    }

    private static String summary(String[] description) {
        if (description.length == 0) {
            return "";
        }
        String first = description[0];
        int stop = first.indexOf(". ");
        return (stop > 0 ? first.substring(0, stop + 1) : first).replaceAll("%n", " ").strip();
    }

    private static String fishQuote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
