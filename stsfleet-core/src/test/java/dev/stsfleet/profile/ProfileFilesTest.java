package dev.stsfleet.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.StsFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.ProfileFile;

class ProfileFilesTest {
    @TempDir
    Path dir;

    @Test
    void missingDefaultFile_isEmpty_butAMissingNamedFileIsAnError() {
        Path missing = dir.resolve("nope");
        assertThat(ProfileFiles.read(missing, ProfileFile.Type.CONFIGURATION, false).profiles()).isEmpty();
        assertThatThrownBy(() -> ProfileFiles.read(missing, ProfileFile.Type.CONFIGURATION, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("cannot read config file " + missing + ": no such file");
    }

    @Test
    void aProfileNameTheSdkDrops_isNamedOnce_withItsFileAndLine_andTheOthersAreRead() throws Exception {
        Path file = dir.resolve("config");
        Files.writeString(file, "[default]\nregion = eu-west-1\n\n[profile my prod]\nregion = us-east-1\n\n"
                + "[sso-session corp sso]\nsso_region = us-east-1\n[profile ok/name@x]\nregion = us-east-1\n");
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        ProfileFile read;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            read = ProfileFiles.read(file, ProfileFile.Type.CONFIGURATION, true);
            ProfileFiles.read(file, ProfileFile.Type.CONFIGURATION, true);
        } finally {
            System.setErr(original);
        }

        assertThat(read.profiles()).containsOnlyKeys("default", "ok/name@x");
        List<String> ours = err.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains(ProfileFiles.class.getName())).toList();
        assertThat(ours).as("each named once, not at each read").hasSize(2);
        assertThat(ours.get(0)).contains("profile 'my prod' on line 4 of " + file + " is not read");
        assertThat(ours.get(1)).contains("sso-session 'corp sso' on line 7 of " + file + " is not read");
    }

    @Test
    void malformedFile_namesTheFileAndLine_withoutEchoingValues() throws Exception {
        Path file = dir.resolve("config");
        Files.writeString(file, "[profile a]\nregion = eu-west-1\naws_secret_access_key: s3cr3tValueNeverShown\n");

        assertThatThrownBy(() -> ProfileFiles.read(file, ProfileFile.Type.CONFIGURATION, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("malformed config file " + file)
                .hasMessageContaining("line 3")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3tValueNeverShown"));
    }

    @Test
    void directoryInsteadOfFile_isAnError() {
        assertThatThrownBy(() -> ProfileFiles.read(dir, ProfileFile.Type.CONFIGURATION, true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cannot read config file " + dir);
    }

    @Test
    void loadProfiles_readsConfigStyleFiles() throws Exception {
        Path file = dir.resolve("roles.ini");
        Files.writeString(file, """
                [profile user]
                aws_access_key_id = AKIA0000000000000001
                aws_secret_access_key = x
                [profile admin]
                role_arn = arn:aws:iam::123456789012:role/admin
                source_profile = user
                mfa_serial = arn:aws:iam::123456789012:mfa/user
                """);

        Map<String, RoleProfile> roles = StsFleet.loadProfiles(file);

        assertThat(roles).containsOnlyKeys("admin");
        assertThat(roles.get("admin").credentialSource()).isEqualTo("user");
        assertThat(roles.get("admin").mfaSerial()).isEqualTo("arn:aws:iam::123456789012:mfa/user");
    }

    @Test
    void loadProfiles_readsCredentialsStyleFiles() throws Exception {
        Path file = dir.resolve("creds");
        Files.writeString(file, """
                [admin]
                role_arn = arn:aws:iam::123456789012:role/admin
                source_profile = elsewhere
                [other]
                role_arn = arn:aws:iam::123456789012:role/other
                """);

        Map<String, RoleProfile> roles = StsFleet.loadProfiles(file);

        assertThat(roles).containsOnlyKeys("admin", "other");
        assertThat(roles.get("admin").sourceProfile()).isEqualTo("elsewhere");
        assertThat(roles.get("admin").credentialSource()).isNull();
    }

    @Test
    void loadProfiles_missingFile_isAnError() {
        assertThatThrownBy(() -> StsFleet.loadProfiles(dir.resolve("absent")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("absent");
    }
}
