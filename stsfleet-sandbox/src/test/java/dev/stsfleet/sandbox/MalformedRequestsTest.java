package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_KEY;
import static dev.stsfleet.sandbox.Sdk.ALICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sts.StsClient;

/** Malformed and slow requests over raw sockets: every one answered in AWS's error shape, none blocking others. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MalformedRequestsTest {
    private static final String FORM = "Action=GetCallerIdentity&Version=2011-06-15";
    private StsSandbox sandbox;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        sandbox = StsSandbox.builder().start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sandbox.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", sandbox.endpoint().getPort());
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    /** A correctly signed GetCallerIdentity, with {@code host} and {@code authorization} swapped in if given. */
    private String request(String host, String authorization) {
        SigV4Fixture signed = SigV4Fixture.sign(sandbox, ALICE_KEY, ALICE_SECRET, sandbox.clock().instant(), FORM);
        StringBuilder r = new StringBuilder("POST / HTTP/1.1\r\n");
        r.append("Host: ").append(host != null ? host : "127.0.0.1:" + sandbox.endpoint().getPort()).append("\r\n");
        for (Map.Entry<String, List<String>> h : signed.headers().entrySet()) {
            String name = h.getKey();
            if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")) {
                continue;
            }
            String value = name.equalsIgnoreCase("authorization") && authorization != null ? authorization
                    : h.getValue().get(0);
            r.append(name).append(": ").append(value).append("\r\n");
        }
        return r.append("Content-Length: ").append(FORM.length()).append("\r\nConnection: close\r\n\r\n").append(FORM)
                .toString();
    }

    private String send(String raw) throws IOException {
        Socket s = connect();
        s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aWellFormedRawRequest_succeeds() throws IOException {
        assertThat(send(request(null, null))).startsWith("HTTP/1.1 200").contains("<GetCallerIdentityResponse");
    }

    @Test
    void anEmptyRegionInTheScope_isA400IncompleteSignature() throws IOException {
        String auth = "AWS4-HMAC-SHA256 Credential=" + ALICE_KEY + "/20250101//sts/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64);
        String answer = send(request(null, auth));
        assertThat(answer).startsWith("HTTP/1.1 400").contains("<Code>IncompleteSignature</Code>")
                .contains("<ErrorResponse");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:", "[::1", "a b", "127.0.0.1:port"})
    void aMalformedHost_isA400MalformedInput(String host) throws IOException {
        String answer = send(request(host, null));
        assertThat(answer).startsWith("HTTP/1.1 400").contains("<Code>MalformedInput</Code>").contains("<ErrorResponse");
    }

    @Test
    void sixtyFourSlowClients_doNotBlockAValidRequest() throws Exception {
        for (int i = 0; i < 64; i++) {
            connect().getOutputStream().write("POST / HTTP/1.1\r\nHost: 127".getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 64; i++) {
            // A head that arrived, a body that never does: these hold request threads.
            connect().getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nAction=")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        long t0 = System.nanoTime();
        try (StsClient alice = Sdk.alice(sandbox)) {
            assertThat(alice.getCallerIdentity().arn()).isEqualTo(Sdk.ALICE_ARN);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
    }
}
