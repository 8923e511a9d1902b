package dev.stsfleet.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The commands under {@code stsfleet}, by name, in the order help lists them, and which of them a command line
 * needs. picocli reads every command class it is given (annotations, fields, their types) when the command line is
 * built; for all of them that was a third of a second before a single-role command started its work. So only the
 * command being run is added, by class name, and its class is loaded then; {@code help}, {@code completion}, no
 * command and an unknown one get them all (they list them, or suggest one).
 */
final class CommandTable {
    private static final String COMMANDS = "dev.stsfleet.cli.command.";
    /** Name to class name. */
    private static final Map<String, String> CLASSES = new LinkedHashMap<>();
    /** Commands that work on the whole tree. */
    private static final Set<String> NEED_ALL = Set.of("help", "completion");
    /**
     * Commands that build an STS client as soon as their arguments are parsed, and its connections: one for the
     * single-role commands (their calls follow each other), a pool for a bulk run (see ClientWarmup).
     */
    private static final Map<String, Integer> STS_CONNECTIONS = Map.of("env", 1, "exec", 1, "credential-process", 1,
            "login", 1, "write", 1, "session-token", 1, "generate", 2);

    static {
        add("generate", COMMANDS + "GenerateCommand");
        add("session-token", COMMANDS + "SessionTokenCommand");
        add("profiles", COMMANDS + "ProfilesCommand");
        add("env", COMMANDS + "EnvCommand");
        add("exec", COMMANDS + "ExecCommand");
        add("write", COMMANDS + "WriteCommand");
        add("credential-process", COMMANDS + "CredentialProcessCommand");
        add("login", COMMANDS + "LoginCommand");
        add("keep-fresh", COMMANDS + "KeepFreshCommand");
        add("serve", COMMANDS + "ServeCommand");
        add("cross-account", COMMANDS + "CrossAccountCommand");
        add("saml", COMMANDS + "SamlCommand");
        add("sso", COMMANDS + "SsoCommand");
        add("status", COMMANDS + "StatusCommand");
        add("clear", COMMANDS + "ClearCommand");
        add("demo", COMMANDS + "DemoCommand");
        add("sandbox", COMMANDS + "SandboxCommand");
        add("completion", COMMANDS + "CompletionCommand");
        add("help", CommandLine.HelpCommand.class.getName());
    }

    private CommandTable() {
    }

    private static void add(String name, String className) {
        CLASSES.put(name, className);
    }

    /** Every command's name, in help's order. */
    static Set<String> names() {
        return CLASSES.keySet();
    }

    /**
     * Adds to {@code root} the commands {@code args} needs: the one it names, or all of them ({@code args} null,
     * no command, an unknown one, or one that lists the others).
     */
    static void addTo(CommandLine root, String[] args) {
        String only = args == null ? null : named(root, args);
        for (Map.Entry<String, String> e : CLASSES.entrySet()) {
            if (only == null || only.equals(e.getKey())) {
                root.addSubcommand(e.getKey(), load(e.getValue()));
            }
        }
    }

    /** The command {@code args} runs, when it is one that needs no other; {@code null} otherwise. */
    static String named(CommandLine root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-")) {
                return CLASSES.containsKey(a) && !NEED_ALL.contains(a) ? a : null;
            }
            if (a.equals("--") || a.startsWith("--") && a.contains("=")) {
                if (a.equals("--")) {
                    return null;
                }
                continue;
            }
            OptionSpec option = root.getCommandSpec().findOption(a);
            if (option == null) {
                return null; // picocli reports it, with the whole tree at hand
            }
            if (option.arity().max() > 0) {
                i++;
            }
        }
        return null;
    }

    /**
     * The connections of the STS client the command {@code args} names will build, or 0 when it builds none soon,
     * only prints help, or logs ({@code --debug}: logging is configured from the parsed options, and the SDK's
     * classes create their loggers as they load). Read before picocli is: the first argument that is a command's
     * name counts.
     */
    static int stsConnections(String[] args) {
        int connections = 0;
        boolean named = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help") || a.equals("--debug") || a.equals("--")) {
                return a.equals("--") ? connections : 0;
            }
            if (FastPath.VALUE_OPTIONS.contains(a)) {
                i++;
            } else if (!named && CLASSES.containsKey(a)) {
                named = true;
                connections = STS_CONNECTIONS.getOrDefault(a, 0);
            }
        }
        return connections;
    }

    private static Class<?> load(String className) {
        try {
            return Class.forName(className, false, CommandTable.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("stsfleet is missing its command class " + className, e);
        }
    }
}
