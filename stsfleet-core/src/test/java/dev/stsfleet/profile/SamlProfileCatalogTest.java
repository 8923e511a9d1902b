package dev.stsfleet.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.profiles.ProfileFile;

class SamlProfileCatalogTest {
    private static final String CONFIG = """
            [profile base]
            aws_access_key_id = AKIAEXAMPLEBASE00001
            aws_secret_access_key = baseSecret

            [profile ops]
            role_arn = arn:aws:iam::222222222222:role/Ops
            source_profile = base

            [profile saml-a]
            role_arn = arn:aws:iam::222222222222:role/Deploy
            x_stsfleet_saml_url = https://idp.example/sso
            x_stsfleet_saml_user = alice
            x_stsfleet_saml_header_x_api_token = header-token-value-secret
            duration_seconds = 1800

            [profile saml-b]
            x_stsfleet_saml_url = https://idp.example/sso
            x_stsfleet_saml_user = alice
            x_stsfleet_saml_login = basic
            x_stsfleet_saml_role = ReadOnly
            x_stsfleet_saml_account = 333333333333
            x_stsfleet_saml_principal_arn = arn:aws:iam::333333333333:saml-provider/Corp

            [profile saml-bad]
            role_arn = arn:aws:iam::222222222222:role/Deploy
            x_stsfleet_saml_url = https://bob:hunter2@idp.example/sso
            x_stsfleet_saml_login = kerberos
            x_stsfleet_saml_principal_arn = arn:aws:iam::333333333333:role/NotAProvider
            x_stsfleet_saml_colour = blue
            mfa_serial = arn:aws:iam::111111111111:mfa/alice
            """;

    private static ProfileCatalog catalog() {
        return ProfileCatalog.of(ProfileFile.builder()
                .content(new ByteArrayInputStream(CONFIG.getBytes(StandardCharsets.UTF_8)))
                .type(ProfileFile.Type.CONFIGURATION).build());
    }

    @Test
    void samlUrl_makesAProfileSamlBacked_andNotARoleProfile() {
        ProfileCatalog catalog = catalog();

        assertThat(catalog.samlProfiles()).containsOnlyKeys("saml-a", "saml-b", "saml-bad");
        assertThat(catalog.roleProfiles()).containsOnlyKeys("ops");
        SamlProfile b = catalog.samlProfiles().get("saml-b");
        assertThat(b.roleArn()).isEqualTo("arn:aws:iam::333333333333:role/ReadOnly");
        assertThat(b.principalArn()).isEqualTo("arn:aws:iam::333333333333:saml-provider/Corp");
        assertThat(b.idp().basic()).isTrue();
        SamlProfile a = catalog.samlProfiles().get("saml-a");
        assertThat(a.durationSeconds()).isEqualTo(1800);
        assertThat(a.idp().headers()).containsEntry("x-api-token", "header-token-value-secret");
        assertThat(a.idp().login()).isEqualTo("form");
    }

    @Test
    void selection_splitsTheKinds_inRequestOrder() {
        ProfileCatalog.Selection s = catalog().selection(List.of("saml-b", "ops", "saml-a"));

        assertThat(s.roles()).extracting(RoleProfile::name).containsExactly("ops");
        assertThat(s.saml()).extracting(SamlProfile::name).containsExactly("saml-b", "saml-a");
    }

    @Test
    void selection_reportsEverySamlProblemTogether_withoutEchoingAUrlPassword() {
        assertThatThrownBy(() -> catalog().selection(List.of("saml-bad", "ops", "nope")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("profile saml-bad: x_stsfleet_saml_url must not hold a user name or password")
                .hasMessageContaining("profile saml-bad: x_stsfleet_saml_user is missing")
                .hasMessageContaining("x_stsfleet_saml_login kerberos must be one of form, basic, digest, ntlm, adfs, auto")
                .hasMessageContaining("must not have mfa_serial")
                .hasMessageContaining("x_stsfleet_saml_principal_arn arn:aws:iam::333333333333:role/NotAProvider")
                .hasMessageContaining("unknown key x_stsfleet_saml_colour")
                .hasMessageContaining("unknown profile nope")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void select_forOtherCommands_namesASamlProfileAsSuch() {
        assertThatThrownBy(() -> catalog().select(List.of("saml-a")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("profile saml-a is SAML-backed (x_stsfleet_saml_url): only stsfleet generate");
    }

    @Test
    void idpToString_namesHeadersButNotTheirValues() {
        SamlProfile a = catalog().samlProfiles().get("saml-a");

        assertThat(a.toString()).contains("x-api-token").doesNotContain("header-token-value-secret");
    }
}
