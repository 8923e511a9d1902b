package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_MFA;
import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static dev.stsfleet.sandbox.Sdk.DEPLOY;
import static dev.stsfleet.sandbox.Sdk.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Tag;

/** SourceIdentity, Tags, TransitiveTagKeys, PolicyArns and Policy: AWS's checks, and what a session remembers. */
class SessionAttributesTest {
    private StsSandbox sandbox;
    private StsClient alice;

    @BeforeEach
    void start() {
        sandbox = StsSandbox.builder().start();
        alice = Sdk.alice(sandbox);
    }

    @AfterEach
    void stop() {
        alice.close();
        sandbox.close();
    }

    private AssumeRoleResponse deploy(String sourceIdentity) {
        String code = sandbox.totp(ALICE_MFA);
        return alice.assumeRole(r -> r.roleArn(DEPLOY).roleSessionName("deploy").serialNumber(ALICE_MFA).tokenCode(code)
                .sourceIdentity(sourceIdentity)
                .tags(Tag.builder().key("team").value("core").build(), Tag.builder().key("cost").value("42").build())
                .transitiveTagKeys("team").policyArns(p -> p.arn("arn:aws:iam::aws:policy/ReadOnlyAccess"))
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
    }

    @Test
    void sessionsRemember_theirAttributes_andAChainedSessionKeepsSourceIdentityAndTransitiveTagsOnly() throws Exception {
        AssumeRoleResponse d = deploy("alice");
        assertThat(d.sourceIdentity()).isEqualTo("alice");
        JsonNode first = session(d.credentials().accessKeyId());
        assertThat(first.get("sourceIdentity").asText()).isEqualTo("alice");
        assertThat(first.get("tags").toString()).isEqualTo("{\"team\":\"core\",\"cost\":\"42\"}");
        assertThat(first.get("transitiveTagKeys").toString()).isEqualTo("[\"team\"]");
        assertThat(first.get("policyArns").toString()).contains("ReadOnlyAccess");
        assertThat(first.toString()).doesNotContain(d.credentials().secretAccessKey()).doesNotContain(d.credentials().sessionToken());

        try (StsClient deploySession = Sdk.client(sandbox, d.credentials())) {
            AssumeRoleResponse audit = deploySession.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("audit")
                    .externalId(AUDIT_EXTERNAL_ID).tags(Tag.builder().key("stage").value("2").build()));
            JsonNode chained = session(audit.credentials().accessKeyId());
            assertThat(chained.get("chained").asBoolean()).isTrue();
            assertThat(chained.get("sourceIdentity").asText()).isEqualTo("alice");
            assertThat(chained.get("tags").toString()).isEqualTo("{\"team\":\"core\",\"stage\":\"2\"}");

            error(() -> deploySession.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("audit")
                    .externalId(AUDIT_EXTERNAL_ID).sourceIdentity("mallory")), "AccessDenied", 403);
            error(() -> deploySession.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("audit")
                    .externalId(AUDIT_EXTERNAL_ID).tags(Tag.builder().key("TEAM").value("x").build())),
                    "ValidationError", 400);
            // The same source identity again is no change.
            deploySession.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("audit").externalId(AUDIT_EXTERNAL_ID)
                    .sourceIdentity("alice"));
        }
        HttpResponse<String> unknown = get("/_sandbox/sessions/ASIANOSUCHKEY0000000");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void badAttributes_areRefused_withAwsCodes() {
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .sourceIdentity("aws:me")), "ValidationError", 400);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .sourceIdentity("a b")), "ValidationError", 400);
        List<Tag> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(Tag.builder().key("k" + i).value("v").build());
        }
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .tags(many)), "ValidationError", 400);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .tags(Tag.builder().key("a").value("b").build()).transitiveTagKeys("c")), "ValidationError", 400);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .policy("{not json")), "MalformedPolicyDocument", 400);
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .policy("x".repeat(2049))), "ValidationError", 400);
        List<Tag> big = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            big.add(Tag.builder().key("k" + i + "x".repeat(100)).value("v".repeat(200)).build());
        }
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .tags(big)), "PackedPolicyTooLarge", 400);
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            arns.add("arn:aws:iam::aws:policy/P" + i);
        }
        error(() -> alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("ab").externalId(AUDIT_EXTERNAL_ID)
                .policyArns(arns.stream().map(a -> software.amazon.awssdk.services.sts.model.PolicyDescriptorType
                        .builder().arn(a).build()).toList())), "ValidationError", 400);
        assertThat(sandbox.stats().ok("AssumeRole")).isZero();
    }

    private JsonNode session(String accessKeyId) throws Exception {
        HttpResponse<String> r = get("/_sandbox/sessions/" + accessKeyId);
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
