package dev.stsfleet.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real third-party SAML IdP for tests: the npm package {@code saml-idp} (installed by
 * {@code .ci/install-idp} into {@code .ci/idp/}), started on a free 127.0.0.1 port with freshly generated
 * signing (and, for HTTPS, TLS) keys and a user whose {@code https://aws.amazon.com/SAML/Attributes/Role}
 * has several values in both orders. {@link #close()} kills it and deletes its files.
 *
 * <p>saml-idp checks no password: any POST to {@code /signin} returns a signed SAMLResponse page. Its HTML
 * splits the input over lines and writes base64 {@code =} as {@code &#x3D;}.
 *
 * <p>If the IdP is not installed, {@link Builder#start()} throws: tests that need it fail, they never skip.
 */
public final class SamlIdpServer implements AutoCloseable {
    /**
     * The role values the default user gets: both orders (and a space after the comma), three accounts, three
     * role names. As in AWS, each role is paired with a SAML provider of its own account.
     */
    public static final List<String> DEFAULT_ROLES = List.of(
            "arn:aws:iam::222222222222:role/Deploy,arn:aws:iam::222222222222:saml-provider/TestIdP",
            "arn:aws:iam::333333333333:saml-provider/TestIdP,arn:aws:iam::333333333333:role/Deploy",
            "arn:aws:iam::222222222222:role/ReadOnly,arn:aws:iam::222222222222:saml-provider/TestIdP",
            "arn:aws:iam::111111111111:saml-provider/TestIdP, arn:aws:iam::111111111111:role/SamlAdmin");
    /** The audience AWS (and the sandbox) require. */
    public static final String AUDIENCE = "https://signin.aws.amazon.com/saml";
    public static final String SUBJECT = "alice@example.com";
    private static final Pattern PORT = Pattern.compile("IdP Metadata URL:\\s+https?://[^/\\s]+:(\\d+)/metadata");

    private final Process process;
    private final Path dir;
    private final URI base;
    private final String signingCertificatePem;
    private final SSLContext sslContext;

    private SamlIdpServer(Process process, Path dir, URI base, String signingCertificatePem, SSLContext sslContext) {
        this.process = process;
        this.dir = dir;
        this.base = base;
        this.signingCertificatePem = signingCertificatePem;
        this.sslContext = sslContext;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http(s)://127.0.0.1:PORT}. */
    public URI baseUri() {
        return base;
    }

    /** The page with the attribute form that POSTs to {@code /signin} (saml-idp's "login form"). */
    public URI ssoUrl() {
        return base.resolve("/");
    }

    /** The PEM certificate whose key signs the responses (for a sandbox's SAML provider). */
    public String signingCertificatePem() {
        return signingCertificatePem;
    }

    /** A TLS context trusting this server's self-signed certificate (HTTPS only; else the JDK default). */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Whether the IdP process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    /** A fresh self-signed certificate (PEM) whose key signs nothing: for "wrong signer" tests. */
    public static String unrelatedCertificatePem() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("saml-cert-");
            openssl(dir, "other", "/CN=Not The IdP", null);
            return Files.readString(dir.resolve("other.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /** The directory holding {@code node_modules/saml-idp}; fails with a hint when it is missing. */
    static Path installDir() {
        String configured = System.getProperty("stsfleet.idp.dir", System.getenv("STSFLEET_IDP_DIR"));
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Paths.get(configured));
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p.resolve(".ci/idp"));
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("node_modules/saml-idp/bin/run.js"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the test SAML IdP (npm saml-idp) is not installed: run .ci/install-idp "
                + "from the repository root (looked in " + candidates + ")");
    }

    /** Configures and starts a {@link SamlIdpServer}. */
    public static final class Builder {
        private List<String> roles = DEFAULT_ROLES;
        private boolean https;
        private Integer sessionDurationSeconds = 3600;

        private Builder() {
        }

        /** The user's Role attribute values. Default {@link #DEFAULT_ROLES}. */
        public Builder roles(List<String> roles) {
            this.roles = List.copyOf(roles);
            return this;
        }

        /** Serve HTTPS with a generated self-signed certificate for 127.0.0.1. Default plain HTTP. */
        public Builder https(boolean https) {
            this.https = https;
            return this;
        }

        /** The SessionDuration attribute, or {@code null} for none. Default 3600. */
        public Builder sessionDurationSeconds(Integer seconds) {
            this.sessionDurationSeconds = seconds;
            return this;
        }

        public SamlIdpServer start() {
            Path install = installDir();
            Path dir = null;
            Process process = null;
            try {
                dir = Files.createTempDirectory("saml-idp-");
                openssl(dir, "signing", "/CN=Test SAML IdP", null);
                if (https) {
                    openssl(dir, "tls", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
                }
                Path config = dir.resolve("aws-config.js");
                Files.writeString(config, configJs());
                List<String> command = new ArrayList<>(List.of("node",
                        install.resolve("node_modules/saml-idp/bin/run.js").toString(),
                        "--host", "127.0.0.1", "--port", "0",
                        "--acsUrl", "https://signin.aws.amazon.com/saml",
                        "--audience", AUDIENCE,
                        "--issuer", "urn:test:saml-idp",
                        "--cert", dir.resolve("signing.crt").toString(),
                        "--key", dir.resolve("signing.key").toString(),
                        "--configFile", config.toAbsolutePath().toString()));
                if (https) {
                    command.addAll(List.of("--https", "--httpsCert", dir.resolve("tls.crt").toString(),
                            "--httpsPrivateKey", dir.resolve("tls.key").toString()));
                }
                Path log = dir.resolve("idp.log");
                process = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                SSLContext ssl = https ? trusting(dir.resolve("tls.crt")) : SSLContext.getDefault();
                URI base = awaitReady(process, log, ssl);
                String signing = Files.readString(dir.resolve("signing.crt"));
                return new SamlIdpServer(process, dir, base, signing, ssl);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                if (process != null) {
                    process.destroyForcibly();
                }
                String log = dir == null ? "" : tail(dir.resolve("idp.log"));
                if (dir != null) {
                    deleteTree(dir);
                }
                throw new IllegalStateException("cannot start the test SAML IdP: " + e + log, e);
            }
        }

        private URI awaitReady(Process process, Path log, SSLContext ssl) throws IOException {
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
            Instant deadline = Instant.now().plusSeconds(30);
            URI base = null;
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("saml-idp exited with code " + process.exitValue());
                }
                if (base == null) {
                    Matcher m = PORT.matcher(Files.readString(log));
                    if (m.find()) {
                        base = URI.create((https ? "https" : "http") + "://127.0.0.1:" + m.group(1));
                    }
                }
                if (base != null) {
                    try {
                        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(base.resolve("/metadata"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) {
                            return base;
                        }
                    } catch (IOException e) {
                        // not listening yet
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                try {
                    Thread.sleep(50); // polling a child process's readiness, not waiting for an expiry
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            throw new IllegalStateException("saml-idp was not ready within 30 s");
        }

        private String configJs() {
            String role = "https://aws.amazon.com/SAML/Attributes/Role";
            String session = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
            String duration = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
            StringBuilder js = new StringBuilder("module.exports = {\n  user: {\n");
            js.append("    userName: ").append(q(SUBJECT)).append(",\n");
            js.append("    nameIdFormat: ").append(q("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")).append(",\n");
            // A JS array, declared multiValue:false below: samlp writes one AttributeValue per element.
            js.append("    ").append(q(role)).append(": [")
                    .append(String.join(", ", roles.stream().map(SamlIdpServer::q).toList())).append("],\n");
            js.append("    ").append(q(session)).append(": ").append(q(SUBJECT));
            if (sessionDurationSeconds != null) {
                js.append(",\n    ").append(q(duration)).append(": ").append(q(sessionDurationSeconds.toString()));
            }
            js.append("\n  },\n  metadata: [\n");
            js.append(meta(role)).append(",\n").append(meta(session));
            if (sessionDurationSeconds != null) {
                js.append(",\n").append(meta(duration));
            }
            js.append("\n  ]\n};\n");
            return js.toString();
        }

        private static String meta(String id) {
            return "    { id: " + q(id) + ", optional: false, displayName: " + q(id.substring(id.lastIndexOf('/') + 1))
                    + ", description: '', multiValue: false }";
        }
    }

    static String q(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void openssl(Path dir, String name, String subject, String san) throws IOException {
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
                throw new IOException("openssl failed: " + tail(dir.resolve(name + ".openssl.log")));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        Certificate cert = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("saml-idp-tls", cert);
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
            return "\n--- " + log.getFileName() + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    @Override
    public String toString() {
        return "SamlIdpServer[" + base + "]";
    }

}
