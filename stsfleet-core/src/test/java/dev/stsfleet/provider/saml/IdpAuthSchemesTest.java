package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.testing.AuthIdpServer;
import dev.stsfleet.testing.AuthIdpServer.Scheme;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each login against a loopback IdP that REQUIRES it and checks it server-side (AuthIdpServer): Basic, Digest
 * (RFC 7616 MD5 and SHA-256), NTLMv2 (MS-NLMP), ADFS forms; {@code AUTO} picking from the challenge.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdpAuthSchemesTest {
    private static final String PASSWORD = "Corp-pa55-Ünïcode!";
    private static final List<String> ROLES = List.of("arn:aws:iam::222222222222:role/Deploy," + Saml.PROVIDER);

    private static IdpClient client(AuthIdpServer idp, IdpClient.Login login, String user, String password) {
        return IdpClient.builder().url(idp.ssoUrl()).login(login).username(user).password(password.toCharArray()).build();
    }

    @ParameterizedTest(name = "{0} login as {2} against an IdP requiring {1}")
    @CsvSource({
        "BASIC,  BASIC,         alice",
        "DIGEST, DIGEST_MD5,    alice",
        "DIGEST, DIGEST_SHA256, alice",
        "NTLM,   NTLM,          CORP\\alice",
        "NTLM,   NTLM,          alice@CORP",
        "ADFS,   ADFS,          CORP\\alice",
        "FORM,   ADFS,          CORP\\alice",
        "AUTO,   BASIC,         alice",
        "AUTO,   DIGEST_SHA256, alice",
        "AUTO,   NTLM,          CORP\\alice",
        "AUTO,   ADFS,          CORP\\alice"})
    void login_withTheRightPassword_getsTheSamlResponse_once(IdpClient.Login login, Scheme scheme, String user) {
        try (AuthIdpServer idp = AuthIdpServer.start(scheme, user.startsWith("alice@") ? "CORP\\alice" : user, PASSWORD, ROLES);
             IdpClient client = client(idp, login, user, PASSWORD)) {
            SamlAssertion assertion = client.login();

            assertThat(assertion.roles()).extracting(SamlRole::roleName).containsExactly("Deploy");
            assertThat(idp.logins()).isEqualTo(1);
            assertThat(idp.refusals()).isZero();
        }
    }

    @ParameterizedTest(name = "{0} login with a wrong password against an IdP requiring {1}")
    @CsvSource({"BASIC, BASIC", "DIGEST, DIGEST_MD5", "DIGEST, DIGEST_SHA256", "NTLM, NTLM", "ADFS, ADFS", "AUTO, NTLM"})
    void login_withAWrongPassword_isAccessDenied_andNamesNoPassword(IdpClient.Login login, Scheme scheme) {
        String wrong = "Wrong-pa55-" + scheme;
        try (AuthIdpServer idp = AuthIdpServer.start(scheme, "CORP\\alice", PASSWORD, ROLES);
             IdpClient client = client(idp, login, scheme == Scheme.NTLM || scheme == Scheme.ADFS ? "CORP\\alice" : "alice",
                     wrong)) {
            Throwable thrown = catchThrowable(client::login);

            assertThat(thrown).isInstanceOf(IdpAccessDeniedException.class);
            Saml.assertNoSecretIn(thrown, wrong, PASSWORD);
            assertThat(idp.logins()).isZero();
            assertThat(idp.refusals()).isEqualTo(1);
        }
    }

    @Test
    void digest_aReplayedAuthorization_isRefused() throws Exception {
        try (AuthIdpServer idp = AuthIdpServer.start(Scheme.DIGEST_SHA256, "alice", PASSWORD, ROLES);
             IdpClient client = client(idp, IdpClient.Login.DIGEST, "alice", PASSWORD)) {
            client.login();
            String used = idp.authorizations().get(idp.authorizations().size() - 1);
            assertThat(used).startsWith("Digest ").contains("algorithm=SHA-256", "qop=auth").doesNotContain(PASSWORD);

            HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(idp.ssoUrl())
                    .header("Authorization", used).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(replay.statusCode()).isEqualTo(401);
            assertThat(replay.body()).doesNotContain("SAMLResponse");
            assertThat(idp.logins()).isEqualTo(1);
        }
    }

    @Test
    void ntlm_sendsAnNtlmV2Response_neverTheNtlmV1One() {
        try (AuthIdpServer idp = AuthIdpServer.start(Scheme.NTLM, "CORP\\alice", PASSWORD, ROLES);
             IdpClient client = client(idp, IdpClient.Login.NTLM, "CORP\\alice", PASSWORD)) {
            client.login();

            assertThat(idp.authorizations()).hasSize(2).allSatisfy(a -> assertThat(a).startsWith("NTLM "));
        }
    }

    @Test
    void aSchemeTheIdpDoesNotAsk_isAccessDenied_namingWhatItAsks() {
        try (AuthIdpServer idp = AuthIdpServer.start(Scheme.NTLM, "CORP\\alice", PASSWORD, ROLES);
             IdpClient client = client(idp, IdpClient.Login.DIGEST, "alice", PASSWORD)) {
            Throwable thrown = catchThrowable(client::login);

            assertThat(thrown).isInstanceOf(IdpAccessDeniedException.class)
                    .hasMessageContaining("HTTP 401").hasMessageContaining("Negotiate, NTLM");
            assertThat(idp.authorizations()).isEmpty();
        }
    }
}
