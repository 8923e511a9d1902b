package dev.stsfleet.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SAML IdP on 127.0.0.1 (port 0) that REQUIRES one way of logging in and hands out an (unsigned) SAML response
 * only after it succeeded, the way Windows-integrated ADFS and its kin do: HTTP Basic, HTTP Digest (RFC 7616,
 * MD5 or SHA-256, {@code qop=auth}, one-time nonces), NTLMv2 (MS-NLMP: the server verifies NTProofStr with
 * NTOWFv2 of its own copy of the password) or ADFS forms authentication. Every check is written here, apart
 * from the client under test. One per test class or test; close it.
 */
public final class AuthIdpServer implements AutoCloseable {
    /** The login the server insists on. */
    public enum Scheme { BASIC, DIGEST_MD5, DIGEST_SHA256, NTLM, ADFS }

    /** Where the SAML response is handed out: ADFS's IdP-initiated sign-on URL. */
    public static final String PATH = "/adfs/ls/IdpInitiatedSignOn.aspx";
    private static final String REALM = "idp@stsfleet.test";
    private static final int NTLM_FLAGS = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00010000
            | 0x00080000 | 0x00800000 | 0x20000000 | 0x80000000;

    private final Scheme scheme;
    private final String domain;
    private final String user;
    private final String password;
    private final List<String> roles;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Digest nonces handed out and not yet used: each is good for one request. */
    private final Set<String> nonces = ConcurrentHashMap.newKeySet();
    /** NTLM is connection-bound: the server challenge of each client connection (remote address). */
    private final Map<String, byte[]> ntlmChallenges = new ConcurrentHashMap<>();
    private final Set<String> adfsSessions = ConcurrentHashMap.newKeySet();

    private AuthIdpServer(Scheme scheme, String account, String password, List<String> roles) {
        this.scheme = scheme;
        int slash = account.indexOf('\\');
        this.domain = slash > 0 ? account.substring(0, slash) : "";
        this.user = slash > 0 ? account.substring(slash + 1) : account;
        this.password = password;
        this.roles = List.copyOf(roles);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext(PATH, exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (IOException | RuntimeException e) {
                // the client went away, or sent garbage: nothing more to answer
            }
        });
        server.start();
    }

    /**
     * @param account  the one account: {@code DOMAIN\\user} (NTLM checks both) or {@code user}
     * @param roles    the Role attribute values of the SAML response
     */
    public static AuthIdpServer start(Scheme scheme, String account, String password, List<String> roles) {
        return new AuthIdpServer(scheme, account, password, roles);
    }

    /** The sign-on URL, with ADFS's relying-party query. */
    public URI ssoUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH
                + "?loginToRp=urn:amazon:webservices");
    }

    /** How many SAML responses were handed out (successful logins). */
    public int logins() {
        return logins.get();
    }

    /** How many credentials were checked and refused. */
    public int refusals() {
        return refusals.get();
    }

    /** Every {@code Authorization} header received, in order (for replay tests). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            authorizations.add(authorization);
        }
        switch (scheme) {
            case BASIC -> basic(exchange, authorization);
            case DIGEST_MD5, DIGEST_SHA256 -> digest(exchange, authorization);
            case NTLM -> ntlm(exchange, authorization);
            case ADFS -> adfs(exchange);
            default -> throw new IllegalStateException();
        }
    }

    private void basic(HttpExchange exchange, String authorization) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (expected.equals(authorization)) {
            samlPage(exchange);
        } else {
            refuse(exchange, authorization, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        }
    }

    // RFC 7616 section 3.4: response = H(H(user:realm:password):nonce:nc:cnonce:qop:H(method:uri)).
    private void digest(HttpExchange exchange, String authorization) throws IOException {
        String algorithm = scheme == Scheme.DIGEST_MD5 ? "MD5" : "SHA-256";
        Map<String, String> p = authorization != null && authorization.startsWith("Digest ")
                ? digestParams(authorization.substring(7)) : Map.of();
        boolean fresh = p.containsKey("nonce") && nonces.remove(p.get("nonce")); // used once, never again
        boolean ok = fresh && user.equals(p.get("username")) && REALM.equals(p.get("realm"))
                && algorithm.equalsIgnoreCase(p.getOrDefault("algorithm", "MD5")) && "auth".equals(p.get("qop"))
                && exchange.getRequestURI().toString().equals(p.get("uri")) && p.get("cnonce") != null
                && p.get("nc") != null && p.get("response") != null;
        if (ok) {
            String ha1 = hex(algorithm, user + ":" + REALM + ":" + password);
            String ha2 = hex(algorithm, exchange.getRequestMethod() + ":" + p.get("uri"));
            String expected = hex(algorithm, ha1 + ":" + p.get("nonce") + ":" + p.get("nc") + ":" + p.get("cnonce")
                    + ":auth:" + ha2);
            ok = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    p.get("response").toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        }
        if (ok) {
            samlPage(exchange);
            return;
        }
        String nonce = HexFormat.of().formatHex(bytes(16));
        nonces.add(nonce);
        refuse(exchange, authorization, "Digest realm=\"" + REALM + "\", qop=\"auth\", algorithm=" + algorithm
                + ", nonce=\"" + nonce + "\", opaque=\"" + HexFormat.of().formatHex(bytes(8)) + "\", charset=UTF-8");
    }

    private static Map<String, String> digestParams(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]+))").matcher(header);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return params;
    }

    // MS-NLMP 3.1.5 / 3.3.2: NEGOTIATE -> CHALLENGE (server challenge, target info) -> AUTHENTICATE, on one
    // connection. NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)), and
    // NTProofStr = HMAC-MD5(NTOWFv2, serverChallenge + blob) must equal the response's first 16 bytes.
    private void ntlm(HttpExchange exchange, String authorization) throws IOException {
        String connection = exchange.getRemoteAddress().toString();
        byte[] message = authorization != null && authorization.startsWith("NTLM ")
                ? Base64.getDecoder().decode(authorization.substring(5).trim()) : new byte[0];
        int type = message.length >= 12 && new String(message, 0, 8, StandardCharsets.US_ASCII).equals("NTLMSSP\0")
                ? le(message).getInt(8) : 0;
        if (type == 1) {
            byte[] challenge = bytes(8);
            ntlmChallenges.put(connection, challenge);
            String token = Base64.getEncoder().encodeToString(challengeMessage(challenge));
            send(exchange, 401, "NTLM " + token, "<html>continue</html>");
            return;
        }
        byte[] challenge = ntlmChallenges.remove(connection);
        if (type == 3 && challenge != null && verifyNtlmV2(message, challenge)) {
            samlPage(exchange);
        } else {
            refuse(exchange, authorization, "NTLM");
        }
    }

    private byte[] challengeMessage(byte[] serverChallenge) {
        byte[] target = domain.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer info = le(ByteBuffer.allocate(64 + 4 * target.length));
        info.putShort((short) 2).putShort((short) target.length).put(target); // MsvAvNbDomainName
        byte[] computer = "IDP".getBytes(StandardCharsets.UTF_16LE);
        info.putShort((short) 1).putShort((short) computer.length).put(computer); // MsvAvNbComputerName
        info.putShort((short) 0).putShort((short) 0); // MsvAvEOL
        byte[] targetInfo = Arrays.copyOf(info.array(), info.position());
        ByteBuffer m = le(ByteBuffer.allocate(56 + target.length + targetInfo.length));
        m.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(2);
        m.putShort((short) target.length).putShort((short) target.length).putInt(56);
        m.putInt(NTLM_FLAGS).put(serverChallenge).putLong(0);
        m.putShort((short) targetInfo.length).putShort((short) targetInfo.length).putInt(56 + target.length);
        m.put(new byte[] {6, 1, (byte) 0xb1, 0x1d, 0, 0, 0, 15}); // version: 6.1 build 7601, NTLMSSP revision 15
        m.put(target).put(targetInfo);
        return m.array();
    }

    private boolean verifyNtlmV2(byte[] m, byte[] serverChallenge) {
        byte[] nt = field(m, 20);
        String msgDomain = new String(field(m, 28), StandardCharsets.UTF_16LE);
        String msgUser = new String(field(m, 36), StandardCharsets.UTF_16LE);
        boolean known = msgDomain.isEmpty() && domain.isEmpty() ? msgUser.equalsIgnoreCase(user)
                : msgUser.equalsIgnoreCase(user) && msgDomain.equalsIgnoreCase(domain)
                  || msgDomain.isEmpty() && msgUser.equalsIgnoreCase(user + "@" + domain);
        if (!known || nt.length <= 24 + 16) { // 24 bytes is NTLMv1: refused
            return false;
        }
        byte[] ntowfv2 = hmacMd5(Md4.digest(password.getBytes(StandardCharsets.UTF_16LE)),
                (msgUser.toUpperCase(Locale.ROOT) + msgDomain).getBytes(StandardCharsets.UTF_16LE));
        byte[] blob = Arrays.copyOfRange(nt, 16, nt.length);
        byte[] proof = hmacMd5(ntowfv2, concat(serverChallenge, blob));
        return blob[0] == 1 && blob[1] == 1 && MessageDigest.isEqual(proof, Arrays.copyOf(nt, 16));
    }

    /** An NTLM security buffer: length at {@code at}, offset at {@code at + 4}. */
    private static byte[] field(byte[] m, int at) {
        ByteBuffer b = le(m);
        int length = b.getShort(at) & 0xffff;
        int offset = b.getInt(at + 4);
        return Arrays.copyOfRange(m, offset, offset + length);
    }

    // ADFS forms authentication: the sign-in page, a POST of UserName/Password/AuthMethod, a session cookie and
    // a redirect back to the sign-on URL, which then hands out the SAML response. A wrong password: the page again.
    private void adfs(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod())) {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            String account = domain.isEmpty() ? user : domain + "\\" + user;
            if (account.equalsIgnoreCase(form.get("UserName")) && password.equals(form.get("Password"))
                    && "FormsAuthentication".equals(form.get("AuthMethod"))) {
                String session = HexFormat.of().formatHex(bytes(16));
                adfsSessions.add(session);
                exchange.getResponseHeaders().add("Set-Cookie", "MSISAuth=" + session + "; path=/adfs; HttpOnly");
                exchange.getResponseHeaders().set("Location", exchange.getRequestURI().toString());
                exchange.sendResponseHeaders(302, -1);
            } else {
                refusals.incrementAndGet();
                send(exchange, 200, null, signInPage("Incorrect user ID or password."));
            }
            return;
        }
        String cookie = exchange.getRequestHeaders().getFirst("Cookie");
        Matcher session = Pattern.compile("MSISAuth=(\\w+)").matcher(cookie == null ? "" : cookie);
        if (session.find() && adfsSessions.remove(session.group(1))) {
            samlPage(exchange);
        } else {
            send(exchange, 200, null, signInPage(""));
        }
    }

    private static String signInPage(String error) {
        return "<html><body><div id=\"error\">" + error + "</div>"
                + "<form method=\"post\" id=\"loginForm\" autocomplete=\"off\" action=\"\">"
                + "<input id=\"userNameInput\" name=\"UserName\" type=\"email\" value=\"\">"
                + "<input id=\"passwordInput\" name=\"Password\" type=\"password\">"
                + "<input id=\"optionForms\" type=\"hidden\" name=\"AuthMethod\" value=\"FormsAuthentication\">"
                + "<span id=\"submitButton\" role=\"button\">Sign in</span></form></body></html>";
    }

    private void samlPage(HttpExchange exchange) throws IOException {
        int n = logins.incrementAndGet();
        String xml = SamlResponses.responseXml(roles, Instant.now().plusSeconds(3600), null)
                .replace("ID=\"_a1\"", "ID=\"_a" + n + "\"");
        send(exchange, 200, null, SamlResponses.postPage(SamlResponses.base64(xml)));
    }

    private void refuse(HttpExchange exchange, String authorization, String challenge) throws IOException {
        if (authorization != null) {
            refusals.incrementAndGet();
        }
        List<String> challenges = new ArrayList<>();
        if (scheme == Scheme.NTLM) {
            challenges.add("Negotiate"); // as ADFS offers it; the client under test cannot do Kerberos
        }
        challenges.add(challenge);
        challenges.forEach(c -> exchange.getResponseHeaders().add("WWW-Authenticate", c));
        send(exchange, 401, null, "<html><body>401 Unauthorized</body></html>");
    }

    private static void send(HttpExchange exchange, int status, String challenge, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        if (challenge != null) {
            exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
        }
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(ByteBuffer buffer) {
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] hmacMd5(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
