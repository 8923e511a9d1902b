package dev.stsfleet.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: routes {@code /} (STS Query protocol), {@code /federation} and {@code /_sandbox/*},
 * applies faults, counts outcomes and shapes answers like AWS's. Thread-safe.
 */
final class SandboxHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxHandler.class);
    private static final int MAX_BODY = 1 << 20;
    private static final String VERSION = "2011-06-15";
    private static final Set<String> ACTIONS = Set.of("GetSessionToken", "AssumeRole", "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity", "GetCallerIdentity");

    private static final String UNSIGNED_REGION = "us-east-1";
    private static final java.util.regex.Pattern SCOPE_REGION =
            java.util.regex.Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([a-z0-9-]{1,32})/");
    private final StsService service;
    private final SandboxStats stats;
    private final Faults faults;
    private final ScheduledExecutorService delayer;
    private final IdentityCenterService identityCenter;
    private final Faults portalLimit;
    private final java.net.URI endpoint;

    /**
     * @param delayer writes delayed answers, so the injected latency holds no request thread and the
     *                sandbox's throughput is not capped by its pool size; unused without latency
     */
    SandboxHandler(StsService service, SandboxStats stats, Faults faults, ScheduledExecutorService delayer) {
        this(service, stats, faults, delayer, null, null, null);
    }

    /**
     * @param identityCenter the Identity Center portal and OIDC, or null when the model has none
     * @param portalLimit    the portal's request-rate limit (429 beyond it)
     * @param endpoint       the sandbox's own URL, for the device verification URL
     */
    SandboxHandler(StsService service, SandboxStats stats, Faults faults, ScheduledExecutorService delayer,
                   IdentityCenterService identityCenter, Faults portalLimit, java.net.URI endpoint) {
        this.service = service;
        this.stats = stats;
        this.faults = faults;
        this.delayer = delayer;
        this.identityCenter = identityCenter;
        this.portalLimit = portalLimit;
        this.endpoint = endpoint;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        // Every path ends in send() or answer(), which close the exchange (answer() possibly later).
        try {
            // Never more than 1 MiB + 1 read; the JDK drains at most 64 KB more on close, then drops the connection.
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            if (body.length > MAX_BODY) {
                send(exchange, 413, "text/plain", "request body over 1 MiB\n");
            } else if (path.equals("/_sandbox/stats") && method.equals("GET")) {
                send(exchange, 200, "application/json", stats.toJson());
            } else if (path.equals("/_sandbox/stats/regions") && method.equals("GET")) {
                send(exchange, 200, "application/json", stats.toJsonByRegion());
            } else if (path.startsWith("/_sandbox/sessions/") && method.equals("GET")) {
                String key = path.substring("/_sandbox/sessions/".length());
                java.util.Optional<String> session = service.sessionJson(key);
                if (session.isPresent()) {
                    send(exchange, 200, "application/json", session.get());
                } else {
                    send(exchange, 404, "application/json", "{\"error\":\"no session issued with that access key id\"}");
                }
            } else if (path.equals("/_sandbox/reset") && method.equals("POST")) {
                stats.reset();
                send(exchange, 200, "application/json", "{}");
            } else if (identityCenter != null && path.startsWith("/_sandbox/sso/") && method.equals("POST")) {
                ssoControl(exchange, path, body);
            } else if (identityCenter != null && SSO_ROUTES.containsKey(method + " " + path)) {
                identityCenter(exchange, SSO_ROUTES.get(method + " " + path), body);
            } else if (path.equals("/federation") && (method.equals("GET") || method.equals("POST"))) {
                Map<String, String> params;
                try {
                    params = params(exchange, method, body);
                } catch (StsError e) {
                    params = Map.of();
                }
                federation(exchange, params);
            } else if (path.equals("/") && (method.equals("GET") || method.equals("POST"))) {
                sts(exchange, method, body);
            } else {
                send(exchange, 404, "text/plain", "no such resource: " + method + " " + path + "\n");
            }
        } catch (RuntimeException e) {
            // Every request gets an answer: a sandbox defect is a 500 in AWS's shape, never a closed connection.
            LOG.warn("sandbox: request failed inside the sandbox", e);
            try {
                send(exchange, 500, "text/xml", error("Receiver", "InternalFailure",
                        "The request processing has failed because of an unknown error.", UUID.randomUUID().toString()));
            } catch (IOException | RuntimeException again) {
                exchange.close();
            }
        }
    }

    /** Identity Center's paths on the sandbox's one port, and the action each is counted as. */
    private static final Map<String, String> SSO_ROUTES = Map.of(
            "GET /assignment/accounts", "ListAccounts",
            "GET /assignment/roles", "ListAccountRoles",
            "GET /federation/credentials", "GetRoleCredentials",
            "POST /logout", "Logout",
            "POST /client/register", "RegisterClient",
            "POST /device_authorization", "StartDeviceAuthorization",
            "POST /token", "CreateToken",
            "GET /authorize", "Authorize");

    private void identityCenter(HttpExchange exchange, String action, byte[] body) throws IOException {
        String requestId = UUID.randomUUID().toString();
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        Map<String, String> query = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> p : decode(exchange.getRequestURI().getRawQuery())) {
                query.putIfAbsent(p.getKey(), p.getValue());
            }
        } catch (StsError e) {
            stats.recordError(action, "InvalidRequestException");
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "InvalidRequestException");
            answer(exchange, 400, "application/json", "{\"message\":\"Malformed query string\"}");
            return;
        }
        String bearer = exchange.getRequestHeaders().getFirst("x-amz-sso_bearer_token");
        try {
            boolean portal = action.equals("ListAccounts") || action.equals("ListAccountRoles")
                    || action.equals("GetRoleCredentials") || action.equals("Logout");
            if (portal) {
                try {
                    portalLimit.apply("portal");
                } catch (StsError e) {
                    throw IdentityCenterService.SsoError.portal(429, "TooManyRequestsException", "Too many requests");
                }
            }
            if (action.equals("Authorize")) {
                String[] r = identityCenter.authorize(query);
                stats.recordOk(action);
                if (r[0].equals("302")) {
                    exchange.getResponseHeaders().set("Location", r[1]);
                    send(exchange, 302, "text/plain", "");
                } else {
                    exchange.getResponseHeaders().set("x-sandbox-user-code", r[2]);
                    send(exchange, 200, "text/html; charset=utf-8", r[1]);
                }
                return;
            }
            String json = switch (action) {
                case "ListAccounts" -> identityCenter.listAccounts(bearer, query);
                case "ListAccountRoles" -> identityCenter.listAccountRoles(bearer, query);
                case "GetRoleCredentials" -> identityCenter.getRoleCredentials(bearer, query);
                case "Logout" -> identityCenter.logout(bearer);
                case "RegisterClient" -> identityCenter.registerClient(body);
                case "StartDeviceAuthorization" -> identityCenter.startDeviceAuthorization(body, endpoint);
                default -> identityCenter.createToken(body);
            };
            stats.recordOk(action);
            answer(exchange, 200, "application/json", json);
        } catch (IdentityCenterService.SsoError e) {
            stats.recordError(action, e.type);
            LOG.debug("{} -> {} {}", action, e.status, e.type);
            exchange.getResponseHeaders().set("x-amzn-ErrorType", e.type);
            if (action.equals("Authorize")) {
                send(exchange, e.status, "text/plain; charset=utf-8", e.type + ": " + e.getMessage() + "\n");
            } else {
                answer(exchange, e.status, "application/json", e.body);
            }
        }
    }

    /** {@code POST /_sandbox/sso/approve} and {@code /_sandbox/sso/slow-down}, JSON {@code {"userCode", "user"}}. */
    private void ssoControl(HttpExchange exchange, String path, byte[] body) throws IOException {
        com.fasterxml.jackson.databind.JsonNode req;
        try {
            req = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (IOException e) {
            req = null;
        }
        if (req == null || !req.isObject()) {
            send(exchange, 400, "application/json", "{\"error\":\"the body must be a JSON object\"}");
            return;
        }
        String userCode = req.path("userCode").isTextual() ? req.get("userCode").asText() : null;
        String user = req.path("user").isTextual() ? req.get("user").asText() : null;
        try {
            switch (path) {
                case "/_sandbox/sso/approve" -> identityCenter.approve(userCode, user);
                case "/_sandbox/sso/slow-down" -> identityCenter.slowDown(userCode);
                default -> {
                    send(exchange, 404, "text/plain", "no such resource: POST " + path + "\n");
                    return;
                }
            }
            send(exchange, 200, "application/json", "{}");
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "application/json", new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode().put("error", e.getMessage()).toString());
        }
    }

    private static String error(String type, String code, String message, String requestId) {
        return "<ErrorResponse xmlns=\"" + StsService.NS + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + Xml.escape(message) + "</Message></Error><RequestId>" + requestId
                + "</RequestId></ErrorResponse>";
    }

    /**
     * Checks the {@code Host} header's syntax (name or IPv4, or a bracketed IPv6 literal, then an optional
     * port of digits): the signature covers it, so a malformed one is malformed input, answered 400.
     */
    static void checkHost(String host) {
        if (host == null) {
            return; // HTTP/1.0: the signature check says what is missing
        }
        boolean ok;
        if (host.startsWith("[")) {
            ok = host.matches("\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
        } else {
            ok = host.matches("[A-Za-z0-9._~%!$&'()*+,;=-]+(:[0-9]{1,5})?");
        }
        if (!ok) {
            throw StsError.sender(400, "MalformedInput", "The Host header is not a valid host[:port].");
        }
    }

    private void sts(HttpExchange exchange, String method, byte[] body) throws IOException {
        Map<String, String> params;
        try {
            params = params(exchange, method, body);
        } catch (StsError e) {
            params = Map.of();
        }
        String action = params.get("Action");
        String counted = action != null && ACTIONS.contains(action) ? action : "Unknown";
        String requestId = UUID.randomUUID().toString();
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        String region = signedRegion(exchange.getRequestHeaders().getFirst("Authorization"));
        try {
            checkHost(exchange.getRequestHeaders().getFirst("Host"));
            faults.apply(region);
            if (action == null) {
                throw StsError.sender(400, "MissingAction", "Missing Action");
            }
            if (!ACTIONS.contains(action) || !VERSION.equals(params.get("Version"))) {
                throw StsError.sender(400, "InvalidAction", "Could not find operation " + action + " for version "
                        + params.get("Version"));
            }
            String result = switch (action) {
                case "AssumeRoleWithSAML" -> service.assumeRoleWithSaml(params);
                case "AssumeRoleWithWebIdentity" -> service.assumeRoleWithWebIdentity(params);
                case "GetSessionToken" -> service.getSessionToken(params, service.authenticate(received(exchange, method, body)));
                case "AssumeRole" -> {
                    Principal caller = service.authenticate(received(exchange, method, body));
                    checkRegionEnabled(params.get("RoleArn"), region);
                    yield service.assumeRole(params, caller);
                }
                default -> service.getCallerIdentity(service.authenticate(received(exchange, method, body)));
            };
            stats.recordOk(region, counted);
            answer(exchange, 200, "text/xml", "<" + action + "Response xmlns=\"" + StsService.NS + "\">" + result
                    + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></" + action
                    + "Response>");
        } catch (StsError e) {
            stats.recordError(region, counted, e.code);
            LOG.debug("{} in {} -> {} {}", counted, region, e.status, e.code);
            answer(exchange, e.status, "text/xml", error(e.type, e.code, e.getMessage(), requestId));
        } catch (IllegalArgumentException e) {
            // Input the SDK's signer or parsers refuse (a region or host it cannot use): malformed input.
            stats.recordError(region, counted, "MalformedInput");
            LOG.debug("{} -> 400 MalformedInput: {}", counted, e.getMessage());
            answer(exchange, 400, "text/xml", error("Sender", "MalformedInput", "The request is malformed.", requestId));
        }
    }

    /**
     * The region of the SigV4 credential scope ({@code Credential=KEY/DATE/REGION/sts/aws4_request}): the
     * region whose quota a request counts against. Unsigned or malformed requests count against
     * {@code us-east-1}; the signature check later says what is wrong with a malformed one.
     */
    static String signedRegion(String authorization) {
        if (authorization != null) {
            java.util.regex.Matcher m = SCOPE_REGION.matcher(authorization);
            if (m.find()) {
                return m.group(1);
            }
        }
        return UNSIGNED_REGION;
    }

    /** AWS's answer when STS is not enabled in the request's region for the role's account. */
    private void checkRegionEnabled(String roleArn, String region) {
        String[] arn = roleArn == null ? new String[0] : roleArn.split(":", 6);
        if (arn.length == 6 && faults.regionDisabled(arn[4], region)) {
            throw StsError.sender(403, "RegionDisabledException", "STS is not activated in this region for account:"
                    + arn[4] + ". Your account administrator can activate STS in this region using the IAM Console.");
        }
    }

    private void federation(HttpExchange exchange, Map<String, String> params) throws IOException {
        String action = params.getOrDefault("Action", "");
        String counted = action.equals("getSigninToken") || action.equals("login") ? action : "federation";
        try {
            faults.apply(UNSIGNED_REGION);
            if (action.equals("getSigninToken")) {
                String json = service.signinToken(params);
                stats.recordOk(counted);
                answer(exchange, 200, "application/json", json);
            } else if (action.equals("login")) {
                String html = service.login(params);
                stats.recordOk(counted);
                answer(exchange, 200, "text/html; charset=utf-8", html);
            } else {
                throw StsService.federationError("InvalidAction", "Action must be getSigninToken or login");
            }
        } catch (StsError e) {
            stats.recordError(counted, e.code);
            answer(exchange, e.status, "text/plain; charset=utf-8", e.code + ": " + e.getMessage() + "\n");
        }
    }

    private static SigV4.Received received(HttpExchange exchange, String method, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        return new SigV4.Received(method, exchange.getRequestURI().getRawPath(),
                decode(exchange.getRequestURI().getRawQuery()), headers, body);
    }

    /** Query parameters, then (for a form POST) body parameters; the first occurrence of a name wins. */
    private static Map<String, String> params(HttpExchange exchange, String method, byte[] body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : decode(exchange.getRequestURI().getRawQuery())) {
            params.putIfAbsent(p.getKey(), p.getValue());
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (method.equals("POST") && (type == null || type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))) {
            for (Map.Entry<String, String> p : decode(new String(body, StandardCharsets.UTF_8))) {
                params.putIfAbsent(p.getKey(), p.getValue());
            }
        }
        return params;
    }

    private static List<Map.Entry<String, String>> decode(String raw) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.add(new AbstractMap.SimpleImmutableEntry<>(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw StsError.sender(400, "MalformedQueryString", "Malformed percent-encoding in the query");
            }
        }
        return out;
    }

    /** Sends an STS or federation answer after the injected latency, without holding this thread. */
    private void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        long delayNanos = faults.latency().toNanos();
        if (delayNanos <= 0) {
            send(exchange, status, contentType, body);
            return;
        }
        try {
            delayer.schedule(() -> {
                try {
                    send(exchange, status, contentType, body);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("sandbox: delayed answer not delivered: {}", e.toString());
                    exchange.close();
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            exchange.close(); // the sandbox is closing
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
