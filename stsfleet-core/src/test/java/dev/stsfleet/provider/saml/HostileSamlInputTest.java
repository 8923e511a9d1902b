package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.stsfleet.TemporaryCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile inputs through the whole provider path (IdP page on a loopback server, extractor,
 * hardened parser, role choice): each ends as a typed error, reads no file, makes no STS call, and is bounded
 * in time preemptively (a hang fails the test instead of stalling the build).
 */
class HostileSamlInputTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** Serves {@code page} as the IdP's answer to a Basic login, then asks the provider for a role. */
    private static Throwable loginWith(String page) {
        AtomicInteger stsCalls = new AtomicInteger();
        SamlAssumer sts = (role, principal, assertion, seconds) -> {
            stsCalls.incrementAndGet();
            return TemporaryCredentials.of("ASIAX", "s", "t", Instant.now(), Instant.now().plusSeconds(3600));
        };
        try (LoopbackServer server = new LoopbackServer()) {
            server.on("/sso", (exchange, request) -> LoopbackServer.send(exchange, 200, page));
            IdpClient idp = IdpClient.builder().url(server.uri("/sso")).login(IdpClient.Login.BASIC)
                    .username("alice").password("hostile-test-pw".toCharArray()).build();
            try (SamlSessionProvider saml = SamlSessionProvider.builder().idp(idp).assumer(sts).build()) {
                Throwable thrown = assertTimeoutPreemptively(BOUND,
                        () -> catchThrowable(() -> saml.credentials("111111111111", "Admin")));
                assertThat(stsCalls).hasValue(0);
                return thrown;
            }
        }
    }

    private static String page(String xml) {
        return Saml.postPage(Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void doctype_isInvalidResponse() {
        String xml = Saml.responseXml(List.of("arn:aws:iam::111111111111:role/Admin," + Saml.PROVIDER), null, null)
                .replace("<samlp:Response", "<!DOCTYPE samlp:Response [<!ELEMENT samlp:Response ANY>]><samlp:Response");

        assertThat(loginWith(page(xml))).isInstanceOf(IdpInvalidResponseException.class);
    }

    @Test
    void externalEntity_isInvalidResponse_andTheFileIsNotRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-FILE-CONTENT");
        String xml = "<!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><r>&x;</r>";

        Throwable thrown = loginWith(page(xml));

        assertThat(thrown).isInstanceOf(IdpInvalidResponseException.class);
        assertThat(thrown.getMessage()).doesNotContain("TOP-SECRET-FILE-CONTENT");
    }

    @Test
    void billionLaughs_isInvalidResponse() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        String xml = dtd + "]><lolz>&lol9;</lolz>";

        assertThat(loginWith(page(xml))).isInstanceOf(IdpInvalidResponseException.class);
    }

    @Test
    void fiftyMegabytePage_isInvalidResponse() {
        String huge = "<html><body>" + "A".repeat(50 << 20) + "</body></html>";

        assertThat(loginWith(huge)).isInstanceOf(IdpInvalidResponseException.class);
    }

    @Test
    void pageWithoutSamlResponseInput_isInvalidResponse() {
        assertThat(loginWith("<html><form><input name=\"username\"></form></html>"))
                .isInstanceOf(IdpInvalidResponseException.class);
    }

    @Test
    void malformedBase64_isInvalidResponse_andDoesNotEchoTheValue() {
        String value = "%%%not*base64!!" + "Q".repeat(10);

        Throwable thrown = loginWith("<form><input type=\"hidden\" name=\"SAMLResponse\" value=\"" + value + "\"></form>");

        assertThat(thrown).isInstanceOf(IdpInvalidResponseException.class);
        assertThat(thrown.getMessage()).doesNotContain(value);
    }

    @Test
    void assertionWithoutRoleAttribute_isRoleNotInAssertion() {
        assertThat(loginWith(page(Saml.responseXml(List.of(), null, null))))
                .isInstanceOf(RoleNotInAssertionException.class);
    }
}
