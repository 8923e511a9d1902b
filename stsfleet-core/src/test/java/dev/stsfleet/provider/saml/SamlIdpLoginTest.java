package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.testing.SamlIdpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Logging in to a real third-party IdP (npm saml-idp) on loopback; fails if it is not installed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SamlIdpLoginTest {
    private static SamlIdpServer idp;

    @BeforeAll
    static void start() {
        idp = SamlIdpServer.builder().start();
    }

    @AfterAll
    static void stop() {
        if (idp != null) {
            idp.close();
        }
    }

    private static IdpClient.Builder client() {
        return IdpClient.builder().url(idp.ssoUrl()).login(IdpClient.Login.FORM)
                .username("alice").password("any-password".toCharArray());
    }

    @Test
    void formLogin_readsEveryRoleWhateverItsOrder() {
        try (IdpClient client = client().build()) {
            SamlAssertion assertion = client.login();

            assertThat(assertion.roles()).containsExactlyInAnyOrder(
                    new SamlRole("arn:aws:iam::222222222222:role/Deploy", "arn:aws:iam::222222222222:saml-provider/TestIdP"),
                    new SamlRole("arn:aws:iam::333333333333:role/Deploy", "arn:aws:iam::333333333333:saml-provider/TestIdP"),
                    new SamlRole("arn:aws:iam::222222222222:role/ReadOnly", "arn:aws:iam::222222222222:saml-provider/TestIdP"),
                    new SamlRole("arn:aws:iam::111111111111:role/SamlAdmin", "arn:aws:iam::111111111111:saml-provider/TestIdP"));
            assertThat(assertion.subject()).contains(SamlIdpServer.SUBJECT);
            assertThat(assertion.sessionDuration()).contains(Duration.ofHours(1));
            assertThat(assertion.notOnOrAfter()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now()));
            assertThat(assertion.toString()).doesNotContain(assertion.encoded().substring(0, 24));
        }
    }

    @Test
    void errorPage_isInvalidResponse() {
        try (IdpClient client = IdpClient.builder().url(idp.baseUri().resolve("/no/such/page"))
                .login(IdpClient.Login.FORM).username("alice").password("pw".toCharArray()).build()) {
            assertThatThrownBy(client::login).isInstanceOf(IdpInvalidResponseException.class).hasMessageContaining("HTTP 404");
        }
    }

    @Test
    void plainGetOfTheLoginPage_hasNoSamlResponse_isInvalidResponse() {
        try (IdpClient client = IdpClient.builder().url(idp.ssoUrl()).login(IdpClient.Login.NONE).build()) {
            assertThatThrownBy(client::login).isInstanceOf(IdpInvalidResponseException.class)
                    .hasMessageContaining("no SAMLResponse");
        }
    }

    @Test
    void bulkRunOverSeveralAccounts_logsInOnce() {
        Set<String> assertionsSeen = ConcurrentHashMap.newKeySet();
        SamlAssumer sts = (roleArn, principalArn, assertion, seconds) -> {
            assertionsSeen.add(assertion);
            Instant now = Instant.now();
            return TemporaryCredentials.of("ASIAEXAMPLE" + roleArn.substring(13, 25), "secret", "token", now, now.plusSeconds(3600));
        };
        List<String> accounts = List.of("222222222222", "333333333333", "222222222222", "333333333333");
        try (SamlSessionProvider saml = SamlSessionProvider.builder().idp(client().build()).assumer(sts)
                .roleName("Deploy").build()) {
            IntStream.range(0, accounts.size()).parallel().forEach(i -> saml.credentials(accounts.get(i)));

            assertThat(saml.roles()).hasSize(4);
        }
        // saml-idp stamps every response with fresh IDs and times: one distinct assertion means one login.
        assertThat(assertionsSeen).hasSize(1);
    }

    @Test
    void https_isVerified_byDefault_andTrustedWithTheRightContext_orWithVerificationOff() {
        try (SamlIdpServer tls = SamlIdpServer.builder().https(true).start()) {
            assertThat(tls.baseUri().getScheme()).isEqualTo("https");
            try (IdpClient untrusted = IdpClient.builder().url(tls.ssoUrl()).login(IdpClient.Login.FORM)
                    .username("alice").password("pw".toCharArray()).build()) {
                Throwable thrown = catchThrowable(untrusted::login);
                assertThat(thrown).isExactlyInstanceOf(IdpException.class).hasMessageContaining("cannot reach");
            }
            try (IdpClient trusted = IdpClient.builder().url(tls.ssoUrl()).login(IdpClient.Login.FORM)
                    .username("alice").password("pw".toCharArray()).sslContext(tls.sslContext()).build()) {
                assertThat(trusted.login().roles()).hasSize(4);
            }
            try (IdpClient insecure = IdpClient.builder().url(tls.ssoUrl()).login(IdpClient.Login.FORM)
                    .username("alice").password("pw".toCharArray()).verifyTls(false).build()) {
                assertThat(insecure.login().roles()).hasSize(4);
            }
        }
    }
}
