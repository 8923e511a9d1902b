package dev.stsfleet.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback EC2 instance metadata service, IMDSv2 only, for the sandbox's instance role: {@code PUT
 * /latest/api/token} (header {@code X-aws-ec2-metadata-token-ttl-seconds}, 1 to 21600) gives a token; with it,
 * {@code GET /latest/meta-data/iam/security-credentials/} names the role and {@code .../ROLE} gives fresh role
 * session credentials issued by the sandbox. A request without a valid token is 401, as IMDSv2 answers.
 * Thread-safe.
 */
final class InstanceMetadata implements HttpHandler {
    private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/";
    private final StsService service;
    private final SandboxStats stats;
    private final SandboxModel.Role role;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

    InstanceMetadata(StsService service, SandboxStats stats, SandboxModel.Role role) {
        this.service = service;
        this.stats = stats;
        this.role = role;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readNBytes(4096);
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            Instant now = service.clock().instant();
            if (path.equals("/latest/api/token") && method.equals("PUT")) {
                String ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
                int seconds;
                try {
                    seconds = Integer.parseInt(ttl == null ? "" : ttl.trim());
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
                if (seconds < 1 || seconds > 21600) {
                    send(exchange, 400, "text/plain", "");
                    return;
                }
                byte[] raw = new byte[32];
                random.nextBytes(raw);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                tokens.put(token, now.plusSeconds(seconds));
                stats.recordOk("InstanceMetadataToken");
                exchange.getResponseHeaders().set("X-aws-ec2-metadata-token-ttl-seconds", String.valueOf(seconds));
                send(exchange, 200, "text/plain", token);
                return;
            }
            if (!method.equals("GET")) {
                send(exchange, 405, "text/plain", "");
                return;
            }
            String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
            Instant until = token == null ? null : tokens.get(token);
            if (until == null || !now.isBefore(until)) {
                stats.recordError("InstanceMetadataCredentials", "Unauthorized");
                send(exchange, 401, "text/plain", "");
                return;
            }
            if (path.equals(CREDENTIALS)) {
                send(exchange, 200, "text/plain", role.name());
            } else if (path.equals(CREDENTIALS + role.name())) {
                IssuedCredentials c = service.instanceRoleCredentials(role);
                stats.recordOk("InstanceMetadataCredentials");
                send(exchange, 200, "text/plain", "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"" + now
                        + "\",\n  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"" + c.accessKeyId()
                        + "\",\n  \"SecretAccessKey\" : \"" + c.secretAccessKey() + "\",\n  \"Token\" : \""
                        + c.sessionToken() + "\",\n  \"Expiration\" : \"" + c.expiration() + "\"\n}");
            } else {
                send(exchange, 404, "text/plain", "");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
