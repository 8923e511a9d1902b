package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import dev.stsfleet.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.CreateAccountStatus;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * {@code cross-account} targets from AWS Organizations, against moto's Organizations and STS: an organization
 * made through the SDK with three levels of OUs, 150 accounts, {@code env=prod} on some.
 */
class OrganizationTargetsTest {
    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String KEY = "AKIAORGMANAGEMENT001";
    private static final String SECRET = "managementSecretKey/forOrganizationTests01";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String management;
    private static final List<String> ALL = new ArrayList<>();
    /** OU id to every account of its subtree. */
    private static final Map<String, Set<String>> SUBTREE = new LinkedHashMap<>();
    private static final Set<String> PROD = new TreeSet<>();
    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    private static String level2;
    private static String level3;

    @BeforeAll
    static void organization() {
        try (OrganizationsClient org = OrganizationsClient.builder().endpointOverride(MOTO.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KEY, SECRET))).build()) {
            management = org.createOrganization(r -> r.featureSet("ALL")).organization().masterAccountId();
            String root = org.listRoots().roots().get(0).id();
            // root -> top-0, top-1; top-0 -> mid-0 -> leaf-0: three levels of OUs.
            String top0 = ou(org, root, "top-0");
            String top1 = ou(org, root, "top-1");
            level2 = ou(org, top0, "mid-0");
            level3 = ou(org, level2, "leaf-0");
            List<String> parents = List.of(root, top0, top1, level2, level3);
            for (String p : parents) {
                SUBTREE.put(p, new TreeSet<>());
            }
            for (int i = 0; i < 150; i++) {
                String name = "team " + i;
                CreateAccountStatus s = org.createAccount(r -> r.accountName(name).email("a" + System.nanoTime() + "@example.com"))
                        .createAccountStatus();
                String id = s.accountId();
                ALL.add(id);
                NAMES.put(id, name);
                String parent = parents.get(i % parents.size());
                if (!parent.equals(root)) {
                    org.moveAccount(r -> r.accountId(id).sourceParentId(root).destinationParentId(parent));
                }
                if (i % 7 == 0) {
                    org.tagResource(r -> r.resourceId(id).tags(t -> t.key("env").value("prod")));
                    PROD.add(id);
                } else if (i % 7 == 1) {
                    org.tagResource(r -> r.resourceId(id).tags(t -> t.key("env").value("dev")));
                }
                SUBTREE.get(root).add(id);
                if (parent.equals(top0) || parent.equals(level2) || parent.equals(level3)) {
                    SUBTREE.get(top0).add(id);
                }
                if (parent.equals(level2) || parent.equals(level3)) {
                    SUBTREE.get(level2).add(id);
                }
                if (parent.equals(level3)) {
                    SUBTREE.get(level3).add(id);
                }
                if (parent.equals(top1)) {
                    SUBTREE.get(top1).add(id);
                }
            }
        }
    }

    private static String ou(OrganizationsClient org, String parent, String name) {
        return org.createOrganizationalUnit(r -> r.parentId(parent).name(name)).organizationalUnit().id();
    }

    private static Map<String, String> files(Path dir, String key, String secret, String token) throws Exception {
        Files.writeString(dir.resolve("config"), "[profile base]\nregion = us-east-1\n");
        Files.writeString(dir.resolve("credentials"), "[base]\naws_access_key_id = " + key
                + "\naws_secret_access_key = " + secret + "\n" + (token == null ? "" : "aws_session_token = " + token + "\n"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("HOME", dir.toString());
        env.put("AWS_ENDPOINT_URL", MOTO.endpoint().toString());
        return env;
    }

    private static Set<String> accountsOf(Cli.Result r, String role) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String key : GenerateCommandTest.keys(JSON.readTree(r.out()))) {
            assertThat(key).startsWith("sts-").endsWith("-" + role);
            out.add(key.substring(4, 16));
        }
        return out;
    }

    @Test
    void organization_fromTheManagementAccount_getsEveryMemberAccount_onMotosSts(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run(files(dir, KEY, SECRET, null), "cross-account", "--base-profile", "base",
                "--role", "OrganizationAccountAccessRole", "--organization", "--format", "boto", "--concurrency", "16");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(accountsOf(r, "OrganizationAccountAccessRole")).containsExactlyInAnyOrderElementsOf(ALL)
                .doesNotContain(management).hasSize(150);
        JsonNode boto = JSON.readTree(r.out());
        String one = ALL.get(42);
        assertThat(GenerateCommandTest.callerArn(MOTO.endpoint(), boto.get("sts-" + one + "-OrganizationAccountAccessRole")))
                .startsWith("arn:aws:sts::" + one + ":assumed-role/OrganizationAccountAccessRole/");
        assertThat(r.err()).contains("AWS Organizations: 150 accounts targeted (151 listed, 0 not ACTIVE, 1 excluded)",
                "cross-account: 150 accounts", "150 of 150 accounts succeeded").doesNotContain(SECRET);
    }

    @Test
    void ou_targetsExactlyItsWholeSubtree_andIncludeManagementAddsTheManagementAccount(@TempDir Path dir)
            throws Exception {
        Map<String, String> env = files(dir, KEY, SECRET, null);
        Cli.Result sub = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--ou", level2, "--format", "boto");
        Cli.Result two = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--ou", level3, "--ou", SUBTREE.keySet().toArray(String[]::new)[2], "--format", "boto");
        Cli.Result withManagement = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--organization", "--include-management", "--dry-run");

        assertThat(sub.exit()).as(sub.toString()).isZero();
        assertThat(accountsOf(sub, "Audit")).isEqualTo(SUBTREE.get(level2)).hasSize(60);
        assertThat(two.exit()).as(two.toString()).isZero();
        Set<String> expected = new TreeSet<>(SUBTREE.get(level3));
        expected.addAll(SUBTREE.get(SUBTREE.keySet().toArray(String[]::new)[2]));
        assertThat(accountsOf(two, "Audit")).isEqualTo(expected);
        assertThat(withManagement.exit()).as(withManagement.toString()).isZero();
        assertThat(withManagement.out().lines().map(l -> l.substring(0, 12))).contains(management).hasSize(151);
    }

    @Test
    void accountTag_targetsExactlyTheTaggedAccounts_andExcludeRemovesAccounts(@TempDir Path dir) throws Exception {
        Map<String, String> env = files(dir, KEY, SECRET, null);
        List<String> prod = new ArrayList<>(PROD);
        Cli.Result tagged = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--organization", "--account-tag", "env=prod", "--format", "boto");
        Cli.Result excluded = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--organization", "--account-tag", "env=prod", "--exclude", prod.get(0), "--exclude",
                prod.get(1) + "," + prod.get(2), "--format", "boto");
        Cli.Result both = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--organization", "--account-tag", "env=prod", "--account-tag", "team=none", "--dry-run");

        assertThat(tagged.exit()).as(tagged.toString()).isZero();
        assertThat(accountsOf(tagged, "Audit")).isEqualTo(PROD).hasSize(22);
        assertThat(excluded.exit()).as(excluded.toString()).isZero();
        assertThat(accountsOf(excluded, "Audit")).isEqualTo(new TreeSet<>(prod.subList(3, prod.size())));
        assertThat(both.exit()).as(both.toString()).isZero();
        assertThat(both.out()).isEmpty();
        assertThat(both.err()).contains("0 accounts targeted");
    }

    @Test
    void dryRun_printsTheList_saveAccounts_isReadBack_andNamesFillTheKeyTemplate(@TempDir Path dir) throws Exception {
        Map<String, String> env = files(dir, KEY, SECRET, null);
        Path saved = dir.resolve("prod.yaml");
        Cli.Result dry = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--organization", "--account-tag", "env=prod", "--dry-run", "--save-accounts", saved.toString());
        Cli.Result reused = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit",
                "--accounts-file", saved.toString(), "--name-format", "{account_name}.{role}", "--format", "boto");

        assertThat(dry.exit()).as(dry.toString()).isZero();
        List<String> lines = dry.out().lines().toList();
        assertThat(lines).hasSize(PROD.size());
        for (String line : lines) {
            String id = line.substring(0, 12);
            assertThat(line).isEqualTo(id + "\t" + NAMES.get(id));
        }
        assertThat(reused.exit()).as(reused.toString()).isZero();
        assertThat(GenerateCommandTest.keys(JSON.readTree(reused.out()))).containsExactlyInAnyOrderElementsOf(
                PROD.stream().map(id -> NAMES.get(id).replace(' ', '-') + ".Audit").toList());
    }

    @Test
    void aBaseOutsideTheOrganization_getsOneClearLine_exit1_andNoRoleIsAssumed(@TempDir Path dir) throws Exception {
        Credentials outsider;
        try (StsClient sts = StsClient.builder().endpointOverride(MOTO.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET))).build()) {
            outsider = sts.assumeRole(r -> r.roleArn("arn:aws:iam::999999999999:role/Outsider").roleSessionName("base"))
                    .credentials();
        }
        StsSandbox sandbox = sts.start();
        Map<String, String> env = files(dir, outsider.accessKeyId(), outsider.secretAccessKey(), outsider.sessionToken());
        env.put("AWS_ENDPOINT_URL_STS", sandbox.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_ORGANIZATIONS", MOTO.endpoint().toString());
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");

        Cli.Result r = Cli.run(env, "cross-account", "--base-profile", "base", "--role", "Audit", "--organization");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("stsfleet: error: AWSOrganizationsNotInUseException: AWS Organizations "
                + "refused profile base: ").doesNotContain(outsider.secretAccessKey());
        assertThat(r.out()).isEmpty();
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void badOrganizationInput_isOneLine_exit2_beforeAnyCall(@TempDir Path dir) throws Exception {
        Map<String, String> env = files(dir, KEY, SECRET, null);
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        for (String[] args : List.of(
                new String[] {"--ou", "not-an-ou"},
                new String[] {"--organization", "--account-tag", "env"},
                new String[] {"--organization", "--exclude", "12345"},
                new String[] {"--organization", "--accounts", "111111111111"},
                new String[] {"--accounts", "111111111111", "--account-tag", "env=prod"},
                new String[] {"--organization", "--name-format", "{account}"},
                new String[] {"--organization", "--sts-regions", "us-east-1,nowhere"})) {
            List<String> argv = new ArrayList<>(List.of("cross-account", "--base-profile", "base", "--role", "Audit"));
            argv.addAll(List.of(args));
            Cli.Result r = Cli.run(env, argv.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(2);
            assertThat(r.err()).startsWith("stsfleet: error: ");
            assertThat(r.err().lines().count()).isEqualTo(1);
        }
    }
}
