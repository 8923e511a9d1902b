package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.ALICE_ARN;
import static dev.stsfleet.sandbox.Sdk.ALICE_KEY;
import static dev.stsfleet.sandbox.Sdk.ALICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature check against a signer we did not write: the AWS CLI (botocore). Fails, never skips,
 * when {@code aws} is not on PATH: .ci/prepare makes sure it is.
 */
class AwsCliInteropTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Result aws(StsSandbox sandbox, String secret) throws Exception {
        Path config = Files.createFile(dir.resolve("config-" + System.nanoTime()));
        Path credentials = Files.createFile(dir.resolve("credentials-" + System.nanoTime()));
        ProcessBuilder pb = new ProcessBuilder("aws", "sts", "get-caller-identity", "--output", "json",
                "--endpoint-url", sandbox.endpoint().toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", ALICE_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_MAX_ATTEMPTS", "1");
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("aws did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void awsCli_withDemoUserKeys_getsTheUsersArn() throws Exception {
        try (StsSandbox sandbox = StsSandbox.builder().start()) {
            Result r = aws(sandbox, ALICE_SECRET);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"Arn\": \"" + ALICE_ARN + "\"").contains("\"Account\": \"111111111111\"");
        }
    }

    @Test
    void awsCli_withWrongSecret_failsWithSignatureDoesNotMatch() throws Exception {
        try (StsSandbox sandbox = StsSandbox.builder().start()) {
            Result r = aws(sandbox, ALICE_SECRET.replace('0', '9'));
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("SignatureDoesNotMatch");
        }
    }
}
