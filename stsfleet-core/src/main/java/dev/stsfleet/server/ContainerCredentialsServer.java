package dev.stsfleet.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Hostile clients: the {@code Host} header must name a loopback address or {@code localhost} (else 403,
 * a defence against DNS rebinding); the host, the token, the path and the method are all checked on the
 * request line and headers, and a request body is never read (only GET is served; a connection that sent
 * one is closed after the answer). The head is capped ({@value #MAX_HEAD_BYTES} bytes, {@value
 * #MAX_HEADERS} lines) and must arrive within {@link #READ_TIMEOUT} of the connection's previous answer;
 * each connection has its own thread from a pool of up to {@value #MAX_THREADS}, so a few slow clients
 * cannot block the others. It is a minimal HTTP/1.1 server of its own rather than the JDK's, whose
 * limits are JVM-wide system properties read once, and which reads request heads without a deadline.
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
    /** Connections served at once; one more is closed at once. Far above any plausible client count. */
    static final int MAX_THREADS = 256;
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 64;
    /** How long a request head may take to arrive, from the connection or the previous answer. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** After an answer that closes the connection: unread bytes drained so the client sees the answer, not a reset. */
    private static final int MAX_DRAIN_BYTES = 256 * 1024;
    private static final Duration DRAIN_TIME = Duration.ofSeconds(1);

    private final Set<String> profiles;
    private final Function<String, Optional<TemporaryCredentials>> source;
    private final byte[] token;
    private final String tokenText;
    private final ServerSocket listener;
    private final ThreadPoolExecutor executor;
    private final Thread acceptor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ContainerCredentialsServer(Builder b) {
        this.profiles = Collections.unmodifiableSet(new LinkedHashSet<>(b.profiles));
        this.source = b.source;
        byte[] raw = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(raw);
        this.tokenText = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
        this.listener = b.reservation != null ? b.reservation.take() : bind(b.port);
        this.executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> newThread(r, "stsfleet-server-" + THREAD_NUMBER.incrementAndGet()));
        this.acceptor = newThread(this::accept, "stsfleet-server-accept-" + THREAD_NUMBER.incrementAndGet());
        acceptor.start();
        LOG.debug("container credentials server on {} for {} profiles", address(), profiles.size());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds a port on 127.0.0.1 now, for a server built later ({@link Builder#reservation}): a command
     * can learn that the port is taken before it spends an MFA code. The caller closes the reservation if
     * no server takes it.
     *
     * @throws UncheckedIOException naming the address if the port cannot be bound
     */
    public static PortReservation reserve(int port) {
        return new PortReservation(bind(port));
    }

    private static ServerSocket bind(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
        }
        try {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 128);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    private Thread newThread(Runnable r, String name) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    /** The address the server listens on: always {@code 127.0.0.1} and the bound port. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
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

    /** Stops listening at once, drops open connections and joins the server's threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(listener);
        connections.forEach(ContainerCredentialsServer::closeQuietly);
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

    private void accept() {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.debug("container credentials server: accept failed: {}", e.toString());
                    pause(); // e.g. out of file descriptors: no busy loop
                }
                continue;
            }
            connections.add(socket);
            try {
                executor.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                LOG.debug("container credentials server: {} connections open, one more refused", MAX_THREADS);
                connections.remove(socket);
                closeQuietly(socket);
            }
        }
    }

    /** Serves the requests of one connection, until it closes, times out or sends something refused. */
    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (!closed.get()) {
                RequestHead head;
                try {
                    head = RequestHead.read(socket, in, READ_TIMEOUT, MAX_HEAD_BYTES, MAX_HEADERS);
                } catch (RequestHead.Refused e) {
                    LOG.debug("container credentials server: {}", e.getMessage());
                    if (e.status != 0) {
                        reply(out, e.status, message(e.getMessage()), false, null);
                        linger(socket, in);
                    }
                    return;
                }
                if (head == null) {
                    return;
                }
                boolean keepAlive = head.keepAlive();
                handle(head, out, keepAlive);
                if (!keepAlive) {
                    linger(socket, in);
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("container credentials server: connection ended: {}", e.toString());
        } finally {
            connections.remove(socket);
        }
    }

    private void handle(RequestHead head, OutputStream out, boolean keepAlive) throws IOException {
        if (!loopbackHost(head.header("host"))) {
            LOG.debug("refused a request for a Host that is not a loopback name");
            reply(out, 403, message("the Host header must name a loopback address"), keepAlive, null);
            return;
        }
        String given = head.header("authorization");
        if (given == null || given.isEmpty()) {
            reply(out, 401, message("an Authorization header with the server's token is required"), keepAlive, null);
            return;
        }
        // Constant time: MessageDigest.isEqual does not stop at the first differing byte.
        if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            LOG.debug("refused a request with a wrong token");
            reply(out, 403, message("the Authorization token is wrong"), keepAlive, null);
            return;
        }
        String path = head.target;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        String profile;
        try {
            profile = path.startsWith(PATH)
                    ? URLDecoder.decode(path.substring(PATH.length()), StandardCharsets.UTF_8) : null;
        } catch (IllegalArgumentException e) {
            profile = null;
        }
        if (profile == null || !profiles.contains(profile)) {
            reply(out, 404, message("no such profile here; paths are " + PATH + "<profile>"), keepAlive, null);
            return;
        }
        if (!"GET".equals(head.method)) {
            reply(out, 405, message("only GET is supported"), keepAlive, "GET");
            return;
        }
        if (head.hasBody()) {
            reply(out, 400, message("a GET request must not have a body"), keepAlive, null);
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
            reply(out, 503, message("no usable credentials for profile " + profile + " right now"), keepAlive, null);
            return;
        }
        TemporaryCredentials c = credentials.get();
        ObjectNode body = JSON.createObjectNode()
                .put("AccessKeyId", c.accessKeyId())
                .put("SecretAccessKey", c.secretAccessKey())
                .put("Token", c.sessionToken())
                .put("Expiration", TemporaryCredentials.isoUtc(c.expiration()));
        LOG.debug("profile {}: served {}", profile, c);
        reply(out, 200, body, keepAlive, null);
    }

    /**
     * Whether a {@code Host} header names this machine's loopback: {@code localhost}, {@code 127.x.x.x} or
     * {@code [::1]}, with an optional port. A page on a rebound DNS name sends its own name: refused.
     */
    static boolean loopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        String port = "";
        if (name.startsWith("[")) {
            int close = name.indexOf(']');
            if (close < 0) {
                return false;
            }
            port = name.substring(close + 1);
            name = name.substring(1, close);
            if (!name.equals("::1")) {
                return false;
            }
        } else {
            int colon = name.indexOf(':');
            if (colon >= 0) {
                port = name.substring(colon);
                name = name.substring(0, colon);
            }
            if (!name.equals("localhost") && !name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                return false;
            }
        }
        return port.isEmpty() || port.matches(":\\d{1,5}");
    }

    /** After a last answer: no more writes, a bounded drain of what the client still sends, then close. */
    private static void linger(Socket socket, InputStream in) {
        try {
            socket.shutdownOutput();
            long deadline = System.nanoTime() + DRAIN_TIME.toNanos();
            byte[] sink = new byte[8192];
            int drained = 0;
            while (drained < MAX_DRAIN_BYTES) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) left);
                int n = in.read(sink);
                if (n < 0) {
                    break;
                }
                drained += n;
            }
        } catch (IOException e) {
            // The client went away or was too slow: closing is all that is left.
        }
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("Message", text);
    }

    private static final String[] REASONS = new String[600];

    static {
        REASONS[200] = "OK";
        REASONS[400] = "Bad Request";
        REASONS[401] = "Unauthorized";
        REASONS[403] = "Forbidden";
        REASONS[404] = "Not Found";
        REASONS[405] = "Method Not Allowed";
        REASONS[408] = "Request Timeout";
        REASONS[431] = "Request Header Fields Too Large";
        REASONS[503] = "Service Unavailable";
    }

    /** One answer, head and body in a single write. */
    private static void reply(OutputStream out, int status, ObjectNode body, boolean keepAlive, String allow)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(REASONS[status]).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Cache-Control: no-store\r\n")
                .append("Content-Length: ").append(bytes.length).append("\r\n");
        if (allow != null) {
            head.append("Allow: ").append(allow).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + bytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        out.write(all);
        out.flush();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing: nothing to do about it.
        }
    }

    /**
     * A port bound on 127.0.0.1 ahead of its server ({@link ContainerCredentialsServer#reserve}). Closing
     * it releases the port unless a server took it. Thread-safe.
     */
    public static final class PortReservation implements AutoCloseable {
        private final AtomicReference<ServerSocket> socket;
        private final InetSocketAddress address;

        private PortReservation(ServerSocket socket) {
            this.socket = new AtomicReference<>(socket);
            this.address = (InetSocketAddress) socket.getLocalSocketAddress();
        }

        /** The reserved address: {@code 127.0.0.1} and the port. */
        public InetSocketAddress address() {
            return address;
        }

        private ServerSocket take() {
            ServerSocket s = socket.getAndSet(null);
            if (s == null) {
                throw new IllegalStateException("this port reservation was already used or closed");
            }
            return s;
        }

        @Override
        public void close() {
            ServerSocket s = socket.getAndSet(null);
            if (s != null) {
                closeQuietly(s);
            }
        }

        @Override
        public String toString() {
            return "PortReservation[" + address + "]";
        }
    }

    /** Configures a {@link ContainerCredentialsServer}. Not thread-safe. */
    public static final class Builder {
        private int port;
        private PortReservation reservation;
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

        /** A port bound earlier with {@link #reserve}, used instead of {@link #port}. Default: none. */
        public Builder reservation(PortReservation reservation) {
            this.reservation = reservation;
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
