package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.junit.TestClock;
import dev.stsfleet.sandbox.junit.TestIdentityProvider;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;

/** AssumeRoleWithWebIdentity: RS256, iss, aud, exp, nbf, the role's trust of the provider and of the subject. */
class AssumeRoleWithWebIdentityTest {
    static final TestIdentityProvider IDP = TestIdentityProvider.create("token.actions.example.com");
    static final String CI_ROLE = "arn:aws:iam::111111111111:role/Ci";
    static final String MAIN_ONLY = "arn:aws:iam::111111111111:role/MainOnly";
    private final TestClock clock = new TestClock();
    private StsSandbox sandbox;
    private StsClient anonymous;

    @BeforeEach
    void start() {
        SandboxModel model = SandboxModel.builder()
                .oidcProvider(IDP.provider("111111111111", "sts.amazonaws.com"))
                .role(new SandboxModel.Role(CI_ROLE, List.of(IDP.arn("111111111111")), false, null, 3600))
                .role(new SandboxModel.Role(MAIN_ONLY, List.of(IDP.arn("111111111111")), false, null, 3600,
                        List.of("repo:org/app:ref:refs/heads/main", "repo:org/lib:*")))
                .role(new SandboxModel.Role("arn:aws:iam::222222222222:role/Target", List.of(CI_ROLE), false, null, 3600))
                .build();
        sandbox = StsSandbox.builder().clock(clock).model(SandboxModel.parse(model.toJson())).start();
        anonymous = StsClient.builder().endpointOverride(sandbox.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
    }

    @AfterEach
    void stop() {
        anonymous.close();
        sandbox.close();
    }

    private AssumeRoleWithWebIdentityResponse assume(String role, String token) {
        return anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(role).roleSessionName("ci").webIdentityToken(token));
    }

    @Test
    void aValidToken_givesARoleSession_thatCanChain() {
        String token = IDP.token("repo:org/app:ref:refs/heads/main", "sts.amazonaws.com", clock.instant().plusSeconds(600));
        AssumeRoleWithWebIdentityResponse r = assume(CI_ROLE, token);
        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::111111111111:assumed-role/Ci/ci");
        assertThat(r.subjectFromWebIdentityToken()).isEqualTo("repo:org/app:ref:refs/heads/main");
        assertThat(r.audience()).isEqualTo("sts.amazonaws.com");
        assertThat(r.provider()).isEqualTo("token.actions.example.com");
        assertThat(assume(MAIN_ONLY, token).credentials().accessKeyId()).startsWith("ASIA");
        try (StsClient ci = Sdk.client(sandbox, r.credentials())) {
            assertThat(ci.assumeRole(b -> b.roleArn("arn:aws:iam::222222222222:role/Target").roleSessionName("target"))
                    .credentials().accessKeyId()).startsWith("ASIA");
        }
        assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isEqualTo(2);
    }

    @Test
    void expired_wrongAudience_badSignature_unknownIssuer_notYetValid_untrustedSubject_areRefused() {
        Instant later = clock.instant().plusSeconds(600);
        error(() -> assume(CI_ROLE, IDP.token("s", "sts.amazonaws.com", clock.instant().minusSeconds(1))),
                "ExpiredTokenException", 400);
        error(() -> assume(CI_ROLE, IDP.token("s", "someone-else", later)), "InvalidIdentityToken", 400);
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("iss", IDP.issuer(), "sub", "s", "aud", "sts.amazonaws.com",
                "exp", later.getEpochSecond()));
        error(() -> assume(CI_ROLE, IDP.tokenSignedBy(TestIdentityProvider.create("token.actions.example.com"), claims)),
                "InvalidIdentityToken", 400);
        error(() -> assume(CI_ROLE, TestIdentityProvider.create("other.example.com").token("s", "sts.amazonaws.com", later)),
                "InvalidIdentityToken", 400);
        Map<String, Object> early = new LinkedHashMap<>(claims);
        early.put("nbf", later.getEpochSecond() - 60);
        error(() -> assume(CI_ROLE, IDP.token(early)), "InvalidIdentityToken", 400);
        Map<String, Object> noSubject = new LinkedHashMap<>(claims);
        noSubject.remove("sub");
        error(() -> assume(CI_ROLE, IDP.token(noSubject)), "IDPRejectedClaim", 403);
        error(() -> assume(MAIN_ONLY, IDP.token("repo:org/app:ref:refs/heads/feature", "sts.amazonaws.com", later)),
                "AccessDenied", 403);
        assertThat(sandbox.stats().ok("AssumeRoleWithWebIdentity")).isZero();
    }
}
