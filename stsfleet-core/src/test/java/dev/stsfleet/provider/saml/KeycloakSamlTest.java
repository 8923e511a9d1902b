package dev.stsfleet.provider.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stsfleet.CallerIdentity;
import dev.stsfleet.FleetResult;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.provider.AccountRole;
import dev.stsfleet.provider.AccountRunner;
import dev.stsfleet.provider.AssumeRoleFailedException;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sts.StsGateway;
import dev.stsfleet.testing.KeycloakServer;
import dev.stsfleet.testing.MotoServer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SAML path against Keycloak, a real identity provider on https://127.0.0.1 (started once for the class):
 * form and Basic login, a wrong password, role values in either order, and AssumeRoleWithSAML through the STS
 * gateway against the strict sandbox (signature checked with Keycloak's certificate) and against moto, with one
 * IdP login serving a bulk run over several accounts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeycloakSamlTest {
    private static final String PROVIDER = ":saml-provider/Keycloak";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private static KeycloakServer keycloak;
    private static MotoServer moto;

    @BeforeAll
    static void start() {
        keycloak = KeycloakServer.start();
        moto = new MotoServer().start();
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static IdpClient idp(IdpClient.Login login, String user, String password) {
        return IdpClient.builder().url(keycloak.ssoUrl()).sslContext(keycloak.sslContext()).login(login)
                .username(user).password(password.toCharArray()).build();
    }

    private static SandboxModel model(String certificatePem) {
        SandboxModel.Builder model = SandboxModel.builder();
        for (String role : List.of("111111111111:role/Deploy", "222222222222:role/Deploy", "333333333333:role/ReadOnly")) {
            String account = role.substring(0, 12);
            String provider = "arn:aws:iam::" + account + PROVIDER;
            model.samlProvider(new SandboxModel.SamlProvider(provider, certificatePem));
            model.role(new SandboxModel.Role("arn:aws:iam::" + role, List.of(provider), false, null, 3600));
        }
        return model.build();
    }

    @Test
    void formLogin_readsEveryRole_whateverTheOrderOfItsValue() {
        try (IdpClient client = idp(IdpClient.Login.FORM, "alice", "alice-pass")) {
            SamlAssertion assertion = client.login();

            assertThat(assertion.roles()).extracting(r -> r.accountId() + "/" + r.roleName())
                    .containsExactlyInAnyOrder("111111111111/Deploy", "222222222222/Deploy", "333333333333/ReadOnly");
            assertThat(assertion.roles()).allSatisfy(r -> assertThat(r.principalArn()).endsWith(PROVIDER));
            assertThat(assertion.notOnOrAfter()).isPresent();
        }
    }

    @Test
    void basicLogin_withAPreemptiveHeader_returnsTheUsersAssertion() {
        try (IdpClient client = idp(IdpClient.Login.BASIC, "bob", "bob-pass")) {
            SamlAssertion assertion = client.login();

            assertThat(assertion.roles()).containsExactly(new SamlRole("arn:aws:iam::222222222222:role/Deploy",
                    "arn:aws:iam::222222222222" + PROVIDER));
        }
    }

    @Test
    void wrongPassword_isIdpAccessDenied_withFormAndWithBasic_andNamesNoPassword() {
        for (IdpClient.Login login : List.of(IdpClient.Login.FORM, IdpClient.Login.BASIC)) {
            try (IdpClient client = idp(login, "alice", "not-Alices-pass-9")) {
                Throwable thrown = catchThrowable(client::login);

                assertThat(thrown).as(login.name()).isInstanceOf(IdpAccessDeniedException.class);
                Saml.assertNoSecretIn(thrown, "not-Alices-pass-9");
            }
        }
    }

    @Test
    void bulkRun_againstTheSandbox_verifiesTheSignature_andOneIdpLoginServesEveryAccount() {
        Set<String> assertionsSeen = ConcurrentHashMap.newKeySet();
        try (StsSandbox sandbox = sts.start(model(keycloak.signingCertificatePem()));
             StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).maxAttempts(1).build();
             SamlSessionProvider saml = SamlSessionProvider.builder().idp(idp(IdpClient.Login.FORM, "alice", "alice-pass"))
                     .assumer((role, principal, assertion, seconds) -> {
                         assertionsSeen.add(assertion);
                         return gateway.assumeRoleWithSaml(role, principal, assertion, seconds).credentials();
                     }).build()) {
            List<AccountRole> targets = List.of(new AccountRole("111111111111", "Deploy"),
                    new AccountRole("222222222222", "Deploy"), new AccountRole("333333333333", "ReadOnly"));

            FleetResult result = AccountRunner.builder().concurrency(3).build().run(saml, targets, ProgressListener.NONE);

            assertThat(result.allSucceeded()).as(result.failures().toString()).isTrue();
            assertThat(result.credentials().keySet())
                    .containsExactly("sts-111111111111-Deploy", "sts-222222222222-Deploy", "sts-333333333333-ReadOnly");
            for (AccountRole target : targets) {
                RoleCredentials c = result.credentials().get(target.key());
                CallerIdentity me = gateway.getCallerIdentity(c.credentials().toSdkCredentials());
                assertThat(me.account()).isEqualTo(target.accountId());
                assertThat(me.roleName()).isEqualTo(target.roleName());
            }
            assertThat(sandbox.stats().ok("AssumeRoleWithSAML")).isEqualTo(3);
        }
        // Keycloak gives every login a fresh assertion ID and timestamps: one distinct assertion, one login.
        assertThat(assertionsSeen).hasSize(1);
    }

    @Test
    void assertionFromKeycloak_isRefusedBySts_whenAnotherCertificateIsRegistered() {
        try (StsSandbox sandbox = sts.start(model(dev.stsfleet.testing.SamlIdpServer.unrelatedCertificatePem()));
             StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).maxAttempts(1).build();
             SamlSessionProvider saml = SamlSessionProvider.builder().idp(idp(IdpClient.Login.BASIC, "bob", "bob-pass"))
                     .gateway(gateway).build()) {
            Throwable thrown = catchThrowable(() -> saml.credentials("222222222222", "Deploy"));

            assertThat(thrown).isInstanceOf(AssumeRoleFailedException.class);
            assertThat(((AssumeRoleFailedException) thrown).code()).isEqualTo("InvalidIdentityToken");
            Saml.assertNoSecretIn(thrown, saml.assertion().encoded(), "bob-pass");
        }
    }

    /**
     * moto 5.2's AssumeRoleWithSAML reads the Role attribute as ONE value (several values make it answer HTTP 500),
     * ignores the requested RoleArn for the session's identity and checks no signature, so it gets bob's single-role assertion; the bulk run over several accounts with one
     * login is proven against the sandbox above.
     */
    @Test
    void assumeRoleWithSaml_againstMoto_givesCredentialsNamingTheAccountAndRole() {
        moto.reset();
        try (StsGateway gateway = StsGateway.builder().endpoint(moto.endpoint()).maxAttempts(1).build();
             SamlSessionProvider saml = SamlSessionProvider.builder().idp(idp(IdpClient.Login.BASIC, "bob", "bob-pass"))
                     .gateway(gateway).build()) {
            List<AccountRole> targets = saml.roles().stream().map(r -> new AccountRole(r.accountId(), r.roleName())).toList();

            FleetResult result = AccountRunner.builder().build().run(saml, targets, ProgressListener.NONE);

            assertThat(result.allSucceeded()).as(result.failures().toString()).isTrue();
            assertThat(result.credentials().keySet()).containsExactly("sts-222222222222-Deploy");
            TemporaryCredentials c = result.credentials().get("sts-222222222222-Deploy").credentials();
            CallerIdentity me = gateway.getCallerIdentity(c.toSdkCredentials());
            // moto names the account, but not the role, in GetCallerIdentity for a SAML session (its parser takes
            // the first half of the Role value, here the provider ARN); the role is checked on our side.
            assertThat(me.account()).as(me.arn()).isEqualTo("222222222222");
            assertThat(result.credentials().get("sts-222222222222-Deploy").roleArn())
                    .isEqualTo("arn:aws:iam::222222222222:role/Deploy");
        }
    }
}
