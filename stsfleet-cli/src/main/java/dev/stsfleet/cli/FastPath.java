package dev.stsfleet.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Answers {@code credential-process}, {@code env} and {@code exec} from a memo of their last answer, before
 * picocli, the SDK or Jackson is loaded. The AWS CLI runs a {@code credential_process} before every call it
 * makes, and people type {@code eval "$(stsfleet env prod)"} and {@code stsfleet exec prod -- ...} many times a
 * day, so start-up is paid each time. For {@code exec} the memo holds the role's variables (not the child
 * command, which may differ from call to call) and the child is started here, by the same {@link ChildProcess}
 * the full command uses.
 *
 * <p>This class decides the memo: its format, its file name ({@link #memoName}) and what makes it valid. The
 * launcher reads the same memos before any JVM starts ({@code bin/memo.bash}, held to the same answers by
 * MemoLauncherTest), which is why every rule is one a shell can follow: names made of the arguments, files
 * fingerprinted by what {@code cksum} prints, the last second to serve written down ({@code until}).
 *
 * <p>A memo holds exactly what the full command printed, with everything that decided it: the
 * arguments, the working directory, the environment variables that can change the answer, and the checksum and
 * size of every file the answer came from: the AWS config and credentials files and the credential cache entry.
 * It answers only while all of these are unchanged and more than {@link #MARGIN} of the credentials' life
 * remains (the cache's own rule), so it never says anything the full command would not; otherwise the full
 * command runs and writes a new memo. A memo holds the same secrets as the cache entry and is protected the same
 * way (0600 in a 0700 directory, written atomically, ignored if others may read or change it).
 *
 * <p>Only {@code java.base} is used here, and neither lambdas nor {@code +} on strings: each would spin
 * method-handle classes at run time, which costs a hit more than everything else it does.
 */
public final class FastPath {
    /** Served only while more than this remains: the same margin as the credential cache's. */
    public static final Duration MARGIN = Duration.ofSeconds(dev.stsfleet.refresh.Freshness.CACHE_MARGIN_SECONDS);
    /** Where memos live in the state directory. */
    public static final String SUBDIRECTORY = "cache/answers";
    private static final String MAGIC = "stsfleet-memo 2\n";
    /** The commands a memo can answer. */
    private static final Set<String> COMMANDS = Set.of("credential-process", "env", "exec");
    private static final String EXEC = "exec";
    /** Arguments after which the full command must run: it prompts, logs, bypasses the cache or explains. */
    private static final Set<String> FULL_RUN_FLAGS = Set.of("--no-cache", "--refresh", "--debug", "--mfa-code",
            "-h", "--help", "-V", "--version");
    /** Options (global or of these commands) that take the next argument as their value. */
    static final Set<String> VALUE_OPTIONS = Set.of("--profile", "--region", "--endpoint-url",
            "--call-timeout", "--connect-timeout", "--config-file", "--credentials-file", "--cache-dir", "--shell");
    /** Where a child that cannot be started is reported, as the full command would. */
    private static final ChildProcess.Problems STDERR = new StderrProblems();

    private FastPath() {
    }

    /**
     * Writes the memoised answer for this invocation to {@code out} ({@code credential-process} and {@code env}).
     *
     * @return whether it answered; never throws (any problem means the full command runs)
     */
    static boolean answer(List<String> args, Map<String, String> env, Path cwd, Clock clock, OutputStream out) {
        Invocation call = Invocation.parse(args);
        if (call == null || call.child != null) {
            return false;
        }
        String text = lookup(call, env, cwd, clock);
        if (text == null) {
            return false;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Answers this invocation from its memo if there is a valid one: prints the answer, or for {@code exec} runs
     * the child with the memoised variables.
     *
     * @return the exit code, or -1 when there is no valid memo and the full command must run
     */
    static int run(List<String> args, Map<String, String> env, Path cwd, Clock clock, OutputStream out) {
        Invocation call = Invocation.parse(args);
        if (call == null) {
            return -1;
        }
        if (call.child == null) {
            return answer(args, env, cwd, clock, out) ? 0 : -1;
        }
        String text = lookup(call, env, cwd, clock);
        Map<String, String> variables = text == null ? null : variables(text);
        if (variables == null) {
            return -1;
        }
        return ChildProcess.run(call.child, env, variables, STDERR);
    }

    /** The memoised answer of {@code call}, or {@code null} when there is none or anything it came from changed. */
    private static String lookup(Invocation call, Map<String, String> env, Path cwd, Clock clock) {
        try {
            String key = key(call.keyArgs, env, cwd);
            Path memo = memoFile(call.keyArgs, env, cwd, key);
            String text;
            try {
                if (!privateRegularFile(memo)) {
                    return null;
                }
                text = new String(Files.readAllBytes(memo), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return null;
            }
            String head = MAGIC.concat(key);
            if (!text.startsWith(head)) {
                return null;
            }
            int at = head.length();
            Instant until = null;
            String kind = null;
            while (true) {
                int end = text.indexOf('\n', at);
                if (end < 0) {
                    return null;
                }
                String line = text.substring(at, end);
                at = end + 1;
                if (line.equals("output")) {
                    break;
                }
                String[] f = line.split("\t", -1);
                if (f[0].equals("file") && f.length == 3) {
                    if (!f[2].equals(fingerprint(Path.of(unescape(f[1]))))) {
                        return null;
                    }
                } else if (f[0].equals("until") && f.length == 2) {
                    until = Instant.ofEpochSecond(Long.parseLong(f[1]));
                } else if (f[0].equals("kind") && f.length == 2) {
                    kind = f[1];
                } else if (!(f[0].equals("unset") && f.length == 2)) {
                    return null;
                }
            }
            if (until == null || !clock.instant().isBefore(until) || !kindOf(call).equals(kind)) {
                return null;
            }
            return text.substring(at);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** An {@code exec} memo's variables ({@code NAME=VALUE} lines), or {@code null} if it is malformed. */
    private static Map<String, String> variables(String text) {
        Map<String, String> out = new TreeMap<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                return null;
            }
            String line = text.substring(at, end);
            at = end + 1;
            int eq = line.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            out.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * What {@code exec} hands its child, as an {@code exec} memo's output: {@code NAME=VALUE} lines, escaped.
     */
    public static String variablesText(Map<String, String> variables) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
            out.append(e.getKey()).append('=').append(escape(e.getValue())).append('\n');
        }
        return out.toString();
    }

    /**
     * Records an answer just given ({@code credential-process}, {@code env}: what was printed; {@code exec}: the
     * variables, see {@link #variablesText}), so the next identical call can be answered without the full
     * start-up. Best effort: a failure only costs the next call its speed.
     *
     * @param args       the command line as given
     * @param env        the environment the command read
     * @param cwd        the working directory (relative paths in arguments or variables depend on it)
     * @param filesRead  every file the answer came from (profile files, the cache entry); absent ones too
     * @param expiration when the credentials in {@code output} expire
     * @param output     exactly what was printed
     * @param store      writes the memo (0600, atomically, in a private directory), given its path
     */
    public static void remember(List<String> args, Map<String, String> env, Path cwd, List<Path> filesRead,
                                Instant expiration, String output, MemoWriter store) {
        Invocation call = Invocation.parse(args);
        if (call == null) {
            return;
        }
        try {
            String key = key(call.keyArgs, env, cwd);
            StringBuilder memo = new StringBuilder(MAGIC).append(key);
            memo.append("kind\t").append(kindOf(call)).append('\n');
            if (call.child != null) {
                for (String name : ChildProcess.REMOVED) {
                    memo.append("unset\t").append(name).append('\n');
                }
            }
            for (Path file : filesRead) {
                memo.append("file\t").append(escape(file.toAbsolutePath().toString())).append('\t')
                        .append(fingerprint(file)).append('\n');
            }
            memo.append("until\t").append(expiration.minus(MARGIN).getEpochSecond()).append('\n');
            memo.append("output\n").append(output);
            store.write(memoFile(call.keyArgs, env, cwd, key), memo.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // Nothing lost: the memo only saves time.
        }
    }

    /**
     * Deletes every memo in {@code state} (each holds the credentials it answers with; the next command makes
     * its own again from the cache); returns how many there were.
     */
    public static int forgetAll(dev.stsfleet.store.StateDirectory state) {
        Path dir = state.root().resolve(SUBDIRECTORY);
        List<Path> memos;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            memos = files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new dev.stsfleet.InvalidInputException("cannot list " + dir + ": " + e.getMessage());
        }
        memos.forEach(state::delete);
        return memos.size();
    }

    /** Writes a memo file; {@link dev.stsfleet.store.StateDirectory} in production. */
    @FunctionalInterface
    public interface MemoWriter {
        void write(Path file, byte[] content) throws IOException;
    }

    /** The state directory's memo folder, found by the full command's rule ({@code --cache-dir}, else
     *  {@code STSFLEET_HOME}, else {@code $HOME/.stsfleet}). */
    private static Path memoFile(List<String> args, Map<String, String> env, Path cwd, String key) {
        String dir = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--cache-dir") && i + 1 < args.size()) {
                dir = args.get(i + 1);
            } else if (a.startsWith("--cache-dir=")) {
                dir = a.substring("--cache-dir=".length());
            }
        }
        Path root;
        if (dir != null) {
            root = cwd.resolve(dir);
        } else if (nonEmpty(env.get("STSFLEET_HOME"))) {
            root = cwd.resolve(env.get("STSFLEET_HOME"));
        } else {
            String home = nonEmpty(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
            root = Path.of(home, ".stsfleet");
        }
        return root.toAbsolutePath().normalize().resolve(SUBDIRECTORY).resolve(memoName(args, key));
    }

    /** Longest memo name made from the arguments; longer lines get a hashed name (and no launcher answer). */
    private static final int MAX_NAME = 240;
    private static final String HEX = "0123456789ABCDEF";

    /**
     * A memo's file name: the arguments, each with every byte outside {@code [A-Za-z0-9._=,:@+_-]} written
     * {@code %XX}, joined by spaces, then {@code .memo}; so the launcher finds it before the JVM starts
     * ({@code bin/memo.bash} applies the same rule). Names that would be too long are a hash of the key, found by
     * this class only. Two lines whose arguments are the same share a memo (the key inside tells them apart).
     */
    static String memoName(List<String> args, String key) {
        StringBuilder name = new StringBuilder();
        for (String arg : args) {
            if (name.length() > 0) {
                name.append(' ');
            }
            for (byte b : arg.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || ".=,:@+-_".indexOf(c) >= 0) {
                    name.append((char) c);
                } else {
                    name.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 15));
                }
            }
        }
        if (name.length() <= MAX_NAME) {
            return name.append(".memo").toString();
        }
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return new StringBuilder("#").append(Long.toHexString(crc.getValue())).append(".memo").toString();
    }

    private static String kindOf(Invocation call) {
        return call.child == null ? "print" : "exec";
    }

    static boolean eligible(List<String> args) {
        return Invocation.parse(args) != null;
    }

    /**
     * The parts of a command line a memo depends on: for {@code exec}, everything up to PROFILE (the child
     * command after it is not part of the answer); otherwise the whole line. {@code null} when no memo may
     * answer it: another command, or a flag after which the full command must run.
     */
    private static final class Invocation {
        final List<String> keyArgs;
        final List<String> child;

        private Invocation(List<String> keyArgs, List<String> child) {
            this.keyArgs = keyArgs;
            this.child = child;
        }

        static Invocation parse(List<String> args) {
            int i = skipOptions(args, 0);
            if (i < 0 || i >= args.size() || !COMMANDS.contains(args.get(i))) {
                return null;
            }
            if (!args.get(i).equals(EXEC)) {
                return noFullRunFlag(args, i + 1) ? new Invocation(args, null) : null;
            }
            int profile = skipOptions(args, i + 1);
            if (profile < 0 || profile >= args.size()) {
                return null;
            }
            List<String> child = new java.util.ArrayList<>(args.subList(profile + 1, args.size()));
            if (!child.isEmpty() && child.get(0).startsWith("-") && !child.get(0).equals("--")) {
                return null; // options between PROFILE and the command are stsfleet's: the full command parses them
            }
            if (!child.isEmpty() && child.get(0).equals("--")) {
                child.remove(0);
            }
            if (child.isEmpty() || child.get(0).isEmpty()) {
                return null;
            }
            return new Invocation(args.subList(0, profile + 1), child);
        }

        /** The index of the first word that is not an option (or an option's value); -1 for a full-run flag. */
        private static int skipOptions(List<String> args, int from) {
            int i = from;
            while (i < args.size()) {
                String a = args.get(i);
                if (a.equals("--")) {
                    return -1;
                }
                if (!a.startsWith("-")) {
                    return i;
                }
                if (fullRun(a)) {
                    return -1;
                }
                i += VALUE_OPTIONS.contains(a) ? 2 : 1;
            }
            return i;
        }

        /** Whether no full-run flag follows. */
        private static boolean noFullRunFlag(List<String> args, int from) {
            for (int i = from; i < args.size(); i++) {
                if (fullRun(args.get(i))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean fullRun(String a) {
            int eq = a.indexOf('=');
            return FULL_RUN_FLAGS.contains(eq > 0 ? a.substring(0, eq) : a);
        }
    }

    private static final class StderrProblems implements ChildProcess.Problems {
        @Override
        public void problem(String line) {
            System.err.println(line);
        }
    }

    /**
     * What the answer depends on besides files: arguments, working directory and variables. Variables
     * whose values are secrets are recorded as set or not, never by value: the cache key of the full
     * command does not depend on their values either.
     */
    private static String key(List<String> args, Map<String, String> env, Path cwd) {
        StringBuilder k = new StringBuilder();
        for (String a : args) {
            k.append("arg\t").append(escape(a)).append('\n');
        }
        k.append("cwd\t").append(escape(cwd.toAbsolutePath().toString())).append('\n');
        Map<String, String> relevant = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name.equals("HOME") || name.startsWith("AWS_") || name.startsWith("STSFLEET_")) {
                relevant.put(name, secretName(name) ? "(set)" : e.getValue());
            }
        }
        for (Map.Entry<String, String> e : relevant.entrySet()) {
            k.append("env\t").append(escape(e.getKey())).append('\t').append(escape(e.getValue())).append('\n');
        }
        return k.toString();
    }

    private static boolean secretName(String name) {
        return name.contains("SECRET") || name.contains("TOKEN") || name.contains("PASSWORD")
                || name.contains("MFA_CODE") || name.equals("AWS_ACCESS_KEY_ID");
    }

    /**
     * What {@code cksum FILE} prints before the name (the POSIX checksum of the content, and its size), so the
     * launcher checks a file with the same tool; "absent" for a missing file.
     */
    static String fingerprint(Path file) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return "absent";
        }
        return new StringBuilder().append(PosixCksum.of(content)).append(' ').append(content.length).toString();
    }

    private static boolean privateRegularFile(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
        }
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> p = a.permissions();
        return a.isRegularFile() && a.owner().getName().equals(System.getProperty("user.name"))
                && !p.contains(PosixFilePermission.GROUP_WRITE)
                && !p.contains(PosixFilePermission.OTHERS_WRITE) && !p.contains(PosixFilePermission.GROUP_READ)
                && !p.contains(PosixFilePermission.OTHERS_READ);
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
