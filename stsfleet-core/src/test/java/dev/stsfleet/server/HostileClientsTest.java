package dev.stsfleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The container-credentials endpoint against slow, oversized and misdirected clients, over real sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileClientsTest {
    private static final TemporaryCredentials CREDS = TemporaryCredentials.of("ASIAHOSTILETEST00001",
            "hostileSecret/doNotUse+00000000000000001", "hostileToken", Instant.parse("2030-01-01T00:00:00Z"),
            Instant.parse("2030-01-01T01:00:00Z"));

    private ContainerCredentialsServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        server = ContainerCredentialsServer.builder().profiles(List.of("prod"))
                .credentials(p -> Optional.of(CREDS)).build();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    /** Sends raw bytes and reads the answer until the server closes or the head and body are in. */
    private String exchange(String request) throws IOException {
        Socket s = connect();
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private String valid(String method, String host, String extra) {
        return method + " /v1/credentials/prod HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: "
                + server.authorizationToken() + "\r\nConnection: close\r\n" + extra + "\r\n";
    }

    @Test
    void sixteenSlowClients_heldOpen_whileAHundredValidRequestsAllSucceed() throws Exception {
        for (int i = 0; i < 16; i++) {
            connect().getOutputStream().write("G".getBytes(StandardCharsets.US_ASCII)); // one byte, then silence
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(server.uri("prod")).timeout(Duration.ofSeconds(2))
                .header("Authorization", server.authorizationToken()).GET().build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains(CREDS.accessKeyId());
        }
    }

    @Test
    void aSlowClient_isDroppedWithin_theReadTimeout_withA408() throws Exception {
        Socket s = connect();
        s.getOutputStream().write("GET /v1/credentials/prod HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        long t0 = System.nanoTime();
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertThat(answer).startsWith("HTTP/1.1 408 ");
        assertThat(seconds).isLessThanOrEqualTo(ContainerCredentialsServer.READ_TIMEOUT.toSeconds() + 2);
    }

    @Test
    void aHundredMegabyteUnauthenticatedBody_isRefusedAfterTheHeaders_withoutBeingRead() throws Exception {
        long rssBefore = rssKb();
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/credentials/prod HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (100L << 20)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            try {
                while (total < (100L << 20)) {
                    out.write(chunk);
                    total += chunk.length;
                }
            } catch (IOException e) {
                // The server closed the connection: expected.
            }
            return total;
        });
        InputStream in = s.getInputStream();
        byte[] head = new byte[12];
        int n = in.readNBytes(head, 0, head.length);
        assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 401");
        long bytesSent = sent.get(20, TimeUnit.SECONDS);
        assertThat(bytesSent).as("the body was cut off, not swallowed").isLessThan(100L << 20);
        assertThat(rssKb() - rssBefore).as("RSS growth in KB").isLessThan(20 * 1024);
    }

    @Test
    void postWithTheToken_is405_andItsBodyIsNotRead() throws Exception {
        String answer = exchange(valid("POST", "127.0.0.1", "Content-Length: 5\r\n") + "hello");
        assertThat(answer).startsWith("HTTP/1.1 405 ").contains("Allow: GET");
    }

    @Test
    void aForeignHost_is403_evenWithTheToken() throws Exception {
        assertThat(exchange(valid("GET", "evil.example", ""))).startsWith("HTTP/1.1 403 ")
                .doesNotContain(CREDS.accessKeyId());
        assertThat(exchange(valid("GET", "127.0.0.1.evil.example:80", ""))).startsWith("HTTP/1.1 403 ");
        assertThat(exchange(valid("GET", "localhost:" + server.address().getPort(), ""))).startsWith("HTTP/1.1 200 ");
        assertThat(exchange(valid("GET", "[::1]:8080", ""))).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void oversizedHeaders_are431_andMalformedRequestLines_are400() throws Exception {
        assertThat(exchange(valid("GET", "127.0.0.1", "X-Big: " + "a".repeat(20_000) + "\r\n")))
                .startsWith("HTTP/1.1 431 ");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append("X-").append(i).append(": 1\r\n");
        }
        assertThat(exchange(valid("GET", "127.0.0.1", many.toString()))).startsWith("HTTP/1.1 431 ");
        assertThat(exchange("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    }

    private static long rssKb() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
