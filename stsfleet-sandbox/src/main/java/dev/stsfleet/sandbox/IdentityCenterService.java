package dev.stsfleet.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * IAM Identity Center: the AWS access portal API (ListAccounts, ListAccountRoles, GetRoleCredentials with the
 * {@code x-amz-sso_bearer_token} header) and the OIDC API (RegisterClient, StartDeviceAuthorization,
 * CreateToken for the device code, authorization code with PKCE and refresh token grants, and the browser's
 * {@code /authorize}). Role credentials come from the sandbox's STS, so they are valid there. Thread-safe;
 * its state (clients, device codes, codes, tokens) lives as long as the sandbox.
 *
 * <p>Lifetimes (scaled by the sandbox's duration scale): access tokens 1 hour when a refresh token comes with
 * them (clients registered with scopes or the refresh_token grant), else 8 hours; refresh tokens until 8 hours
 * after the login; role credentials 1 hour. Device codes last 10 minutes and authorization codes 5, unscaled.
 */
final class IdentityCenterService {
    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    private static final Duration DEVICE_CODE_LIFETIME = Duration.ofMinutes(10);
    private static final Duration AUTH_CODE_LIFETIME = Duration.ofMinutes(5);
    private static final Duration CLIENT_LIFETIME = Duration.ofDays(90);
    private static final int DEVICE_INTERVAL = 1;
    private static final int DEFAULT_PAGE = 20;

    private final SandboxModel.IdentityCenter ic;
    private final StsService sts;
    private final Clock clock;
    private final boolean autoApprove;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Client> clients = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DeviceAuth> deviceCodes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Pending> byUserCode = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AuthorizeRequest> authorizeRequests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AuthCode> codes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AccessGrant> accessTokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();

    IdentityCenterService(SandboxModel.IdentityCenter ic, StsService sts, boolean autoApprove) {
        this.ic = ic;
        this.sts = sts;
        this.clock = sts.clock();
        this.autoApprove = autoApprove;
    }

    /** An Identity Center error: HTTP status, the error type AWS names in {@code x-amzn-ErrorType}, the JSON body. */
    static final class SsoError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;
        final String body;

        private SsoError(int status, String type, String body, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
            this.body = body;
        }

        /** A portal error: {@code {"message": ...}}. */
        static SsoError portal(int status, String type, String message) {
            return new SsoError(status, type, JSON.createObjectNode().put("message", message).toString(), message);
        }

        /** An OIDC error: {@code {"error": ..., "error_description": ...}}. */
        static SsoError oidc(int status, String type, String error, String description) {
            return new SsoError(status, type, JSON.createObjectNode().put("error", error)
                    .put("error_description", description).toString(), description);
        }
    }

    private record Client(String id, String secret, Set<String> scopes, Set<String> grantTypes,
                          List<String> redirectUris, Instant expires) {
        boolean refreshable() {
            return !scopes.isEmpty() || grantTypes.contains("refresh_token");
        }
    }

    private interface Pending {
        void approve(String user);
    }

    private static final class DeviceAuth implements Pending {
        final String deviceCode;
        final String userCode;
        final String clientId;
        final Instant expires;
        volatile String approvedUser;
        volatile Instant lastPoll;
        volatile int interval = DEVICE_INTERVAL;
        volatile boolean slowDownNext;

        DeviceAuth(String deviceCode, String userCode, String clientId, Instant expires) {
            this.deviceCode = deviceCode;
            this.userCode = userCode;
            this.clientId = clientId;
            this.expires = expires;
        }

        @Override
        public void approve(String user) {
            approvedUser = user;
        }
    }

    private static final class AuthorizeRequest implements Pending {
        final String id;
        final String userCode;
        final String clientId;
        final String redirectUri;
        final String state;
        final String challenge;
        final Set<String> scopes;
        volatile String approvedUser;

        AuthorizeRequest(String id, String userCode, String clientId, String redirectUri, String state,
                         String challenge, Set<String> scopes) {
            this.id = id;
            this.userCode = userCode;
            this.clientId = clientId;
            this.redirectUri = redirectUri;
            this.state = state;
            this.challenge = challenge;
            this.scopes = scopes;
        }

        @Override
        public void approve(String user) {
            approvedUser = user;
        }
    }

    private record AuthCode(String clientId, String redirectUri, String challenge, String user, Instant expires) {
    }

    private record AccessGrant(String user, Instant expires) {
    }

    private record RefreshGrant(String user, String clientId, Instant sessionEnd) {
    }

    // ---------------------------------------------------------------- OIDC

    String registerClient(byte[] body) {
        JsonNode req = jsonBody(body);
        String name = text(req, "clientName");
        String type = text(req, "clientType");
        if (name == null || name.isBlank()) {
            throw invalidRequest("clientName is required");
        }
        if (!"public".equals(type)) {
            throw invalidRequest("clientType must be public");
        }
        Set<String> scopes = strings(req, "scopes");
        Set<String> grants = strings(req, "grantTypes");
        for (String g : grants) {
            if (!Set.of("authorization_code", "refresh_token", DEVICE_GRANT).contains(g)) {
                throw SsoError.oidc(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                        "Unsupported grant type: " + g);
            }
        }
        List<String> redirects = new ArrayList<>(strings(req, "redirectUris"));
        for (String r : redirects) {
            if (!loopback(r)) {
                throw SsoError.oidc(400, "InvalidRedirectUriException", "invalid_redirect_uri",
                        "Redirect URI must be a loopback http URL");
            }
        }
        Instant now = clock.instant();
        Client c = new Client("sbxclient-" + token(12), "sbxsecret-" + token(36), scopes, grants, redirects,
                now.plus(CLIENT_LIFETIME));
        clients.put(c.id(), c);
        ObjectNode out = JSON.createObjectNode().put("clientId", c.id()).put("clientSecret", c.secret())
                .put("clientIdIssuedAt", now.getEpochSecond()).put("clientSecretExpiresAt", c.expires().getEpochSecond());
        return out.toString();
    }

    String startDeviceAuthorization(byte[] body, URI endpoint) {
        JsonNode req = jsonBody(body);
        Client c = client(text(req, "clientId"), text(req, "clientSecret"));
        String startUrl = text(req, "startUrl");
        if (startUrl == null) {
            throw invalidRequest("startUrl is required");
        }
        if (!startUrl.equals(ic.startUrl())) {
            throw invalidRequest("Invalid start URL");
        }
        String userCode = userCode();
        DeviceAuth d = new DeviceAuth("sbxdevice-" + token(32), userCode, c.id(), clock.instant().plus(DEVICE_CODE_LIFETIME));
        deviceCodes.put(d.deviceCode, d);
        byUserCode.put(userCode, d);
        String verification = endpoint + "/start/#/device";
        return JSON.createObjectNode().put("deviceCode", d.deviceCode).put("userCode", userCode)
                .put("verificationUri", verification)
                .put("verificationUriComplete", verification + "?user_code=" + userCode)
                .put("expiresIn", DEVICE_CODE_LIFETIME.toSeconds()).put("interval", DEVICE_INTERVAL).toString();
    }

    /** The token endpoint; the grant type says which check applies. */
    String createToken(byte[] body) {
        JsonNode req = jsonBody(body);
        Client c = client(text(req, "clientId"), text(req, "clientSecret"));
        String grant = text(req, "grantType");
        if (grant == null) {
            throw invalidRequest("grantType is required");
        }
        Instant now = clock.instant();
        switch (grant) {
            case DEVICE_GRANT -> {
                String code = text(req, "deviceCode");
                DeviceAuth d = code == null ? null : deviceCodes.get(code);
                if (d == null || !d.clientId.equals(c.id())) {
                    throw invalidGrant("Invalid device code provided");
                }
                if (!now.isBefore(d.expires)) {
                    deviceCodes.remove(code);
                    byUserCode.remove(d.userCode);
                    throw SsoError.oidc(400, "ExpiredTokenException", "expired_token", "Device code has expired");
                }
                if (d.approvedUser == null && autoApprove) {
                    d.approve(firstUser());
                }
                if (d.approvedUser != null) {
                    deviceCodes.remove(code);
                    byUserCode.remove(d.userCode);
                    return tokens(c, d.approvedUser, now, now.plus(sts.scaled(8 * 3600)));
                }
                Instant last = d.lastPoll;
                d.lastPoll = now;
                if (d.slowDownNext || (last != null && now.isBefore(last.plusSeconds(d.interval)))) {
                    d.slowDownNext = false;
                    d.interval += 5;
                    throw SsoError.oidc(400, "SlowDownException", "slow_down", "Client is polling too fast");
                }
                throw SsoError.oidc(400, "AuthorizationPendingException", "authorization_pending",
                        "Authorization is still pending");
            }
            case "authorization_code" -> {
                String code = text(req, "code");
                AuthCode a = code == null ? null : codes.remove(code);
                if (a == null || !a.clientId().equals(c.id()) || !now.isBefore(a.expires())) {
                    throw invalidGrant("Invalid authorization code provided");
                }
                if (!Objects.equals(a.redirectUri(), text(req, "redirectUri"))) {
                    throw invalidGrant("Redirect URI does not match the authorization request");
                }
                String verifier = text(req, "codeVerifier");
                if (verifier == null || !a.challenge().equals(s256(verifier))) {
                    throw invalidGrant("Code verifier does not match the code challenge");
                }
                return tokens(c, a.user(), now, now.plus(sts.scaled(8 * 3600)));
            }
            case "refresh_token" -> {
                String refresh = text(req, "refreshToken");
                RefreshGrant r = refresh == null ? null : refreshTokens.get(refresh);
                if (r == null || !r.clientId().equals(c.id())) {
                    throw invalidGrant("Invalid refresh token provided");
                }
                if (!now.isBefore(r.sessionEnd())) {
                    refreshTokens.remove(refresh);
                    throw invalidGrant("Refresh token has expired");
                }
                Instant expires = min(now.plus(sts.scaled(3600)), r.sessionEnd());
                String access = "sbxaccess-" + token(48);
                accessTokens.put(access, new AccessGrant(r.user(), expires));
                return JSON.createObjectNode().put("accessToken", access).put("tokenType", "Bearer")
                        .put("expiresIn", seconds(now, expires)).put("refreshToken", refresh).toString();
            }
            default -> throw SsoError.oidc(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                    "Unsupported grant type");
        }
    }

    /**
     * The browser's {@code GET /authorize}: with auto-approval (or once the request was approved) a redirect to
     * the loopback callback with {@code code} and {@code state}; otherwise a page naming the user code to approve,
     * which reloads {@code /authorize?request_id=...}.
     *
     * @return [status, location or page, user code or null]
     */
    String[] authorize(Map<String, String> params) {
        AuthorizeRequest r;
        String requestId = params.get("request_id");
        if (requestId != null) {
            r = authorizeRequests.get(requestId);
            if (r == null) {
                throw invalidRequest("Unknown authorization request");
            }
        } else {
            if (!"code".equals(params.get("response_type"))) {
                throw invalidRequest("response_type must be code");
            }
            Client c = clients.get(String.valueOf(params.get("client_id")));
            if (c == null) {
                throw SsoError.oidc(401, "InvalidClientException", "invalid_client", "Invalid client");
            }
            String redirect = params.get("redirect_uri");
            if (redirect == null || !loopback(redirect)
                    || (!c.redirectUris().isEmpty() && !c.redirectUris().contains(redirect))) {
                throw SsoError.oidc(400, "InvalidRedirectUriException", "invalid_redirect_uri",
                        "Redirect URI is not registered for this client");
            }
            if (!"S256".equals(params.get("code_challenge_method")) || params.get("code_challenge") == null
                    || params.get("code_challenge").isBlank()) {
                throw invalidRequest("PKCE is required: code_challenge with code_challenge_method S256");
            }
            Set<String> scopes = new LinkedHashSet<>();
            String s = params.get("scopes");
            if (s != null) {
                for (String one : s.split("[ ,]+")) {
                    if (!one.isEmpty()) {
                        scopes.add(one);
                    }
                }
            }
            r = new AuthorizeRequest("sbxreq-" + token(12), userCode(), c.id(), redirect, params.get("state"),
                    params.get("code_challenge"), scopes);
            authorizeRequests.put(r.id, r);
            byUserCode.put(r.userCode, r);
            if (autoApprove) {
                r.approve(firstUser());
            }
        }
        if (r.approvedUser == null) {
            String page = "<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"1;url=/authorize?request_id="
                    + r.id + "\"><title>Sandbox sign-in</title></head><body><p>Approve user code <b>" + r.userCode
                    + "</b> (POST /_sandbox/sso/approve).</p></body></html>";
            return new String[] {"200", page, r.userCode};
        }
        authorizeRequests.remove(r.id);
        byUserCode.remove(r.userCode);
        String code = "sbxcode-" + token(24);
        codes.put(code, new AuthCode(r.clientId, r.redirectUri, r.challenge, r.approvedUser,
                clock.instant().plus(AUTH_CODE_LIFETIME)));
        String location = r.redirectUri + (r.redirectUri.contains("?") ? "&" : "?") + "code=" + enc(code)
                + (r.state == null ? "" : "&state=" + enc(r.state));
        return new String[] {"302", location, null};
    }

    /** {@code POST /_sandbox/sso/approve}: the user approves the device or browser request with this user code. */
    void approve(String userCode, String user) {
        Pending p = userCode == null ? null : byUserCode.get(userCode);
        if (p == null) {
            throw new IllegalArgumentException("no pending authorization has user code " + userCode);
        }
        if (user == null) {
            user = firstUser();
        }
        String u = user;
        if (ic.users().stream().noneMatch(x -> x.name().equals(u))) {
            throw new IllegalArgumentException("not an Identity Center user of the model: " + user);
        }
        p.approve(user);
    }

    /** The next poll of the device code with this user code is answered {@code slow_down} (as AWS may under load). */
    void slowDown(String userCode) {
        Pending p = userCode == null ? null : byUserCode.get(userCode);
        if (!(p instanceof DeviceAuth d)) {
            throw new IllegalArgumentException("no pending device authorization has user code " + userCode);
        }
        d.slowDownNext = true;
    }

    /** The polling interval (seconds) the device code with this user code requires now. */
    int deviceInterval(String userCode) {
        Pending p = byUserCode.get(userCode);
        if (!(p instanceof DeviceAuth d)) {
            throw new IllegalArgumentException("no pending device authorization has user code " + userCode);
        }
        return d.interval;
    }

    /** The user codes of the device codes and browser sign-ins waiting for approval. */
    List<String> pendingUserCodes() {
        return List.copyOf(byUserCode.keySet());
    }

    /** Ends every access token now (the refresh tokens still work), as when a token expires. */
    void expireAccessTokens() {
        accessTokens.replaceAll((k, g) -> new AccessGrant(g.user(), clock.instant()));
    }

    private String tokens(Client c, String user, Instant now, Instant sessionEnd) {
        ObjectNode out = JSON.createObjectNode();
        String access = "sbxaccess-" + token(48);
        Instant expires;
        if (c.refreshable()) {
            expires = min(now.plus(sts.scaled(3600)), sessionEnd);
            String refresh = "sbxrefresh-" + token(48);
            refreshTokens.put(refresh, new RefreshGrant(user, c.id(), sessionEnd));
            out.put("accessToken", access).put("tokenType", "Bearer").put("expiresIn", seconds(now, expires))
                    .put("refreshToken", refresh);
        } else {
            expires = sessionEnd;
            out.put("accessToken", access).put("tokenType", "Bearer").put("expiresIn", seconds(now, expires));
        }
        accessTokens.put(access, new AccessGrant(user, expires));
        return out.toString();
    }

    // ---------------------------------------------------------------- portal

    private String user(String bearer) {
        AccessGrant g = bearer == null ? null : accessTokens.get(bearer);
        if (g == null || !clock.instant().isBefore(g.expires())) {
            throw SsoError.portal(401, "UnauthorizedException", "Session token not found or invalid");
        }
        return g.user();
    }

    /**
     * Logout: ends the user's sign-in session, as the portal does: this access token and every refresh token of
     * the user stop working (access tokens issued earlier run out on their own, as AWS's do).
     */
    String logout(String bearer) {
        String user = user(bearer);
        accessTokens.remove(bearer);
        refreshTokens.values().removeIf(r -> r.user().equals(user));
        return "";
    }

    String listAccounts(String bearer, Map<String, String> params) {
        String user = user(bearer);
        List<SandboxModel.SsoAccount> mine = ic.accounts().stream()
                .filter(a -> ic.assignments().stream().anyMatch(x -> x.user().equals(user)
                        && x.accountId().equals(a.accountId())))
                .toList();
        int[] page = page(params, mine.size());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("accountList");
        for (SandboxModel.SsoAccount a : mine.subList(page[0], page[1])) {
            ObjectNode n = list.addObject().put("accountId", a.accountId()).put("accountName", a.accountName());
            if (a.emailAddress() != null) {
                n.put("emailAddress", a.emailAddress());
            }
        }
        if (page[1] < mine.size()) {
            out.put("nextToken", nextToken(page[1]));
        }
        return out.toString();
    }

    String listAccountRoles(String bearer, Map<String, String> params) {
        String user = user(bearer);
        String account = params.get("account_id");
        if (account == null || !account.matches("\\d{12}")) {
            throw SsoError.portal(400, "InvalidRequestException", "account_id must be a 12-digit account id");
        }
        List<SandboxModel.SsoAssignment> mine = ic.assignments().stream()
                .filter(x -> x.user().equals(user) && x.accountId().equals(account)).toList();
        int[] page = page(params, mine.size());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("roleList");
        for (SandboxModel.SsoAssignment a : mine.subList(page[0], page[1])) {
            list.addObject().put("roleName", a.permissionSet()).put("accountId", a.accountId());
        }
        if (page[1] < mine.size()) {
            out.put("nextToken", nextToken(page[1]));
        }
        return out.toString();
    }

    String getRoleCredentials(String bearer, Map<String, String> params) {
        String user = user(bearer);
        String account = params.get("account_id");
        String role = params.get("role_name");
        if (account == null || role == null) {
            throw SsoError.portal(400, "InvalidRequestException", "account_id and role_name are required");
        }
        boolean assigned = ic.assignments().stream().anyMatch(x -> x.user().equals(user)
                && x.accountId().equals(account) && x.permissionSet().equals(role));
        if (!assigned) {
            throw SsoError.portal(403, "ForbiddenException", "No access");
        }
        IssuedCredentials c = sts.issueIdentityCenterSession(account, role, user);
        ObjectNode out = JSON.createObjectNode();
        out.putObject("roleCredentials").put("accessKeyId", c.accessKeyId()).put("secretAccessKey", c.secretAccessKey())
                .put("sessionToken", c.sessionToken()).put("expiration", c.expiration().toEpochMilli());
        return out.toString();
    }

    // ---------------------------------------------------------------- helpers

    private String firstUser() {
        return ic.users().get(0).name();
    }

    private Client client(String id, String secret) {
        Client c = id == null ? null : clients.get(id);
        if (c == null || secret == null || !MessageDigest.isEqual(c.secret().getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8)) || !clock.instant().isBefore(c.expires())) {
            throw SsoError.oidc(401, "InvalidClientException", "invalid_client", "Invalid client");
        }
        return c;
    }

    private static int[] page(Map<String, String> params, int size) {
        int max = DEFAULT_PAGE;
        String m = params.get("max_result");
        if (m != null) {
            try {
                max = Integer.parseInt(m);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > 100) {
                throw SsoError.portal(400, "InvalidRequestException", "max_result must be 1 to 100");
            }
        }
        int from = 0;
        String next = params.get("next_token");
        if (next != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(next), StandardCharsets.UTF_8);
                if (!decoded.startsWith("page:")) {
                    throw new IllegalArgumentException();
                }
                from = Integer.parseInt(decoded.substring(5));
            } catch (IllegalArgumentException e) {
                throw SsoError.portal(400, "InvalidRequestException", "Invalid next token");
            }
            if (from < 0 || from > size) {
                throw SsoError.portal(400, "InvalidRequestException", "Invalid next token");
            }
        }
        return new int[] {from, Math.min(size, from + max)};
    }

    private static String nextToken(int from) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("page:" + from).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode jsonBody(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw invalidRequest("The request body must be a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw invalidRequest("The request body is not JSON");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isTextual() ? null : v.asText();
    }

    private static Set<String> strings(JsonNode n, String field) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode v = n.get(field);
        if (v != null && v.isArray()) {
            v.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    private static boolean loopback(String uri) {
        try {
            URI u = new URI(uri);
            return "http".equals(u.getScheme()) && ("127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost())
                    || "[::1]".equals(u.getHost()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    static String s256(String verifier) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SsoError invalidRequest(String message) {
        return SsoError.oidc(400, "InvalidRequestException", "invalid_request", message);
    }

    private static SsoError invalidGrant(String message) {
        return SsoError.oidc(400, "InvalidGrantException", "invalid_grant", message);
    }

    private String userCode() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(USER_CODE_ALPHABET.charAt(random.nextInt(USER_CODE_ALPHABET.length())));
        }
        return b.toString();
    }

    private String token(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static long seconds(Instant now, Instant end) {
        return Math.max(1, Duration.between(now, end).toSeconds());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
