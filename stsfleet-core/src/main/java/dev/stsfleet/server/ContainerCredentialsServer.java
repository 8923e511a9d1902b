package dev.stsfleet.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container-credentials endpoint on the loopback interface, the protocol the AWS SDKs and the AWS CLI
 * speak with {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}:
 * {@code GET /v1/credentials/<profile>} answers {@code {"AccessKeyId", "SecretAccessKey", "Token",
 * "Expiration"}} with whatever the credentials source returns at that moment (e.g. a fleet's refreshed
 * set), so clients that re-read before expiry always get fresh credentials.
 *
 * <p>Security: it binds {@code 127.0.0.1} only, never a wildcard address. Every request must carry the
 * server's random token (32 bytes from {@link SecureRandom}) as its {@code Authorization} header,
 * compared in constant time. Answers: 401 without the header, 403 with a wrong one, 404 for another path
 * or profile, 405 for a method other than GET, 503 while the source has nothing usable; each with a
 * JSON {@code {"Message": ...}} body that names no secret. Other processes of the same user can read
 * the token from the environment of the process it was given to, as with aws-vault's server: it guards
 * against other users and against web pages (which cannot set the header), not against the same user.
 *
 * <p>Thread-safe. The server owns its threads ({@code stsfleet-server-N}); {@link #close()} stops it and
 * joins them. The credentials source is not closed by the server.
 */
public final class ContainerCredentialsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerCredentialsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    /** The path prefix, as ECS uses it ({@code /v2/credentials/...} there). */
    public static final String PATH = "/v1/credentials/";
    static final int TOKEN_BYTES = 32;
    private static final int THREADS = 4;

    static {
        // The JDK server flushes an answer's headers and body as two writes. With Nagle's algorithm on
        // (the JDK's default), the body then waits for the client's delayed ACK, about 40 ms on Linux,
        // on every answer. The JDK reads this property once, before its first server: set it here.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Set<String> profiles;
    private final Function<String, Optional<TemporaryCredentials>> source;
    private final byte[] token;
    private final String tokenText;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ContainerCredentialsServer(Builder b) {
        this.profiles = Collections.unmodifiableSet(new LinkedHashSet<>(b.profiles));
        this.source = b.source;
        byte[] raw = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(raw);
        this.tokenText = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "stsfleet-server-" + THREAD_NUMBER.incrementAndGet());
                    t.setDaemon(true);
                    threads.add(t);
                    return t;
                });
        try {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            this.server = HttpServer.create(new InetSocketAddress(loopback, b.port), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + b.port + ": " + e.getMessage(), e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        LOG.debug("container credentials server on {} for {} profiles", server.getAddress(), profiles.size());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address the server listens on: always {@code 127.0.0.1} and the bound port. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The profiles served. */
    public Set<String> profiles() {
        return profiles;
    }

    /** The full URI of one profile, for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public URI uri(String profile) {
        if (!profiles.contains(profile)) {
            throw new IllegalArgumentException("profile " + profile + " is not served");
        }
        return URI.create("http://127.0.0.1:" + address().getPort() + PATH
                + URLEncoder.encode(profile, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** The value for {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}: a secret, never logged. */
    public String authorizationToken() {
        return tokenText;
    }

    /** Stops listening at once and joins the server's threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("container credentials server stopped");
    }

    @Override
    public String toString() {
        return "ContainerCredentialsServer[" + address() + ", profiles=" + profiles.size()
                + (closed.get() ? ", closed" : "") + "]";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            if (given == null || given.isEmpty()) {
                reply(exchange, 401, message("an Authorization header with the server's token is required"));
                return;
            }
            // Constant time: MessageDigest.isEqual does not stop at the first differing byte.
            if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                LOG.debug("refused a request with a wrong token");
                reply(exchange, 403, message("the Authorization token is wrong"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            String profile = path != null && path.startsWith(PATH)
                    ? URLDecoder.decode(path.substring(PATH.length()), StandardCharsets.UTF_8) : null;
            if (profile == null || !profiles.contains(profile)) {
                reply(exchange, 404, message("no such profile here; paths are " + PATH + "<profile>"));
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply(exchange, 405, message("only GET is supported"));
                return;
            }
            Optional<TemporaryCredentials> credentials;
            try {
                credentials = source.apply(profile);
            } catch (RuntimeException e) {
                LOG.debug("profile {}: the credentials source failed: {}", profile, e.getClass().getSimpleName());
                credentials = Optional.empty();
            }
            if (credentials.isEmpty()) {
                reply(exchange, 503, message("no usable credentials for profile " + profile + " right now"));
                return;
            }
            TemporaryCredentials c = credentials.get();
            ObjectNode body = JSON.createObjectNode()
                    .put("AccessKeyId", c.accessKeyId())
                    .put("SecretAccessKey", c.secretAccessKey())
                    .put("Token", c.sessionToken())
                    .put("Expiration", TemporaryCredentials.isoUtc(c.expiration()));
            LOG.debug("profile {}: served {}", profile, c);
            reply(exchange, 200, body);
        }
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("Message", text);
    }

    private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Configures a {@link ContainerCredentialsServer}. Not thread-safe. */
    public static final class Builder {
        private int port;
        private Collection<String> profiles;
        private Function<String, Optional<TemporaryCredentials>> source;

        private Builder() {
        }

        /** The port on 127.0.0.1, 0 to 65535. Default: 0, a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /** The profiles to serve, one path each. Required; no default. */
        public Builder profiles(Collection<String> profiles) {
            this.profiles = List.copyOf(Objects.requireNonNull(profiles, "profiles"));
            return this;
        }

        /**
         * Where each request's credentials come from, asked on every request: empty (or a throw) answers
         * 503. Required; no default.
         */
        public Builder credentials(Function<String, Optional<TemporaryCredentials>> source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Starts listening; the caller owns the server and must close it. */
        public ContainerCredentialsServer build() {
            if (profiles == null || profiles.isEmpty()) {
                throw new IllegalArgumentException("no profiles to serve");
            }
            Objects.requireNonNull(source, "credentials source");
            return new ContainerCredentialsServer(this);
        }
    }
}
