package dev.stsfleet.cli;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.store.AtomicFiles;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The workload the launcher ({@code bin/stsfleet}) records its class archive from, once per build: the JVM
 * keeps the classes this run loads (and, from JDK 25, links) so that later starts find them ready. It runs the
 * commands people type most, in-process, against the sandbox in a child process on 127.0.0.1 (so that the
 * sandbox's own classes stay out of the archive: every class in it is loaded at each start) with a throwaway
 * AWS config and HOME: for one role {@code env} cold, cached and answered from the memo, {@code exec} and
 * {@code credential-process}; then {@code generate} of twelve roles over the pooled HTTP client. Nothing of
 * the user's is read or written; nothing is printed. Exit 0 when every step answered as expected, 1 otherwise
 * (the launcher then keeps no archive).
 */
public final class ArchiveTraining {
    private static final int ROLES = 12;
    private static final String SOURCE = "training-user";
    private static final String ROLE_ARN = "arn:aws:iam::444444444444:role/Audit";
    private static final String EXTERNAL_ID = "audit-external-id";
    private static final Duration SANDBOX_START = Duration.ofSeconds(30);

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream realOut = System.out;
        // Commands that print through System.out (the memo reader) print into nothing.
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        List<String> failures = new ArrayList<>();
        Process sandbox = startSandbox();
        try (PrivateTempDirectory temp = PrivateTempDirectory.create("stsfleet-training-")) {
            Map<String, String> env = environment(temp.path(), endpoint(sandbox));
            run(failures, env, "env", "--no-cache", "role-0");
            run(failures, env, "env", "role-0");
            run(failures, env, "env", "role-0");
            run(failures, env, "exec", "--no-cache", "role-1", "--", "true");
            run(failures, env, "credential-process", "role-2");
            run(failures, env, "generate", "--format", "json", "--all");
            int memo = FastPath.run(List.of("env", "role-0"), env, Path.of("").toAbsolutePath(), Clock.systemUTC(),
                    System.out);
            if (memo != 0) {
                failures.add("the memo of 'env role-0' did not answer");
            }
        } finally {
            sandbox.destroy();
            sandbox.waitFor(5, TimeUnit.SECONDS);
            sandbox.destroyForcibly();
            System.setOut(realOut);
        }
        if (!failures.isEmpty()) {
            System.err.println("stsfleet: archive training: " + String.join("; ", failures));
            System.exit(1);
        }
    }

    /** The built-in sandbox on a free loopback port, run from this JVM's java and class path. */
    private static Process startSandbox() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "sandbox", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static URI endpoint(Process sandbox) throws IOException, InterruptedException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String first = line.get(SANDBOX_START.toSeconds(), TimeUnit.SECONDS);
            String prefix = "sandbox listening on ";
            if (first == null || !first.startsWith(prefix)) {
                throw new IOException("the sandbox did not start");
            }
            return URI.create(first.substring(prefix.length()).trim());
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the sandbox did not start within " + SANDBOX_START.toSeconds() + " s", e);
        }
    }

    private static Map<String, String> environment(Path dir, URI sts) throws IOException {
        SandboxModel.User user = SandboxModel.demo().users().get(0);
        StringBuilder config = new StringBuilder("[profile " + SOURCE + "]\nregion = us-east-1\n");
        for (int i = 0; i < ROLES; i++) {
            config.append("\n[profile role-").append(i).append("]\nrole_arn = ").append(ROLE_ARN)
                    .append("\nsource_profile = ").append(SOURCE).append("\nexternal_id = ").append(EXTERNAL_ID)
                    .append('\n');
        }
        AtomicFiles.write(dir.resolve("config"), config.toString());
        AtomicFiles.write(dir.resolve("credentials"), "[" + SOURCE + "]\naws_access_key_id = " + user.accessKeyId()
                + "\naws_secret_access_key = " + user.secretAccessKey() + "\n");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", dir.toString());
        env.put("STSFLEET_HOME", dir.resolve("state").toString());
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_STS", sts.toString());
        return env;
    }

    private static void run(List<String> failures, Map<String, String> env, String... args) {
        CliContext context = CliContext.of(env, Clock.systemUTC(), new ByteArrayInputStream(new byte[0]));
        CommandLine cli = StsfleetCli.newCommandLine(context, args);
        PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream(), true);
        cli.setOut(nowhere);
        cli.setErr(nowhere);
        int exit = cli.execute(args);
        if (exit != 0) {
            failures.add("'" + String.join(" ", args) + "' exited " + exit);
        }
    }
}
