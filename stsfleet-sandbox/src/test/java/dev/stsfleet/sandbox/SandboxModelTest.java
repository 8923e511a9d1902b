package dev.stsfleet.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxModelTest {
    private static final String VALID = """
            {"users": [{"arn": "arn:aws:iam::111111111111:user/alice", "accessKeyId": "AKIAAAAAAAAAAAAAAAAA",
                        "secretAccessKey": "0123456789abcdefSECRET", "mfaSerial": "arn:aws:iam::111111111111:mfa/alice",
                        "totpSecret": "JBSWY3DPEHPK3PXP"}],
             "roles": [{"arn": "arn:aws:iam::222222222222:role/Deploy", "trustedPrincipals": ["arn:aws:iam::111111111111:root"],
                        "requireMfa": true, "externalId": null, "maxSessionDurationSeconds": 3600},
                       {"arn": "arn:aws:iam::333333333333:role/path/Two", "trustedPrincipals": ["111111111111"]},
                       {"arn": "ROLE3", "trustedPrincipals": ["arn:aws:iam::111111111111:root"]}],
             "samlProviders": [{"arn": "arn:aws:iam::111111111111:saml-provider/TestIdP", "certificatePem": null}]}
            """;

    @Test
    void demo_hasAliceWithMfa_threeAccountsOfRoles_andATrustedSamlProvider() {
        SandboxModel demo = SandboxModel.demo();
        assertThat(demo.users()).singleElement().satisfies(u -> {
            assertThat(u.arn()).isEqualTo("arn:aws:iam::111111111111:user/alice");
            assertThat(u.mfaSerial()).isNotNull();
        });
        assertThat(demo.roles().stream().map(SandboxModel.Role::account).collect(Collectors.toSet())).hasSizeGreaterThanOrEqualTo(3);
        assertThat(demo.roles()).anyMatch(SandboxModel.Role::requireMfa).anyMatch(r -> r.externalId() != null);
        String provider = demo.samlProviders().get(0).arn();
        assertThat(demo.roles()).anyMatch(r -> r.trustedPrincipals().contains(provider));
    }

    @Test
    void toJson_roundTrips_withTheIssueFieldNames() {
        String json = SandboxModel.demo().toJson();
        assertThat(json).contains("\"users\"", "\"roles\"", "\"samlProviders\"", "\"accessKeyId\"", "\"secretAccessKey\"",
                "\"mfaSerial\"", "\"totpSecret\"", "\"trustedPrincipals\"", "\"requireMfa\"", "\"externalId\"",
                "\"maxSessionDurationSeconds\"", "\"certificatePem\"");
        SandboxModel back = SandboxModel.parse(json);
        assertThat(back.users()).isEqualTo(SandboxModel.demo().users());
        assertThat(back.roles()).isEqualTo(SandboxModel.demo().roles());
        assertThat(back.samlProviders()).isEqualTo(SandboxModel.demo().samlProviders());
    }

    @Test
    void parse_malformedArn_namesTheField() {
        assertThatThrownBy(() -> SandboxModel.parse(VALID.replace("\"ROLE3\"", "\"x\"")))
                .isInstanceOf(SandboxModelException.class)
                .hasMessage("model: roles[2].arn: not a role ARN: \"x\"");
    }

    @Test
    void parse_validModel_appliesDefaults() {
        SandboxModel m = SandboxModel.parse(VALID.replace("\"ROLE3\"", "\"arn:aws:iam::444444444444:role/Three\""));
        assertThat(m.roles().get(1).maxSessionDurationSeconds()).isEqualTo(3600);
        assertThat(m.roles().get(1).requireMfa()).isFalse();
        assertThat(m.roles().get(1).name()).isEqualTo("Two");
    }

    @Test
    void parse_problems_areOneLineNamingFieldAndProblem() {
        String ok = VALID.replace("\"ROLE3\"", "\"arn:aws:iam::444444444444:role/Three\"");
        assertThat(problem(ok.replace("\"requireMfa\": true", "\"requireMFA\": true")))
                .isEqualTo("model: roles[0].requireMFA: unknown field (expected one of arn, externalId, maxSessionDurationSeconds, requireMfa, trustedPrincipals, webIdentitySubjects)");
        assertThat(problem(ok.replace("\"maxSessionDurationSeconds\": 3600", "\"maxSessionDurationSeconds\": 60")))
                .isEqualTo("model: roles[0].maxSessionDurationSeconds: must be 3600 to 43200, not 60");
        assertThat(problem(ok.replace("\"totpSecret\": \"JBSWY3DPEHPK3PXP\"", "\"totpSecret\": \"1!1!\"")))
                .startsWith("model: users[0].totpSecret: not base32");
        assertThat(problem(ok.replace("AKIAAAAAAAAAAAAAAAAA", "ASIAAAAAAAAAAAAAAAAA")))
                .startsWith("model: users[0].accessKeyId: not a long-term access key id");
        assertThat(problem(ok.replace("[\"111111111111\"]", "[\"bob\"]")))
                .startsWith("model: roles[1].trustedPrincipals[0]: not an account id or");
        assertThat(problem(ok.replace("\"certificatePem\": null", "\"certificatePem\": \"garbage\"")))
                .isEqualTo("model: samlProviders[0].certificatePem: not a PEM X.509 certificate");
        assertThat(problem("[]")).startsWith("model: must be a JSON object");
        assertThat(problem("{\"users\": [}")).startsWith("model: not valid JSON at line 1");
        assertThat(problem("{\"roles\": [], \"roles\": []}")).startsWith("model: duplicate field");
        assertThat(problem(ok.replace("role/path/Two", "role/Deploy").replace("333333333333:role", "222222222222:role")))
                .isEqualTo("model: roles[1].arn: duplicate: \"arn:aws:iam::222222222222:role/Deploy\"");
    }

    @Test
    void problems_neverQuoteSecrets() {
        String bad = VALID.replace("\"totpSecret\": \"JBSWY3DPEHPK3PXP\"", "\"totpSecret\": \"SEEDSEED!\"")
                .replace("\"ROLE3\"", "\"arn:aws:iam::444444444444:role/Three\"");
        assertThat(problem(bad)).doesNotContain("SEEDSEED");
        String broken = "{\"users\": [{\"secretAccessKey\": \"TOPSECRETVALUE\" \"x\": 1}]}";
        assertThat(problem(broken)).doesNotContain("TOPSECRETVALUE");
    }

    @Test
    void userToString_hidesSecretAndSeed() {
        SandboxModel.User alice = SandboxModel.demo().users().get(0);
        assertThat(alice.toString()).contains(alice.arn(), "****0001")
                .doesNotContain(alice.secretAccessKey(), alice.totpSecret(), alice.accessKeyId());
        assertThat(SandboxModel.demo().toString()).doesNotContain(alice.secretAccessKey());
    }

    @Test
    void load_readsAFile_andReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.json");
        Files.writeString(file, SandboxModel.demo().toJson());
        assertThat(SandboxModel.load(file).roles()).hasSize(SandboxModel.demo().roles().size());
        assertThatThrownBy(() -> SandboxModel.load(dir.resolve("nope.json"))).isInstanceOf(SandboxModelException.class)
                .hasMessageStartingWith("model: cannot read ");
    }

    @Test
    void builder_validatesToo() {
        assertThatThrownBy(() -> SandboxModel.builder()
                .role(new SandboxModel.Role("arn:aws:iam::222222222222:role/R", List.of(), false, null, 3600)).build())
                .hasMessage("model: roles[0].trustedPrincipals: must name at least one principal");
        assertThatThrownBy(() -> SandboxModel.builder()
                .role(new SandboxModel.Role("arn:aws:iam::222222222222:role/R", List.of("111111111111"), false, "x", 3600)).build())
                .hasMessageStartingWith("model: roles[0].externalId: not 2 to 1224 characters");
    }

    private static String problem(String json) {
        try {
            SandboxModel.parse(json);
        } catch (SandboxModelException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected the model to be refused");
    }
}
