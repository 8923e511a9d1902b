package dev.stsfleet.provider;

import static dev.stsfleet.provider.ProviderFixtures.ROLE;
import static dev.stsfleet.provider.ProviderFixtures.account;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.CallerIdentity;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.SessionToken;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.sts.StsGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * {@link ProfileSessionProvider} over real AWS config and credentials files, its credentials checked by
 * GetCallerIdentity against the sandbox: the account's own profile, the {@code default} fallback with its
 * debug line, a profile holding an MFA session token (also as the base of a cross-account hop).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProfileSessionProviderTest {
    private static final String OWN_ACCOUNT = "222222222222";
    private static final String OWN_KEY = "AKIAPROFILEOWN000001";
    private static final String OWN_SECRET = "profileOwnAccountSecret/doNotUseInAws+01";
    private static final String CONFIG_ACCOUNT = "444444444444";
    private static final String CONFIG_KEY = "AKIAPROFILECONFIG001";
    private static final String CONFIG_SECRET = "profileConfigAccountSecret/doNotUse+0001";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    private final StsSandbox sandbox = sts.start(model());
    private final StsGateway gateway = StsGateway.builder().endpoint(sandbox.endpoint()).maxAttempts(1).build();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static SandboxModel model() {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(ProviderFixtures.USER_ARN, ProviderFixtures.KEY, ProviderFixtures.SECRET,
                        ProviderFixtures.MFA, ProviderFixtures.TOTP_SEED))
                .user(new SandboxModel.User("arn:aws:iam::" + OWN_ACCOUNT + ":user/own", OWN_KEY, OWN_SECRET, null, null))
                .user(new SandboxModel.User("arn:aws:iam::" + CONFIG_ACCOUNT + ":user/cfg", CONFIG_KEY, CONFIG_SECRET,
                        null, null));
        model.role(new SandboxModel.Role("arn:aws:iam::" + account(1) + ":role/" + ROLE,
                List.of("arn:aws:iam::111111111111:root"), true, null, 43200));
        return model.build();
    }

    /** [default] is the base user; [222222222222] its own user; [profile 444444444444] keys in the config file. */
    private ProfileSessionProvider.Builder files(String extraCredentials) throws Exception {
        Files.writeString(dir.resolve("credentials"), "[default]\naws_access_key_id = " + ProviderFixtures.KEY
                + "\naws_secret_access_key = " + ProviderFixtures.SECRET + "\n\n[" + OWN_ACCOUNT + "]\naws_access_key_id = "
                + OWN_KEY + "\naws_secret_access_key = " + OWN_SECRET + "\n\n" + extraCredentials);
        Files.writeString(dir.resolve("config"), "[default]\nregion = us-east-1\n\n[profile " + CONFIG_ACCOUNT
                + "]\naws_access_key_id = " + CONFIG_KEY + "\naws_secret_access_key = " + CONFIG_SECRET + "\n");
        return ProfileSessionProvider.builder().configFile(dir.resolve("config"))
                .credentialsFile(dir.resolve("credentials")).environment(Map.of("HOME", dir.toString()));
    }

    private CallerIdentity whoAmI(AwsCredentials credentials) {
        return gateway.getCallerIdentity(credentials);
    }

    @Test
    void accountWithAProfileNamedAfterIt_getsThatProfilesCredentials_inEitherFile() throws Exception {
        try (ProfileSessionProvider profiles = files("").build()) {
            assertThat(profiles.profileFor(OWN_ACCOUNT)).isEqualTo(OWN_ACCOUNT);
            assertThat(whoAmI(profiles.resolveCredentials(OWN_ACCOUNT)).arn())
                    .isEqualTo("arn:aws:iam::" + OWN_ACCOUNT + ":user/own");
            assertThat(whoAmI(profiles.resolveCredentials(CONFIG_ACCOUNT)).arn())
                    .isEqualTo("arn:aws:iam::" + CONFIG_ACCOUNT + ":user/cfg");
        }
    }

    @Test
    void accountWithoutAProfile_fallsBackToDefault_andSaysSoInADebugLine() throws Exception {
        try (ProfileSessionProvider profiles = files("").build()) {
            AtomicReference<AwsCredentials> got = new AtomicReference<>();
            String log = ProviderFixtures.logDuring(() -> got.set(profiles.resolveCredentials("333333333333")));

            assertThat(whoAmI(got.get()).arn()).isEqualTo(ProviderFixtures.USER_ARN);
            assertThat(log).contains("DEBUG dev.stsfleet.provider.ProfileSessionProvider - account 333333333333: "
                    + "no profile named 333333333333; using profile default");
            assertThat(log).doesNotContain(ProviderFixtures.SECRET);
            String own = ProviderFixtures.logDuring(() -> profiles.resolveCredentials(OWN_ACCOUNT));
            assertThat(own).doesNotContain("using profile default").doesNotContain(OWN_SECRET);
        }
    }

    @Test
    void configuredFallback_isUsed_andAMissingFallbackIsInvalidInputNamingIt() throws Exception {
        try (ProfileSessionProvider toOwn = files("").fallbackProfile(OWN_ACCOUNT).build();
             ProfileSessionProvider toNothing = files("").fallbackProfile("nobody").build()) {
            assertThat(whoAmI(toOwn.resolveCredentials("333333333333")).account()).isEqualTo(OWN_ACCOUNT);
            assertThatThrownBy(() -> toNothing.credentialsProvider("333333333333"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("no profile nobody");
            assertThatThrownBy(() -> toNothing.credentialsProvider("3333")).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void profileWithAnAwsSessionToken_givesSessionCredentials_thatWorkAsTheBaseOfACrossAccountHop() throws Exception {
        SessionToken mfa = gateway.getSessionToken(ProviderFixtures.baseKeys(), "default", Duration.ofHours(8),
                ProviderFixtures.MFA, sandbox.totp(ProviderFixtures.MFA));
        String sessionAccount = "555555555555";
        try (ProfileSessionProvider profiles = files("[" + sessionAccount + "]\naws_access_key_id = "
                + mfa.credentials().accessKeyId() + "\naws_secret_access_key = " + mfa.credentials().secretAccessKey()
                + "\naws_session_token = " + mfa.credentials().sessionToken() + "\n").build()) {
            AwsCredentials c = profiles.resolveCredentials(sessionAccount);

            assertThat(c).isInstanceOfSatisfying(AwsSessionCredentials.class,
                    s -> assertThat(s.sessionToken()).isEqualTo(mfa.credentials().sessionToken()));
            assertThat(whoAmI(c).arn()).isEqualTo(ProviderFixtures.USER_ARN);

            // The role requires MFA: only the MFA session in the profile can assume it, for at most an hour.
            try (CrossAccountSessionProvider cross = CrossAccountSessionProvider.builder().gateway(gateway)
                    .base(profiles, sessionAccount).roleName(ROLE).duration(Duration.ofHours(4)).build()) {
                RoleCredentials role = cross.roleCredentials(account(1));

                assertThat(role.assumedRoleArn()).startsWith("arn:aws:sts::" + account(1) + ":assumed-role/" + ROLE + "/");
                assertThat(Duration.between(role.credentials().start(), role.credentials().expiration()))
                        .isLessThanOrEqualTo(Duration.ofHours(1)).isGreaterThan(Duration.ofMinutes(59));
                assertThat(cross.toString()).contains("base account " + sessionAccount);
            }
        }
        assertThat(sandbox.stats().ok("GetSessionToken")).isEqualTo(1);
    }

    @Test
    void longTermKeyProfile_givesBasicCredentials_andTheSameProviderEachTime() throws Exception {
        try (ProfileSessionProvider profiles = files("").build()) {
            AwsCredentialsProvider first = profiles.credentialsProvider(OWN_ACCOUNT);

            assertThat(first.resolveCredentials()).isInstanceOf(AwsBasicCredentials.class);
            assertThat(profiles.credentialsProvider(OWN_ACCOUNT)).isSameAs(first);
        }
    }

    @Test
    void environment_namesTheFiles_whenNoneIsGiven() throws Exception {
        files("").build().close();
        try (ProfileSessionProvider profiles = ProfileSessionProvider.builder().environment(Map.of(
                "AWS_CONFIG_FILE", dir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString(), "HOME", dir.toString())).build()) {
            assertThat(whoAmI(profiles.resolveCredentials(OWN_ACCOUNT)).account()).isEqualTo(OWN_ACCOUNT);
        }
        assertThatThrownBy(() -> ProfileSessionProvider.builder().configFile(dir.resolve("missing")).build())
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void toString_ofTheProviderAndItsSdkProviders_showsNoSecret() throws Exception {
        try (ProfileSessionProvider profiles = files("").build()) {
            AwsCredentialsProvider own = profiles.credentialsProvider(OWN_ACCOUNT);
            AwsCredentialsProvider fallback = profiles.credentialsProvider("333333333333");

            for (String shown : List.of(profiles.toString(), own.toString(), fallback.toString())) {
                assertThat(shown).doesNotContain(OWN_SECRET).doesNotContain(ProviderFixtures.SECRET)
                        .doesNotContain(CONFIG_SECRET);
            }
            assertThat(own.toString()).isEqualTo("ProfileCredentials[profile=" + OWN_ACCOUNT + "]");
            assertThat(fallback.toString()).isEqualTo("ProfileCredentials[profile=default]");
        }
    }

    @Test
    void closedProvider_refuses() throws Exception {
        ProfileSessionProvider profiles = files("").build();
        profiles.close();
        profiles.close();
        assertThatThrownBy(() -> profiles.credentialsProvider(OWN_ACCOUNT)).isInstanceOf(IllegalStateException.class);
    }
}
