package dev.stsfleet.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.TemporaryCredentials;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

class CredentialsSectionTest {
    @Test
    void text_isTheSectionWithTheFourKeys() {
        assertThat(CredentialsSection.of("sts-prod", Fixtures.credentials()).text()).isEqualTo("""
                [sts-prod]
                aws_access_key_id = ASIAEXAMPLEKEY0001
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY1
                aws_session_token = FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue//+==
                x_stsfleet_expiration = 2026-11-21T18:00:00Z
                """);
    }

    @Test
    void text_readByTheAwsSdk_givesTheSameCredentials() {
        String text = CredentialsSection.of("sts-a.b/c:d@e%f+g_h-1", Fixtures.credentials()).text();
        ProfileFile file = ProfileFile.builder()
                .content(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                .type(ProfileFile.Type.CREDENTIALS).build();

        Profile profile = file.profile("sts-a.b/c:d@e%f+g_h-1").orElseThrow();
        assertThat(profile.property("x_stsfleet_expiration")).contains("2026-11-21T18:00:00Z");
        try (ProfileCredentialsProvider provider = ProfileCredentialsProvider.builder()
                .profileFile(file).profileName("sts-a.b/c:d@e%f+g_h-1").build()) {
            AwsSessionCredentials c = (AwsSessionCredentials) provider.resolveCredentials();
            assertThat(c.accessKeyId()).isEqualTo(Fixtures.ACCESS_KEY_ID);
            assertThat(c.secretAccessKey()).isEqualTo(Fixtures.SECRET);
            assertThat(c.sessionToken()).isEqualTo(Fixtures.TOKEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a]b", "a\nb", "a\r\n[b]", "[a", "a b", " a", "a#b", "a;b", "a=b", "a$b",
            "\u00e9t\u00e9", "profile x"})
    void hostileNames_areRejected(String name) {
        assertThatThrownBy(() -> CredentialsSection.of(name, Fixtures.credentials()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("invalid credentials section name '")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
    }

    @Test
    void tooLongOrNullName_isRejected() {
        assertThatThrownBy(() -> CredentialsSection.requireValidName("x".repeat(257)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("...");
        assertThatThrownBy(() -> CredentialsSection.requireValidName(null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("(none)");
        assertThat(CredentialsSection.requireValidName("x".repeat(256))).hasSize(256);
    }

    @Test
    void valueThatWouldInjectALine_isRefused_withoutShowingIt() {
        TemporaryCredentials c = TemporaryCredentials.of("AKIA", "secretPART\n[default]\naws_access_key_id = X",
                "tok", Fixtures.START, Fixtures.EXPIRY);

        assertThatThrownBy(() -> CredentialsSection.of("x", c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aws_secret_access_key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretPART", "default"));
    }

    @Test
    void valueStartingWithACommentCharacter_isRefused() {
        TemporaryCredentials c = TemporaryCredentials.of("AKIA", "s", "#tokenSECRET", Fixtures.START, Fixtures.EXPIRY);

        assertThatThrownBy(() -> CredentialsSection.of("x", c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aws_session_token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tokenSECRET"));
    }

    @Test
    void toString_showsNameKeyTailAndExpiry_neverSecrets() {
        String s = CredentialsSection.of("sts-prod", Fixtures.credentials()).toString();

        assertThat(s).contains("sts-prod", "****0001", "2026-11-21T18:00:00Z")
                .doesNotContain(Fixtures.SECRET, Fixtures.TOKEN, Fixtures.ACCESS_KEY_ID);
    }
}
