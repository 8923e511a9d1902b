package dev.stsfleet.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP server that answers STS Query requests from a script: queued answers first, then a
 * success for AssumeRole (echoing the role) or a fixed GetCallerIdentity. Counts requests per Action. For tests of the client side (retries,
 * error translation, "zero calls"); the strict STS semantics live in the sandbox.
 */
public final class ScriptedStsServer implements AutoCloseable {
    /** One scripted answer. */
    public record Answer(int status, String body) {
        public static Answer error(int status, String code, String message) {
            return new Answer(status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                    + "<Type>Sender</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error>"
                    + "<RequestId>req-1</RequestId></ErrorResponse>");
        }

        public static Answer assumeRole(String roleArn, String sessionName, String expiration) {
            String account = roleArn.split(":")[4];
            String role = roleArn.substring(roleArn.lastIndexOf('/') + 1);
            return new Answer(200, "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:" + sessionName
                    + "</AssumedRoleId><Arn>arn:aws:sts::" + account + ":assumed-role/" + role + "/" + sessionName
                    + "</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE" + role.toUpperCase()
                    + "</AccessKeyId><SecretAccessKey>roleSecret-" + role + "</SecretAccessKey><SessionToken>roleToken-"
                    + role + "</SessionToken><Expiration>" + expiration + "</Expiration></Credentials>"
                    + "</AssumeRoleResult><ResponseMetadata><RequestId>req-3</RequestId></ResponseMetadata>"
                    + "</AssumeRoleResponse>");
        }

        public static Answer callerIdentity(String arn, String account) {
            return new Answer(200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>AIDAEXAMPLE</UserId><Account>" + account
                    + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>req-2</RequestId>"
                    + "</ResponseMetadata></GetCallerIdentityResponse>");
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    public ScriptedStsServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> params = new java.util.HashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            String action = params.getOrDefault("Action", "unknown");
            counts.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
            total.incrementAndGet();
            Answer answer = script.poll();
            if (answer == null && action.equals("AssumeRole")) {
                answer = Answer.assumeRole(params.get("RoleArn"), params.get("RoleSessionName"), "2099-01-01T00:00:00Z");
            } else if (answer == null) {
                answer = Answer.callerIdentity("arn:aws:iam::123456789012:user/alice", "123456789012");
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** Queues answers, served in order before the default one. */
    public ScriptedStsServer then(Answer... answers) {
        script.addAll(java.util.List.of(answers));
        return this;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public long count(String action) {
        AtomicLong n = counts.get(action);
        return n == null ? 0 : n.get();
    }

    public long total() {
        return total.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
