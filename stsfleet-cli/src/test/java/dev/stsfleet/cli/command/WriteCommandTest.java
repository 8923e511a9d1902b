package dev.stsfleet.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.cli.testing.Cli;
import dev.stsfleet.cli.testing.Fleets;
import dev.stsfleet.cli.testing.Processes;
import dev.stsfleet.sandbox.StsSandbox;
import dev.stsfleet.sandbox.junit.StsSandboxExtension;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/** {@code stsfleet write}: the AWS CLI reads what it wrote; concurrent and killed writers; bad input. */
class WriteCommandTest {
    /** What the user had in the file before: comments, odd spacing, a section stsfleet must not touch. */
    private static final String USER_PART = "# my keys, do not lose this comment\n[alice]\naws_access_key_id = "
            + Fleets.ACCESS_KEY + "\naws_secret_access_key   =   " + Fleets.SECRET + "\n\n; another comment\n"
            + "[other]\naws_access_key_id = AKIAOTHEROTHER000001\naws_secret_access_key = other/secret\n";

    @RegisterExtension
    final StsSandboxExtension sts = StsSandboxExtension.onDemand();

    @TempDir
    Path dir;
    private StsSandbox sandbox;

    private Fleets start(int roles) throws Exception {
        Fleets fleet = Fleets.create(dir, roles, 0, 3, false);
        Files.writeString(fleet.credentials(), USER_PART);
        sandbox = sts.start(fleet.model());
        return fleet;
    }

    private Map<String, String> awsEnv(Fleets fleet) {
        Map<String, String> env = new LinkedHashMap<>(fleet.env(sandbox.endpoint().toString()));
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        return env;
    }

    @Test
    void write_thenAwsCliWithTheSection_namesTheRole_fileKeepsUserPart_mode0600() throws Exception {
        Fleets fleet = start(2);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "write", "ops0");
        Cli.Result as = Cli.run(fleet.env(sandbox.endpoint().toString()), "write", "ops1", "--as", "deploy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(as.exit()).as(as.toString()).isZero();
        assertThat(r.out() + as.out()).isEmpty();
        assertThat(r.err()).contains("wrote 1 section to " + fleet.credentials() + " ([sts-ops0])");
        String text = Files.readString(fleet.credentials());
        assertThat(text).startsWith(USER_PART);
        assertThat(text.substring(USER_PART.length())).matches("(?s)\n\\[sts-ops0]\naws_access_key_id = ASIA\\w+\n"
                + "aws_secret_access_key = \\S+\naws_session_token = \\S+\nx_stsfleet_expiration = \\S+Z\n"
                + "\n\\[deploy]\n.*");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.credentials()))).isEqualTo("rw-------");

        String arn = Processes.arnOf(Processes.aws(dir, awsEnv(fleet), "sts", "get-caller-identity", "--profile",
                "sts-ops0", "--output", "json"));
        String arnAs = Processes.arnOf(Processes.aws(dir, awsEnv(fleet), "sts", "get-caller-identity", "--profile",
                "deploy", "--output", "json"));
        assertThat(arn).contains(":assumed-role/Ops0/");
        assertThat(arnAs).contains(":assumed-role/Ops1/");
    }

    @Test
    void oneIamUserProfile_writesItsSession_asEnvHandsItOut_andTheAwsCliUsesIt() throws Exception {
        Fleets fleet = start(1);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "write", "alice");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("([sts-alice])");
        assertThat(sandbox.stats().total("GetSessionToken")).isEqualTo(1);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
        assertThat(Files.readString(fleet.credentials())).startsWith(USER_PART).contains("[sts-alice]\naws_access_key_id = ASIA");
        String arn = Processes.arnOf(Processes.aws(dir, awsEnv(fleet), "sts", "get-caller-identity", "--profile",
                "sts-alice", "--output", "json"));
        assertThat(arn).endsWith(":user/alice");
    }

    @Test
    void writeAll_writesEveryRole_andAgainReplacesInPlace() throws Exception {
        Fleets fleet = start(3);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());

        assertThat(Cli.run(env, "write", "--all").exit()).isZero();
        String first = Files.readString(fleet.credentials());
        assertThat(Cli.run(env, "write", "--all").exit()).isZero();
        String second = Files.readString(fleet.credentials());

        Map<String, Profile> profiles = parse(second);
        assertThat(profiles).containsKeys("alice", "other", "sts-ops0", "sts-ops1", "sts-ops2").hasSize(5);
        assertThat(second).startsWith(USER_PART).isNotEqualTo(first);
        assertThat(second.lines().count()).isEqualTo(first.lines().count());
    }

    @Test
    void tenWriteProcessesAtOnce_intoOneFile_allTenSectionsPresent_userPartUnchanged() throws Exception {
        Fleets fleet = start(10);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        List<Process> writers = new ArrayList<>();
        for (String profile : fleet.profiles()) {
            List<String> command = Processes.stsfleet();
            command.addAll(List.of("write", profile));
            writers.add(Processes.builder(env, command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(dir.resolve("err-" + profile).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start());
        }
        for (int i = 0; i < writers.size(); i++) {
            Process p = writers.get(i);
            assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("err-" + fleet.profiles().get(i)))).isZero();
        }

        String text = Files.readString(fleet.credentials());
        assertThat(text).startsWith(USER_PART);
        Map<String, Profile> profiles = parse(text);
        for (String profile : fleet.profiles()) {
            assertThat(profiles).containsKey("sts-" + profile);
            assertThat(profiles.get("sts-" + profile).properties())
                    .containsKeys("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "x_stsfleet_expiration");
        }
        assertThat(profiles).hasSize(12);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.credentials()))).isEqualTo("rw-------");
        assertThat(sandbox.stats().ok("AssumeRole")).isEqualTo(10);
    }

    @Test
    void writeKilledAtARandomMoment_leavesTheOldFileOrTheNewOne_neverAMix() throws Exception {
        Fleets fleet = start(1);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        Random random = new Random();
        for (int round = 0; round < 4; round++) {
            byte[] before = Files.readAllBytes(fleet.credentials());
            List<String> command = Processes.stsfleet();
            command.addAll(List.of("write", "ops0"));
            Process p = Processes.builder(env, command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            // A random moment of the run: JVM start, profile reading, the STS call, or the write.
            p.waitFor(200 + random.nextInt(2500), TimeUnit.MILLISECONDS);
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);

            byte[] after = Files.readAllBytes(fleet.credentials());
            String text = new String(after, StandardCharsets.UTF_8);
            Map<String, Profile> profiles = parse(text); // it parses, whatever moment it was
            if (!java.util.Arrays.equals(before, after)) {
                assertThat(text).startsWith(USER_PART);
                assertThat(profiles.get("sts-ops0").properties()).containsKeys("aws_access_key_id",
                        "aws_secret_access_key", "aws_session_token", "x_stsfleet_expiration");
                assertThat(profiles).hasSize(3);
            }
        }
    }

    @Test
    void malformedFile_exit2_namesTheLine_fileUnchanged_noStsCall() throws Exception {
        Fleets fleet = start(1);
        String broken = USER_PART + "this line is broken\n";
        Files.writeString(fleet.credentials(), broken);

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "write", "ops0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("stsfleet: error: ").contains("line 10").hasLineCount(1);
        assertThat(Files.readString(fleet.credentials())).isEqualTo(broken);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void badInput_exit2_oneLine_fileUnchanged_noStsCall() throws Exception {
        Fleets fleet = start(2);
        Map<String, String> env = fleet.env(sandbox.endpoint().toString());
        Path notAFile = Files.createDirectory(dir.resolve("a-directory"));

        List<Cli.Result> results = List.of(
                Cli.run(env, "write", "nosuch"),
                Cli.run(env, "write", "ops0", "ops1", "--as", "both"),
                Cli.run(env, "write", "ops0", "--as", "bad name"),
                Cli.run(env, "write", "ops0", "--as", "alice"),
                Cli.run(env, "write"),
                Cli.run(env, "write", "ops0", "--credentials-file", notAFile.toString()));

        for (Cli.Result r : results) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).startsWith("stsfleet: error: ").hasLineCount(1);
        }
        assertThat(results.get(3).err()).contains("holds keys stsfleet did not write");
        assertThat(Files.readString(fleet.credentials())).isEqualTo(USER_PART);
        assertThat(sandbox.stats().total("AssumeRole")).isZero();
    }

    @Test
    void oneRoleFails_theOthersAreWritten_exit1() throws Exception {
        Fleets fleet = Fleets.create(dir, 1, 1, 1, false);
        Files.writeString(fleet.credentials(), USER_PART);
        sandbox = sts.start(fleet.model());

        Cli.Result r = Cli.run(fleet.env(sandbox.endpoint().toString()), "write", "--all");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("profile locked1 failed: AccessDenied");
        assertThat(parse(Files.readString(fleet.credentials()))).containsKey("sts-ops0").doesNotContainKey("sts-locked1");
    }

    private static Map<String, Profile> parse(String text) {
        return ProfileFile.builder().content(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                .type(ProfileFile.Type.CREDENTIALS).build().profiles();
    }
}
