package dev.stsfleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.store.SessionTokenCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bulk engine against the strict STS sandbox: signatures, MFA codes, trust and counters are real. */
class SandboxFleetTest {
    private static final String USER_ARN = "arn:aws:iam::111111111111:user/alice";
    private static final String ACCESS_KEY = "AKIASANDBOXFLEET0001";
    private static final String SECRET = "sandboxFleetSecretKey/doNotUseInAws+0001";
    private static final String MFA = "arn:aws:iam::111111111111:mfa/alice";
    private static final String TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final String TRUSTED = "arn:aws:iam::111111111111:root";
    private static final String[] ACCOUNTS = {"222222222222", "333333333333", "444444444444"};

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    /** {@code trusted} MFA roles over three accounts, plus {@code untrusted} roles that do not trust alice. */
    private List<String> start(int trusted, int untrusted, boolean requireMfa, Consumer<StsSandbox.Builder> options)
            throws IOException {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, ACCESS_KEY, SECRET, MFA, TOTP_SEED));
        StringBuilder config = new StringBuilder("[profile alice]\naws_access_key_id = " + ACCESS_KEY
                + "\naws_secret_access_key = " + SECRET + "\nmfa_serial = " + MFA + "\n\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < trusted + untrusted; i++) {
            boolean trusts = i < trusted;
            String arn = "arn:aws:iam::" + ACCOUNTS[i % ACCOUNTS.length] + ":role/" + (trusts ? "role-" : "locked-") + i;
            model.role(new SandboxModel.Role(arn, List.of(trusts ? TRUSTED : "arn:aws:iam::999999999999:root"),
                    requireMfa, null, 3600));
            String name = (trusts ? "r" : "locked") + i;
            names.add(name);
            config.append("[profile ").append(name).append("]\nrole_arn = ").append(arn)
                    .append("\nsource_profile = alice\n\n");
        }
        Files.writeString(dir.resolve("config"), config.toString());
        Files.writeString(dir.resolve("credentials"), "");
        sandbox = sts.start(b -> options.accept(b.model(model.build())));
        return names;
    }

    private StsFleet.Builder fleet() {
        return StsFleet.builder().configFile(dir.resolve("config")).credentialsFile(dir.resolve("credentials"))
                .endpoint(sandbox.endpoint()).environment(Map.of());
    }

    private long calls() {
        return sandbox.stats().total("GetSessionToken") + sandbox.stats().total("AssumeRole")
                + sandbox.stats().total("GetCallerIdentity");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void twoFleetsPromptingAtOnce_forOneUsersRoles_askForOneCode_andShareItsSession() throws Exception {
        List<String> names = start(2, 0, true, b -> { });
        SessionTokenCache cache = SessionTokenCache.builder()
                .stateDirectory(dev.stsfleet.store.StateDirectory.open(dir.resolve("state"))).build();
        java.util.concurrent.atomic.AtomicInteger prompts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch asking = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch typed = new java.util.concurrent.CountDownLatch(1);
        MfaPrompt person = (device, profile) -> {
            prompts.incrementAndGet();
            asking.countDown();
            try {
                typed.await(); // a person typing, while the other process wants the same session
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return sandbox.totp(MFA);
        };
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<FleetResult> first = two.submit(() -> {
                try (StsFleet fleet = fleet().sessionCache(cache).mfaPrompt(person).build()) {
                    return fleet.generateCredentials(List.of(names.get(0)));
                }
            });
            asking.await();
            java.util.concurrent.Future<FleetResult> second = two.submit(() -> {
                try (StsFleet fleet = fleet().sessionCache(cache).mfaPrompt(person).build()) {
                    return fleet.generateCredentials(List.of(names.get(1)));
                }
            });
            Thread.sleep(300); // the second is planned, finds no session, and waits on the first's lock
            typed.countDown();

            assertThat(first.get().succeeded()).isEqualTo(1);
            assertThat(second.get().succeeded()).isEqualTo(1);
        } finally {
            two.shutdownNow();
        }
        assertThat(prompts).as("one code asked for").hasValue(1);
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(2);
    }

    @Test
    void generate_withOneMfaCode_assumesEveryRole_withOneSessionToken() throws IOException {
        List<String> names = start(24, 0, true, b -> { });
        try (StsFleet fleet = fleet().build()) {
            fleet.sessionToken(Duration.ofHours(4), sandbox.totp(MFA));
            FleetResult result = fleet.generateCredentials(names);

            assertThat(result.failures()).isEmpty();
            assertThat(result.succeeded()).isEqualTo(24);
            assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(24);
            assertThat(sandbox.stats().total("AssumeRole")).isEqualTo(24);
            for (RoleCredentials c : result.credentials().values()) {
                CallerIdentity id = fleet.callerIdentity(c.credentials());
                assertThat(id.account()).isEqualTo(c.accountId());
                assertThat(id.roleName()).isEqualTo(c.roleName());
            }
        }
    }

    @Test
    void useSession_aTokenFromAnotherFleet_servesMfaRolesWithoutANewCode() throws IOException {
        List<String> names = start(3, 0, true, b -> { });
        SessionToken token;
        try (StsFleet first = fleet().build()) {
            token = first.sessionToken(Duration.ofHours(2), sandbox.totp(MFA));
        }
        try (StsFleet second = fleet().build()) {
            second.useSession(token);
            FleetResult result = second.generateCredentials(names);

            assertThat(result.succeeded()).isEqualTo(3);
            assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        }
    }

    @Test
    void useSession_ofAnotherSourceProfile_neverSignsThisUsersRoles() throws IOException {
        List<String> names = start(1, 0, true, b -> { });
        SessionToken foreign = new SessionToken(TemporaryCredentials.of("ASIAFOREIGN000000001", "s", "t",
                java.time.Instant.now(), java.time.Instant.now().plusSeconds(3600)), "bob", MFA);
        try (StsFleet fleet = fleet().build()) {
            fleet.useSession(foreign);
            // alice's role needs alice's MFA session: bob's is no use for it, so a code is needed.
            assertThatThrownBy(() -> fleet.plan(names)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("an MFA code is needed for " + MFA + " (source profile alice");
        }
        assertThat(calls()).isZero();
    }

    @Test
    void generate_someRolesDoNotTrustTheUser_theOthersSucceed_andFailuresCarryAccessDenied() throws IOException {
        List<String> names = start(20, 4, true, b -> { });
        try (StsFleet fleet = fleet().build()) {
            fleet.sessionToken(null, sandbox.totp(MFA));
            FleetResult result = fleet.generateCredentials(names);

            assertThat(result.succeeded()).isEqualTo(20);
            assertThat(result.failures()).containsOnlyKeys("sts-locked20", "sts-locked21", "sts-locked22", "sts-locked23");
            assertThat(result.failures().values()).allSatisfy(f -> assertThat(f.code()).isEqualTo("AccessDenied"));
            assertThat(sandbox.stats().errors("AssumeRole")).containsEntry("AccessDenied", 4L);
        }
    }

    @Test
    void generate_throttledAt50Rps_stillGetsAll300Roles() throws IOException {
        List<String> names = start(300, 0, true, b -> b.throttleRps(50));
        try (StsFleet fleet = fleet().build()) {
            fleet.sessionToken(null, sandbox.totp(MFA));
            FleetResult result = fleet.generateCredentials(names);

            assertThat(result.failures()).isEmpty();
            assertThat(result.succeeded()).isEqualTo(300);
            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(300);
        }
    }

    /**
     * The limit certainly bites here, however slow the machine: 32 workers start together against a
     * bucket of 5 requests per second. So the retries, not luck, get every role through.
     */
    @Test
    void generate_farAboveTheRateLimit_isThrottled_andStillGetsEveryRole() throws IOException {
        List<String> names = start(40, 0, true, b -> b.throttleRps(5));
        try (StsFleet fleet = fleet().concurrency(32).build()) {
            fleet.sessionToken(null, sandbox.totp(MFA));
            FleetResult result = fleet.generateCredentials(names);

            assertThat(result.failures()).isEmpty();
            assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(40);
            assertThat(sandbox.stats().errors("AssumeRole")).containsKey("Throttling");
        }
    }

    @Test
    void generate_withoutSessionOrCode_isInvalidInputNamingTheDevice_andMakesNoCall() throws IOException {
        List<String> names = start(3, 0, true, b -> { });
        try (StsFleet fleet = fleet().build()) {
            assertThatThrownBy(() -> fleet.generateCredentials(names)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("an MFA code is needed for " + MFA + " (source profile alice, 3 roles)");
        }
        assertThat(calls()).isZero();
    }

    @Test
    void badInput_isInvalidInput_andMakesZeroCalls() throws IOException {
        start(3, 0, true, b -> { });
        Files.writeString(dir.resolve("config"), Files.readString(dir.resolve("config"))
                + "[profile cyc1]\nrole_arn = arn:aws:iam::222222222222:role/c1\nsource_profile = cyc2\n"
                + "[profile cyc2]\nrole_arn = arn:aws:iam::222222222222:role/c2\nsource_profile = cyc1\n"
                + "[profile badarn]\nrole_arn = arn:aws:iam::2222:role/x\nsource_profile = alice\n"
                + "[profile baddur]\nrole_arn = arn:aws:iam::222222222222:role/x\nsource_profile = alice\n"
                + "duration_seconds = soon\n"
                + "[profile dangling]\nrole_arn = arn:aws:iam::222222222222:role/x\nsource_profile = ghost\n");
        try (StsFleet fleet = fleet().build()) {
            List<Runnable> cases = List.of(
                    () -> fleet.generateCredentials(List.of("r9")),
                    () -> fleet.generateCredentials(List.of("cyc1")),
                    () -> fleet.generateCredentials(List.of("alice")),
                    () -> fleet.generateCredentials(List.of("badarn")),
                    () -> fleet.generateCredentials(List.of("baddur")),
                    () -> fleet.generateCredentials(List.of("dangling")),
                    () -> fleet.generateCredentials(List.of("r0", "r0")),
                    () -> fleet.generateCredentials(List.of()),
                    () -> fleet.sessionToken(null, "12345"),
                    () -> fleet.sessionToken(null, "abcdef"),
                    () -> fleet.sessionToken(Duration.ofMinutes(5), sandbox.totp(MFA)),
                    () -> fleet.sessionToken(Duration.ofHours(37), sandbox.totp(MFA)),
                    () -> fleet.sessionToken(null, null, "123456"));
            for (Runnable c : cases) {
                assertThatThrownBy(c::run).isInstanceOf(InvalidInputException.class);
            }
        }
        assertThat(calls()).isZero();
    }

    @Test
    void debugLogsAndMessages_containNoSecret() throws IOException {
        List<String> names = start(3, 2, true, b -> { });
        List<String> secrets = new ArrayList<>(List.of(SECRET, TOTP_SEED));
        List<String> messages = new ArrayList<>();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (StsFleet fleet = fleet().build()) {
            String code = sandbox.totp(MFA);
            secrets.add(code);
            SessionToken token = fleet.sessionToken(null, code);
            secrets.add(token.secretAccessKey());
            secrets.add(token.sessionToken());
            // The same code again: the sandbox refuses a reused code; the message must not echo it.
            assertThatThrownBy(() -> fleet.sessionToken(null, code)).isInstanceOf(StsCallException.class)
                    .satisfies(e -> messages.add(e.getMessage()));
            FleetResult result = fleet.generateCredentials(names);
            result.failures().values().forEach(f -> messages.add(f.message()));
            result.credentials().values().forEach(c -> {
                secrets.add(c.credentials().secretAccessKey());
                secrets.add(c.credentials().sessionToken());
            });
            messages.add(result.toString());
            messages.add(fleet.toString());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        assertThat(log).contains("AssumeRole with the MFA session");
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain(secret));
        }
    }
}
