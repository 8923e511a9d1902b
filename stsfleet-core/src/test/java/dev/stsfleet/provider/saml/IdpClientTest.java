package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdpClientTest {
    private static final String PASSWORD = "s3cret pä$$&=+";
    private static final String RESPONSE = Saml.base64(Saml.responseXml(
            List.of("arn:aws:iam::222222222222:role/Deploy," + Saml.PROVIDER), Instant.parse("2030-01-01T00:00:00Z"), null));
    private static final String LOGIN_PAGE = "<html><body><h1>Sign in</h1>"
            + "<form id=\"kc-form-login\" onsubmit=\"return true;\"\n action=\"/login-actions/authenticate?session_code=x&amp;execution=y\" method=\"post\">"
            + "<input tabindex=\"1\" id=\"username\" name=\"username\" type=\"text\" autofocus>"
            + "<input tabindex=\"2\" id=\"password\" name=\"password\" type=\"password\">"
            + "<input type=\"hidden\" id=\"id-hidden-input\" name=\"credentialId\" value=\"\">"
            + "<input type='hidden' name='csrf' value='tok&amp;1'>"
            + "<input type=\"submit\" name=\"login\" value=\"Sign In\"></form></body></html>";

    private final LoopbackServer server = new LoopbackServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private IdpClient.Builder client(String path, IdpClient.Login login) {
        return IdpClient.builder().url(server.uri(path)).login(login).username("alice").password(PASSWORD.toCharArray());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private void serveBasic() {
        server.on("/sso", (exchange, request) -> {
            if (basic("alice", PASSWORD).equals(request.headers().getFirst("Authorization"))) {
                LoopbackServer.send(exchange, 200, Saml.postPage(RESPONSE));
            } else {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"test\"");
                LoopbackServer.send(exchange, 401, "no");
            }
        });
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8), p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private void serveForm() {
        server.on("/sso", (exchange, request) -> {
            // As Keycloak does, even over http: a Secure cookie the JDK's CookieManager would not send back.
            exchange.getResponseHeaders().add("Set-Cookie", "AUTH_SESSION=abc; Path=/; Secure; HttpOnly; SameSite=None");
            LoopbackServer.send(exchange, 200, LOGIN_PAGE);
        });
        server.on("/login-actions/authenticate", (exchange, request) -> {
            Map<String, String> fields = form(request.body());
            boolean ok = "POST".equals(request.method())
                    && "AUTH_SESSION=abc".equals(request.headers().getFirst("Cookie"))
                    && "session_code=x&execution=y".equals(request.query())
                    && "tok&1".equals(fields.get("csrf")) && "".equals(fields.get("credentialId"))
                    && "alice".equals(fields.get("username")) && PASSWORD.equals(fields.get("password"))
                    && !fields.containsKey("login");
            if (ok) {
                LoopbackServer.redirect(exchange, 302, "/done");
            } else {
                LoopbackServer.send(exchange, 200, LOGIN_PAGE.replace("<h1>Sign in</h1>", "<p>Invalid username or password.</p>"));
            }
        });
        server.on("/done", (exchange, request) -> {
            boolean ok = "GET".equals(request.method()) && "AUTH_SESSION=abc".equals(request.headers().getFirst("Cookie"));
            LoopbackServer.send(exchange, ok ? 200 : 400, ok ? Saml.postPage(RESPONSE) : "Restart login cookie not found");
        });
    }

    @Test
    void basicLogin_sendsThePreemptiveHeader_andReturnsTheSamlResponse() {
        serveBasic();
        try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).build()) {
            assertThat(idp.fetchSamlResponse()).isEqualTo(RESPONSE);
        }
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).headers().getFirst("Authorization")).isEqualTo(basic("alice", PASSWORD));
    }

    @Test
    void basicLogin_withWrongPassword_isAccessDenied_andNamesNoSecret() {
        serveBasic();
        try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).password("wrong-password".toCharArray()).build()) {
            Throwable thrown = catchThrowable(idp::login);

            assertThat(thrown).isInstanceOf(IdpAccessDeniedException.class).hasMessageContaining("HTTP 401");
            Saml.assertNoSecretIn(thrown, "wrong-password", PASSWORD);
        }
    }

    @Test
    void formLogin_postsUserAndPasswordWithHiddenFieldsAndCookies_thenFollowsTheRedirect() {
        serveForm();
        try (IdpClient idp = client("/sso", IdpClient.Login.FORM).build()) {
            SamlAssertion assertion = idp.login();

            assertThat(assertion.roles()).extracting(SamlRole::roleName).containsExactly("Deploy");
            assertThat(assertion.encoded()).isEqualTo(RESPONSE);
        }
        assertThat(server.requests()).extracting(LoopbackServer.Request::path)
                .containsExactly("/sso", "/login-actions/authenticate", "/done");
        assertThat(server.requests().get(0).headers().containsKey("Authorization")).isFalse();
    }

    @Test
    void formLogin_withWrongPassword_showsTheFormAgain_isAccessDenied() {
        serveForm();
        try (IdpClient idp = client("/sso", IdpClient.Login.FORM).password("nope-nope".toCharArray()).build()) {
            Throwable thrown = catchThrowable(idp::login);

            assertThat(thrown).isInstanceOf(IdpAccessDeniedException.class).hasMessageContaining("login form again");
            Saml.assertNoSecretIn(thrown, "nope-nope");
        }
    }

    @Test
    void formLogin_withConfiguredFieldNames_postsThoseNames() {
        server.on("/sso", (exchange, request) -> LoopbackServer.send(exchange, 200,
                "<form method=post action=/signin><input name=UserName><input name=Secret type=text></form>"));
        server.on("/signin", (exchange, request) -> {
            Map<String, String> fields = form(request.body());
            boolean ok = "alice".equals(fields.get("UserName")) && PASSWORD.equals(fields.get("Secret"));
            LoopbackServer.send(exchange, ok ? 200 : 403, Saml.postPage(RESPONSE));
        });
        try (IdpClient idp = client("/sso", IdpClient.Login.FORM).usernameField("UserName").passwordField("Secret").build()) {
            assertThat(idp.fetchSamlResponse()).isEqualTo(RESPONSE);
        }
    }

    @Test
    void extraHeaders_goWithEveryRequest() {
        serveForm();
        try (IdpClient idp = client("/sso", IdpClient.Login.FORM)
                .header("User-Agent", "Mozilla/5.0 (stsfleet)").headers(Map.of("X-Tenant", "blue")).build()) {
            idp.fetchSamlResponse();
        }
        assertThat(server.requests()).hasSize(3).allSatisfy(r -> {
            assertThat(r.headers().getFirst("User-Agent")).isEqualTo("Mozilla/5.0 (stsfleet)");
            assertThat(r.headers().getFirst("X-Tenant")).isEqualTo("blue");
        });
    }

    @Test
    void redirectToAnotherOrigin_dropsTheBasicHeader() {
        try (LoopbackServer other = new LoopbackServer()) {
            other.on("/landing", (exchange, request) -> LoopbackServer.send(exchange, 200, Saml.postPage(RESPONSE)));
            String elsewhere = other.uri("/landing").toString().replace("127.0.0.1", "localhost");
            server.on("/sso", (exchange, request) -> LoopbackServer.redirect(exchange, 302, elsewhere));
            try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).build()) {
                assertThat(idp.fetchSamlResponse()).isEqualTo(RESPONSE);
            }
            assertThat(server.requests().get(0).headers().containsKey("Authorization")).isTrue();
            assertThat(other.requests()).hasSize(1);
            assertThat(other.requests().get(0).headers().containsKey("Authorization")).isFalse();
        }
    }

    @Test
    void redirectLoop_isInvalidResponse() {
        server.on("/sso", (exchange, request) -> LoopbackServer.redirect(exchange, 302, "/sso"));
        try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).build()) {
            assertThatThrownBy(idp::login).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("redirected more than");
        }
        assertThat(server.requests()).hasSize(IdpClient.MAX_REDIRECTS + 1);
    }

    @Test
    void serverError_isInvalidResponse_andForbidden_isAccessDenied() {
        server.on("/broken", (exchange, request) -> LoopbackServer.send(exchange, 500, "oops"));
        server.on("/forbidden", (exchange, request) -> LoopbackServer.send(exchange, 403, "go away"));
        try (IdpClient broken = client("/broken", IdpClient.Login.BASIC).build();
             IdpClient forbidden = client("/forbidden", IdpClient.Login.FORM).build()) {
            assertThatThrownBy(broken::login).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("HTTP 500");
            assertThatThrownBy(forbidden::login).isInstanceOf(IdpAccessDeniedException.class).hasMessageContaining("HTTP 403");
        }
    }

    @Test
    void pageWithoutSamlResponse_isInvalidResponse() {
        server.on("/sso", (exchange, request) -> LoopbackServer.send(exchange, 200, "<html>Maintenance</html>"));
        try (IdpClient idp = client("/sso", IdpClient.Login.NONE).build()) {
            assertThatThrownBy(idp::login).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("no SAMLResponse");
        }
    }

    @Test
    void fiftyMegabytePage_isRefusedWithoutReadingItAll() {
        server.on("/sso", (exchange, request) -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = "<p>padding</p>".repeat(4096).getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < 50L * 1024 * 1024; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        });
        try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).build()) {
            assertThatThrownBy(idp::login).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("larger than");
        }
    }

    @Test
    void idpThatNeverAnswers_timesOut_asIdpException() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.on("/sso", (exchange, request) -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).requestTimeout(Duration.ofMillis(300)).build()) {
            Throwable thrown = catchThrowable(idp::login);

            assertThat(thrown).isExactlyInstanceOf(IdpException.class).hasMessageContaining("cannot reach");
        } finally {
            release.countDown();
        }
    }

    @Test
    void unreachableIdp_isIdpException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (IdpClient idp = IdpClient.builder().url(URI.create("http://127.0.0.1:" + port + "/sso"))
                .login(IdpClient.Login.BASIC).username("alice").password(PASSWORD.toCharArray()).build()) {
            Throwable thrown = catchThrowable(idp::login);

            assertThat(thrown).isExactlyInstanceOf(IdpException.class).hasMessageContaining("127.0.0.1:" + port);
            Saml.assertNoSecretIn(thrown, PASSWORD);
        }
    }

    @Test
    void builder_refusesHeadersTheClientOwns_andMissingCredentials() {
        assertThatThrownBy(() -> IdpClient.builder().header("Authorization", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdpClient.builder().header("Host", "evil")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdpClient.builder().url(server.uri("/sso")).login(IdpClient.Login.FORM).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> IdpClient.builder().url(URI.create("ftp://idp/")).login(IdpClient.Login.NONE).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void callersPasswordArray_isCopied_andClosedClientRefusesToLogIn() {
        char[] password = PASSWORD.toCharArray();
        serveBasic();
        IdpClient idp = IdpClient.builder().url(server.uri("/sso")).login(IdpClient.Login.BASIC)
                .username("alice").password(password).build();
        Arrays.fill(password, '\0'); // the caller zeroes its own array at once
        assertThat(idp.fetchSamlResponse()).isEqualTo(RESPONSE);

        idp.close();

        assertThatThrownBy(idp::login).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toString_showsNoPassword() {
        try (IdpClient idp = client("/sso?token=abc", IdpClient.Login.FORM).build()) {
            assertThat(idp.toString()).contains("alice", "FORM").doesNotContain(PASSWORD).doesNotContain("token=abc");
        }
    }

    @Test
    void challengeFromAnotherOrigin_afterARedirect_getsNoCredentials() {
        try (LoopbackServer other = new LoopbackServer()) {
            other.on("/landing", (exchange, request) -> {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"elsewhere\"");
                exchange.getResponseHeaders().add("WWW-Authenticate", "NTLM");
                LoopbackServer.send(exchange, 401, "who are you?");
            });
            String elsewhere = other.uri("/landing").toString().replace("127.0.0.1", "localhost");
            server.on("/sso", (exchange, request) -> LoopbackServer.redirect(exchange, 302, elsewhere));
            for (IdpClient.Login login : List.of(IdpClient.Login.AUTO, IdpClient.Login.NTLM, IdpClient.Login.BASIC)) {
                try (IdpClient idp = client("/sso", login).build()) {
                    assertThatThrownBy(idp::login).isInstanceOf(IdpAccessDeniedException.class).hasMessageContaining("HTTP 401");
                }
            }
            assertThat(other.requests()).hasSize(3).allSatisfy(r -> assertThat(r.headers().containsKey("Authorization")).isFalse());
        }
    }

    @Test
    void redirectFromHttpsToPlainHttp_isRefused_beforeAnyRequestOverHttp(@TempDir Path dir)
            throws Exception {
        server.on("/landing", (exchange, request) -> LoopbackServer.send(exchange, 200, Saml.postPage(RESPONSE)));
        char[] storePass = "changeit".toCharArray();
        Path store = dir.resolve("idp.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "idp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, storePass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, storePass);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(keys);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsServer https = HttpsServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/sso", exchange -> {
            try (exchange) {
                LoopbackServer.redirect(exchange, 302, server.uri("/landing").toString());
            }
        });
        https.start();
        try (IdpClient idp = client("/sso", IdpClient.Login.BASIC).url(URI.create("https://127.0.0.1:"
                + https.getAddress().getPort() + "/sso")).sslContext(tls).build()) {
            Throwable thrown = catchThrowable(idp::login);

            assertThat(thrown).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("HTTPS to plain HTTP");
            assertThat(server.requests()).isEmpty();
        } finally {
            https.stop(0);
        }
    }
}
