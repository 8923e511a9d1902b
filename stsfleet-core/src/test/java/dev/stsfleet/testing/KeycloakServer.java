package dev.stsfleet.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keycloak, a real SAML 2.0 IdP, on https://127.0.0.1 for tests (the recipe of the team's runbook): the
 * {@code keycloak-quarkus-dist} installed by {@code .ci/install-keycloak} (once per machine, linked from
 * {@code .ci/keycloak/dist/}), started in dev mode with a copy of the H2 database the install made, a realm {@code aws-test} imported from
 * {@code keycloak/aws-test-realm.template.json} (signing key and certificate generated per start and pinned),
 * HTTPS with a generated certificate for 127.0.0.1, and a flow that takes a preemptive Basic header or the
 * login form. Users: {@code alice}/{@code alice-pass} (roles {@link #ALICE_ROLES}) and {@code bob}/{@code bob-pass}.
 *
 * <p>Heavy (20-60 s to start, ~600 MB): start it once per test class. {@link #close()} stops it (SIGTERM, which
 * kc.sh forwards to its java) and deletes the keys. A file lock in the install directory keeps two JVMs from
 * sharing its data directory. When it is not installed, {@link #start()} throws: tests fail, never skip.
 */
public final class KeycloakServer implements AutoCloseable {
    /** Alice's role values; the 222222222222 one is written provider first. Keycloak's order varies per login. */
    public static final List<String> ALICE_ROLES = List.of(
            "arn:aws:iam::111111111111:role/Deploy,arn:aws:iam::111111111111:saml-provider/Keycloak",
            "arn:aws:iam::222222222222:saml-provider/Keycloak,arn:aws:iam::222222222222:role/Deploy",
            "arn:aws:iam::333333333333:role/ReadOnly,arn:aws:iam::333333333333:saml-provider/Keycloak");
    private static final Duration STARTUP = Duration.ofSeconds(420);

    private final Process process;
    private final Path work;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final URI base;
    private final String signingCertificatePem;
    private final Path tlsCertificate;
    private final SSLContext sslContext;

    private KeycloakServer(Process process, Path work, FileChannel lockChannel, FileLock lock, URI base,
                           String signingCertificatePem, Path tlsCertificate, SSLContext sslContext) {
        this.process = process;
        this.work = work;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.base = base;
        this.signingCertificatePem = signingCertificatePem;
        this.tlsCertificate = tlsCertificate;
        this.sslContext = sslContext;
    }

    /** Starts Keycloak and waits until the realm answers (up to 7 minutes on a loaded machine). */
    public static KeycloakServer start() {
        Path home = installDir();
        Path work = null;
        Process process = null;
        FileChannel channel = null;
        FileLock lock = null;
        try {
            channel = FileChannel.open(home.resolve(".stsfleet-test-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = channel.lock();
            work = Files.createTempDirectory("keycloak-");
            Openssl.selfSigned(work, "signing", "/CN=Test SAML IdP", null);
            Openssl.selfSigned(work, "tls", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
            deleteTree(home.resolve("data/h2"));
            copyTree(home.resolve("data/h2-pristine"), home.resolve("data/h2")); // schema made (install-keycloak)
            deleteTree(home.resolve("data/import"));
            Files.createDirectories(home.resolve("data/import"));
            String template;
            try (InputStream in = KeycloakServer.class.getResourceAsStream("/keycloak/aws-test-realm.template.json")) {
                template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Files.writeString(home.resolve("data/import/aws-test-realm.json"), template
                    .replace("__SIGNING_KEY_B64__", pemBody(work.resolve("signing.key")))
                    .replace("__SIGNING_CERT_B64__", pemBody(work.resolve("signing.crt"))));
            int https = freePort();
            int http = freePort();
            List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + http, "--https-port=" + https,
                    "--https-certificate-file=" + work.resolve("tls.crt"),
                    "--https-certificate-key-file=" + work.resolve("tls.key"), "--import-realm");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("kc.log").toFile());
            Map<String, String> env = pb.environment();
            env.putIfAbsent("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx768m");
            String javaHome = System.getenv("STSFLEET_KEYCLOAK_JAVA_HOME");
            if (javaHome != null && !javaHome.isBlank()) {
                env.put("JAVA_HOME", javaHome);
            }
            process = pb.start();
            URI base = URI.create("https://127.0.0.1:" + https);
            SSLContext ssl = trusting(work.resolve("tls.crt"));
            awaitReady(process, base, ssl, work.resolve("kc.log"));
            return new KeycloakServer(process, work, channel, lock, base,
                    Files.readString(work.resolve("signing.crt")), work.resolve("tls.crt"), ssl);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String log = work == null ? "" : tail(work.resolve("kc.log"));
            stop(process);
            deleteTree(work);
            release(lock, channel);
            throw new IllegalStateException("cannot start Keycloak from " + home + ": " + e + log, e);
        }
    }

    /** The IdP-initiated sign-on URL of the AWS client: a GET shows the login form (or, with Basic, the SAML page). */
    public URI ssoUrl() {
        return base.resolve("/realms/aws-test/protocol/saml/clients/amazon-aws");
    }

    public URI baseUri() {
        return base;
    }

    /** The PEM certificate of the realm's pinned signing key (register it as the SAML provider's). */
    public String signingCertificatePem() {
        return signingCertificatePem;
    }

    /** The PEM file of the TLS certificate (for {@code --idp-ca-file}). */
    public Path tlsCertificateFile() {
        return tlsCertificate;
    }

    /** A TLS context trusting Keycloak's generated certificate. */
    public SSLContext sslContext() {
        return sslContext;
    }

    @Override
    public void close() {
        stop(process);
        deleteTree(work);
        release(lock, lockChannel);
    }

    @Override
    public String toString() {
        return "KeycloakServer[" + base + "]";
    }

    private static void awaitReady(Process process, URI base, SSLContext ssl, Path log) throws IOException {
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
        URI descriptor = base.resolve("/realms/aws-test/protocol/saml/descriptor");
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with code " + process.exitValue());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(descriptor).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(500); // polling a child process's readiness, not waiting for an expiry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("Keycloak was not ready within " + STARTUP.toSeconds() + " s");
    }

    /** The unzipped distribution: {@code -Dstsfleet.keycloak.dir}, else {@code .ci/keycloak/dist/keycloak-VERSION} upwards. */
    static Path installDir() {
        String configured = System.getProperty("stsfleet.keycloak.dir", System.getenv("STSFLEET_KEYCLOAK_DIR"));
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Paths.get(configured));
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path ci = p.resolve(".ci/keycloak");
            if (Files.isRegularFile(ci.resolve("VERSION"))) {
                try {
                    candidates.add(ci.resolve("dist/keycloak-" + Files.readString(ci.resolve("VERSION")).trim()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("bin/kc.sh")) && Files.exists(candidate.resolve(".stsfleet-installed"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Keycloak is not installed: run .ci/install-keycloak from the repository root "
                + "(looked in " + candidates + ")");
    }

    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
        process.destroy(); // SIGTERM: kc.sh forwards it to its java, which stops in about 3 s
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(c -> {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        });
    }

    private static void release(FileLock lock, FileChannel channel) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the lock goes with the JVM anyway
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String pemBody(Path pem) throws IOException {
        return Files.readAllLines(pem).stream().filter(l -> !l.startsWith("-----")).collect(Collectors.joining());
    }

    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        Certificate cert = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("keycloak-tls", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n--- kc.log ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    /**
     * Copies the database install-keycloak kept (schema made, master realm only), so that start-up skips the
     * schema migrations; nothing when there is none (an older install): Keycloak then makes its own.
     */
    static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Key generation with the openssl command, as the runbook does. */
    static final class Openssl {
        private Openssl() {
        }

        static void selfSigned(Path dir, String name, String subject, String san) throws IOException {
            List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "30", "-subj", subject, "-keyout", dir.resolve(name + ".key").toString(),
                    "-out", dir.resolve(name + ".crt").toString()));
            if (san != null) {
                command.addAll(List.of("-addext", san));
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".openssl.log").toFile()).start();
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException("openssl failed for " + name);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
