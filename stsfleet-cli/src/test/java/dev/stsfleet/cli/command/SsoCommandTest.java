package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stsfleet sso ...} in-process against the sandbox's Identity Center over HTTP on 127.0.0.1. */
class SsoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = "# my settings\n[default]\nregion = eu-west-1\n\n"
            + "[sso-session corp]\nsso_start_url = https://sandbox.awsapps.com/start\nsso_region = us-east-1\n"
            + "sso_registration_scopes = sso:account:access\n\n"
            + "[profile dev]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = ReadOnlyAccess\n"
            + "region = us-east-1\n";

    static Map<String, String> env(Path home, StsSandbox s) throws Exception {
        Path config = home.resolve("config");
        if (!Files.exists(config)) {
            Files.writeString(config, CONFIG);
        }
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_SSO", s.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SSO_OIDC", s.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_STS", s.endpoint().toString());
        env.put("PATH", System.getenv("PATH"));
        return env;
    }

    static Path tokenFile(Path home, String sessionName) throws Exception {
        return home.resolve(".aws/sso/cache/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(sessionName.getBytes(StandardCharsets.UTF_8))) + ".json");
    }

    @Test
    void login_deviceCode_pendingThenApproved_writesTheAwsCliCacheFile(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().start()) {
            CompletableFuture<Void> approver = CompletableFuture.runAsync(() -> {
                while (s.stats().errors("CreateToken").getOrDefault("AuthorizationPendingException", 0L) < 1) {
                    Thread.onSpinWait();
                }
                s.approveSso(s.pendingSsoUserCodes().get(0), "alice");
            });
            Cli.Result r = Cli.run(env(home, s), "sso", "login", "--sso-session", "corp");
            approver.get();
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).containsOnlyOnce("stsfleet: to sign in, open " + s.endpoint() + "/start/#/device?user_code=")
                    .containsOnlyOnce("and confirm the code ").contains("stsfleet: signed in to sso-session corp")
                    .containsPattern("until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(refreshable\\)");
            Path file = tokenFile(home, "corp");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            JsonNode token = JSON.readTree(file.toFile());
            assertThat(token.fieldNames()).toIterable().containsExactlyInAnyOrder("startUrl", "region", "accessToken",
                    "expiresAt", "refreshToken", "clientId", "clientSecret", "registrationExpiresAt");
            assertThat(token.get("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(r.err()).doesNotContain(token.get("accessToken").asText(), token.get("refreshToken").asText(),
                    token.get("clientSecret").asText());

            String access = token.get("accessToken").asText();
            assertThat(portalAccounts(s, access)).isEqualTo(200);
            Cli.Result out = Cli.run(env(home, s), "sso", "logout");
            assertThat(out.exit()).as(out.toString()).isZero();
            assertThat(out.err()).contains("the portal ended the session").doesNotContain(access);
            assertThat(file).doesNotExist();
            assertThat(s.stats().total("Logout")).isEqualTo(1);
            assertThat(portalAccounts(s, access)).as("the token no longer works anywhere").isEqualTo(401);

            Cli.Result again = Cli.run(env(home, s), "sso", "logout");
            assertThat(again.exit()).isZero();
            assertThat(again.err()).contains("no cached token");
            assertThat(s.stats().total("Logout")).isEqualTo(1);
        }
    }

    @Test
    void login_expiredDeviceCode_isOneLine_exit1(@TempDir Path home) throws Exception {
        TestClock clock = new TestClock();
        try (StsSandbox s = StsSandbox.builder().clock(clock).start()) {
            CompletableFuture<Void> time = CompletableFuture.runAsync(() -> {
                while (s.stats().errors("CreateToken").getOrDefault("AuthorizationPendingException", 0L) < 1) {
                    Thread.onSpinWait();
                }
                clock.advance(Duration.ofMinutes(11));
            });
            Cli.Result r = Cli.run(env(home, s), clock, "sso", "login", "--use-device-code");
            time.get();
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().lines().filter(l -> l.startsWith("stsfleet: error:")).toList()).containsExactly(
                    "stsfleet: error: the device code expired before the sign-in was approved; run sso login again");
            assertThat(tokenFile(home, "corp")).doesNotExist();
        }
    }

    @Test
    void login_pkce_throughTheBrowserCommand_andTheLoopbackCallback(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            Map<String, String> env = env(home, s);
            // The "browser" follows the redirect to stsfleet's 127.0.0.1 callback, as a real one would.
            env.put("BROWSER", "curl -sS -L -o /dev/null");
            Cli.Result r = Cli.run(env, "sso", "login");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.err()).contains("signing in in the browser").doesNotContain("confirm the code");
            assertThat(s.stats().ok("Authorize")).isEqualTo(1);
            assertThat(s.stats().ok("StartDeviceAuthorization")).isZero();
            assertThat(JSON.readTree(tokenFile(home, "corp").toFile()).get("refreshToken")).isNotNull();
        }
    }

    @Test
    void generate_everyAccountAndRole_allFormats_andASelection(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            assertThat(Cli.run(env(home, s), "sso", "login", "--use-device-code").exit()).isZero();
            Cli.Result json = Cli.run(env(home, s), "sso", "generate", "--format", "json");
            assertThat(json.exit()).as(json.toString()).isZero();
            assertThat(JSON.readTree(json.out()).toString()).contains("sts-deploy-AdministratorAccess",
                    "sts-deploy-ReadOnlyAccess", "sts-readonly-ReadOnlyAccess");
            assertThat(json.err()).contains("stsfleet: 3 of 3 account roles succeeded, 0 failed");

            Cli.Result boto = Cli.run(env(home, s), "sso", "generate", "--account", "222222222222", "--role",
                    "ReadOnlyAccess", "--format", "boto", "--name-format", "{account_id}.{role}");
            assertThat(boto.exit()).as(boto.toString()).isZero();
            JsonNode b = JSON.readTree(boto.out());
            assertThat(b.fieldNames()).toIterable().containsExactly("222222222222.ReadOnlyAccess");
            assertThat(b.get("222222222222.ReadOnlyAccess").get("AccessKeyId").asText()).startsWith("ASIA");

            Cli.Result table = Cli.run(env(home, s), "sso", "generate", "--role", "ReadOnlyAccess", "--format", "table");
            assertThat(table.exit()).isZero();
            assertThat(table.out()).contains("333333333333-ReadOnlyAccess", "222222222222-ReadOnlyAccess").doesNotContain(
                    b.get("222222222222.ReadOnlyAccess").get("SecretAccessKey").asText());

            Cli.Result missing = Cli.run(env(home, s), "sso", "generate", "--account", "999999999999");
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.err().strip()).isEqualTo("stsfleet: error: account 999999999999 is not among the 2 "
                    + "accounts of this sign-in");
        }
    }

    @Test
    void debugOutput_namesNoTokenAndNoSecret(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).durationScale(0.05).start()) {
            Map<String, String> env = env(home, s);
            assertThat(Cli.run(env, "sso", "login", "--use-device-code").exit()).isZero();
            JsonNode before = JSON.readTree(tokenFile(home, "corp").toFile());
            // A 3-minute access token: the run refreshes it first, so the refresh path is logged too.
            ProcessBuilder pb = new ProcessBuilder(Processes.JAVA.toString(),
                    "-cp", System.getProperty("java.class.path"), dev.stsfleet.cli.Main.class.getName(), "--debug",
                    "sso", "generate", "--format", "boto")
                    .redirectOutput(home.resolve("out").toFile()).redirectError(home.resolve("err").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
            pb.environment().putAll(env);
            Process p = pb.start();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(home.resolve("err"));
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err).contains("access token refreshed");
            JsonNode after = JSON.readTree(tokenFile(home, "corp").toFile());
            java.util.List<String> secrets = new java.util.ArrayList<>(java.util.List.of(
                    before.get("accessToken").asText(), before.get("refreshToken").asText(),
                    before.get("clientSecret").asText(), after.get("accessToken").asText()));
            JSON.readTree(home.resolve("out").toFile()).forEach(c -> {
                secrets.add(c.get("SecretAccessKey").asText());
                secrets.add(c.get("SessionToken").asText());
            });
            assertThat(secrets).hasSize(10);
            for (String secret : secrets) {
                assertThat(err).doesNotContain(secret);
            }
        }
    }

    @Test
    void generate_withoutASignIn_saysToLogIn_exit1(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().start()) {
            Cli.Result r = Cli.run(env(home, s), "sso", "generate");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("stsfleet: error: no Identity Center token for sso-session corp")
                    .endsWith("run stsfleet sso login --sso-session corp").doesNotContain("\n");
            assertThat(s.stats().toJson()).doesNotContain("\"ok\":1");
        }
    }

    @Test
    void badConfig_missingRegion_andASessionThatNamesNoSection_exit2_oneLine_noCall(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            Files.writeString(home.resolve("config"), "[sso-session corp]\nsso_start_url = https://sandbox.awsapps.com/start\n\n"
                    + "[profile dev]\nsso_session = nosuch\nsso_account_id = 333333333333\nsso_role_name = ReadOnlyAccess\n");
            for (String[] args : new String[][] {{"sso", "login"}, {"sso", "generate"}, {"sso", "profiles"}}) {
                Cli.Result r = Cli.run(env(home, s), args);
                assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
                assertThat(r.err().lines().toList()).hasSize(1);
                assertThat(r.err()).contains("sso-session corp: sso_region is missing",
                        "profile dev: sso_session nosuch names no [sso-session nosuch] section");
            }
            assertThat(s.stats().total("RegisterClient") + s.stats().total("ListAccounts")
                    + s.stats().total("StartDeviceAuthorization")).isZero();
        }
    }

    @Test
    void generate_rolesWhoseSourceIsAnSsoProfile_areAssumedFromItsCredentials_inBulk(@TempDir Path home) throws Exception {
        dev.stsfleet.sandbox.SandboxModel.Builder m = dev.stsfleet.sandbox.SandboxModel.builder();
        for (String name : new String[] {"Target1", "Target2"}) {
            m.role(new dev.stsfleet.sandbox.SandboxModel.Role("arn:aws:iam::555555555555:role/" + name,
                    java.util.List.of("arn:aws:iam::111111111111:root"), false, null, 43200));
        }
        m.identityCenter(new dev.stsfleet.sandbox.SandboxModel.IdentityCenter("https://sandbox.awsapps.com/start",
                "us-east-1", java.util.List.of(new dev.stsfleet.sandbox.SandboxModel.SsoUser("alice")),
                java.util.List.of(new dev.stsfleet.sandbox.SandboxModel.SsoAccount("111111111111", "identity", null)),
                java.util.List.of(new dev.stsfleet.sandbox.SandboxModel.SsoAssignment("alice", "111111111111", "Admin"))));
        try (StsSandbox s = StsSandbox.builder().model(m.build()).ssoAutoApprove(true).start()) {
            Files.writeString(home.resolve("config"), "[sso-session corp]\nsso_start_url = https://sandbox.awsapps.com/start\n"
                    + "sso_region = us-east-1\n\n[profile admin]\nsso_session = corp\nsso_account_id = 111111111111\n"
                    + "sso_role_name = Admin\n\n[profile t1]\nrole_arn = arn:aws:iam::555555555555:role/Target1\n"
                    + "source_profile = admin\nduration_seconds = 7200\n\n[profile t2]\n"
                    + "role_arn = arn:aws:iam::555555555555:role/Target2\nsource_profile = admin\n");
            Files.writeString(home.resolve("credentials"), "");
            Cli.Result plan = Cli.run(env(home, s), "generate", "t1", "t2", "--dry-run");
            assertThat(plan.exit()).as(plan.toString()).isZero();
            assertThat(plan.out() + plan.err()).contains("source admin: 2 roles assumed with its IAM Identity "
                    + "Center role credentials (GetRoleCredentials, role chaining)");
            assertThat(Cli.run(env(home, s), "sso", "login", "--use-device-code").exit()).isZero();
            Cli.Result r = Cli.run(env(home, s), "generate", "t1", "t2", "--format", "json");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode out = JSON.readTree(r.out());
            assertThat(out.toString()).contains("sts-t1", "sts-t2");
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(1); // one portal call serves both roles
            assertThat(s.stats().ok("AssumeRole")).isEqualTo(2);
            // Role chaining: at most one hour, whatever duration_seconds asks.
            Cli.Result table = Cli.run(env(home, s), "generate", "t1", "--format", "table");
            assertThat(table.out()).contains("(in 59m)").doesNotContain("(in 1h");
        }
    }

    @Test
    void envAndExec_ofAnIdentityCenterProfileItself_giveItsPortalCredentials_andItsRegion(@TempDir Path home)
            throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            writeDevAdminConfig(home);
            Cli.Result before = Cli.run(env(home, s), "env", "dev-admin");
            assertThat(before.exit()).as("not signed in yet").isNotZero();
            assertThat(before.err().lines().toList()).hasSize(1);
            assertThat(before.err()).contains("sso login");
            assertThat(Cli.run(env(home, s), "sso", "login", "--use-device-code").exit()).isZero();

            Cli.Result r = Cli.run(env(home, s), "env", "dev-admin");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("export AWS_ACCESS_KEY_ID=", "export AWS_SESSION_TOKEN=",
                    "export AWS_REGION='eu-west-1'");
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(1);
            assertThat(s.stats().total("AssumeRole")).isZero();
            assertThat(Cli.run(env(home, s), "env", "dev-admin", "--tag", "team=ops").exit()).isEqualTo(2);

            // credential-process of it, for a tool that reads credential_process and knows no Identity Center.
            Cli.Result json = Cli.run(env(home, s), "credential-process", "dev-admin");
            assertThat(json.exit()).as(json.toString()).isZero();
            assertThat(json.out()).startsWith("{").contains("\"Version\"", "\"AccessKeyId\"", "\"SessionToken\"",
                    "\"Expiration\"");
            assertThat(s.stats().total("AssumeRole")).isZero();
        }
    }

    @Test
    void anIdentityCenterProfilesCredentials_comeFromTheRoleCache_whileItsSignInLasts(@TempDir Path home)
            throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            writeDevAdminConfig(home);
            assertThat(Cli.run(env(home, s), "sso", "login", "--use-device-code").exit()).isZero();

            Cli.Result first = Cli.run(env(home, s), "env", "dev-admin");
            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(1);
            // env again, credential-process and exec: the same credentials, no portal call.
            Cli.Result again = Cli.run(env(home, s), "env", "dev-admin");
            assertThat(again.out()).isEqualTo(first.out());
            Cli.Result json = Cli.run(env(home, s), "credential-process", "dev-admin");
            assertThat(json.exit()).as(json.toString()).isZero();
            assertThat(json.out()).contains(keyId(first.out()));
            assertThat(Cli.run(env(home, s), "exec", "dev-admin", "--", "true").exit()).isZero();
            // write and login of the profile: the same cached credentials.
            Cli.Result write = Cli.run(env(home, s), "write", "dev-admin");
            assertThat(write.exit()).as(write.toString()).isZero();
            assertThat(Files.readString(home.resolve("credentials"))).contains("[sts-dev-admin]",
                    "aws_access_key_id = " + keyId(first.out()));
            Cli.Result login = Cli.run(env(home, s), "login", "dev-admin", "--signin-endpoint",
                    s.endpoint() + "/federation");
            assertThat(login.exit()).as(login.toString()).isZero();
            assertThat(login.out()).startsWith(s.endpoint() + "/federation?Action=login&").hasLineCount(1);
            assertThat(s.stats().ok("getSigninToken")).isEqualTo(1);
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(1);
            try (var files = Files.list(home.resolve(".stsfleet/cache/credentials"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".json")).toList()).singleElement()
                        .satisfies(f -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                                .isEqualTo("rw-------"));
            }

            Cli.Result status = Cli.run(env(home, s), "status", "--format", "json");
            assertThat(status.out()).as(status.toString()).contains("\"source\" : \"role-cache\"",
                    "\"profile\" : \"dev-admin\"", "\"account\" : \"222222222222\"",
                    "\"role\" : \"AdministratorAccess\"").doesNotContain(keyId(first.out()));

            // --no-cache asks the portal (and stores nothing); --refresh asks it and stores what it got.
            assertThat(Cli.run(env(home, s), "env", "--no-cache", "dev-admin").exit()).isZero();
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(2);
            Cli.Result refreshed = Cli.run(env(home, s), "env", "--refresh", "dev-admin");
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(3);
            assertThat(keyId(refreshed.out())).isNotEqualTo(keyId(first.out()));
            assertThat(keyId(Cli.run(env(home, s), "env", "dev-admin").out())).isEqualTo(keyId(refreshed.out()));

            // Another role for the profile (the config edited): not the cached one.
            Files.writeString(home.resolve("config"), Files.readString(home.resolve("config"))
                    .replace("AdministratorAccess", "ReadOnlyAccess"));
            assertThat(Cli.run(env(home, s), "env", "dev-admin").exit()).isZero();
            assertThat(s.stats().ok("GetRoleCredentials")).isEqualTo(4);

            // Signed out: the cached credentials are not handed out; the command says to sign in.
            assertThat(Cli.run(env(home, s), "sso", "logout").exit()).isZero();
            Cli.Result out = Cli.run(env(home, s), "env", "dev-admin");
            assertThat(out.exit()).as(out.toString()).isNotZero();
            assertThat(out.err()).contains("sso login");
            assertThat(out.out()).isEmpty();
        }
    }

    /** One Identity Center profile, dev-admin (AdministratorAccess in 222222222222, eu-west-1), and no keys. */
    private static void writeDevAdminConfig(Path home) throws Exception {
        Files.writeString(home.resolve("config"), "[sso-session corp]\nsso_start_url = https://sandbox.awsapps.com/start\n"
                + "sso_region = us-east-1\n\n[profile dev-admin]\nsso_session = corp\nsso_account_id = 222222222222\n"
                + "sso_role_name = AdministratorAccess\nregion = eu-west-1\n");
        Files.writeString(home.resolve("credentials"), "");
    }

    private static String keyId(String output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(ASIA[A-Z0-9]{12,})").matcher(output);
        assertThat(m.find()).as("an access key id in the output").isTrue();
        return m.group(1);
    }

    @Test
    void profiles_write_keepsEveryOtherByte_andIsIdempotent(@TempDir Path home) throws Exception {
        try (StsSandbox s = StsSandbox.builder().ssoAutoApprove(true).start()) {
            assertThat(Cli.run(env(home, s), "sso", "login", "--use-device-code").exit()).isZero();
            Cli.Result printed = Cli.run(env(home, s), "sso", "profiles", "--role", "ReadOnlyAccess");
            assertThat(printed.exit()).isZero();
            assertThat(printed.out()).isEqualTo("[profile deploy-ReadOnlyAccess]\nsso_session = corp\n"
                    + "sso_account_id = 222222222222\nsso_role_name = ReadOnlyAccess\n\n"
                    + "[profile readonly-ReadOnlyAccess]\nsso_session = corp\nsso_account_id = 333333333333\n"
                    + "sso_role_name = ReadOnlyAccess\n");
            Cli.Result w = Cli.run(env(home, s), "sso", "profiles", "--write");
            assertThat(w.exit()).as(w.toString()).isZero();
            String after = Files.readString(home.resolve("config"));
            assertThat(after).startsWith(CONFIG).contains("[profile deploy-AdministratorAccess]",
                    "[profile readonly-ReadOnlyAccess]");
            assertThat(Cli.run(env(home, s), "sso", "profiles", "--write").exit()).isZero();
            assertThat(Files.readString(home.resolve("config"))).isEqualTo(after);
        }
    }

    /** The portal's ListAccounts status for {@code accessToken}, as any client holding it would get. */
    private static int portalAccounts(StsSandbox s, String accessToken) throws Exception {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) s.endpoint().resolve("/assignment/accounts")
                .toURL().openConnection();
        c.setRequestProperty("x-amz-sso_bearer_token", accessToken);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
