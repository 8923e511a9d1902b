package dev.stsfleet.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.FleetResult;
import dev.stsfleet.SessionToken;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;

class JsonRenderersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void boto_keysEachSuccessBySts_withStsFieldsInOrder_andNoFailures() throws Exception {
        StringWriter out = new StringWriter();
        BotoJsonRenderer.render(Fixtures.fleet(), out);

        String text = out.toString();
        assertThat(text).endsWith("}\n").contains("\"AccessKeyId\": \"" + Fixtures.ACCESS_KEY_ID + "\"");
        JsonNode doc = JSON.readTree(text);
        assertThat(fieldNames(doc)).containsExactly("sts-prod", "sts-dev");
        assertThat(fieldNames(doc.get("sts-prod")))
                .containsExactly("AccessKeyId", "SecretAccessKey", "SessionToken", "StartTime", "Expiration");
        assertThat(doc.get("sts-prod").get("SecretAccessKey").asText()).isEqualTo(Fixtures.SECRET);
        assertThat(doc.get("sts-prod").get("SessionToken").asText()).isEqualTo(Fixtures.TOKEN);
        assertThat(doc.get("sts-prod").get("StartTime").asText()).isEqualTo("2026-11-21T17:00:00Z");
        assertThat(doc.get("sts-prod").get("Expiration").asText()).isEqualTo("2026-11-21T18:00:00Z");
        assertThat(text).doesNotContain("broken", "AccessDenied");
    }

    @Test
    void boto_sessionToken_isTheStsObject() throws Exception {
        StringWriter out = new StringWriter();
        BotoJsonRenderer.render(new SessionToken(Fixtures.credentials(), "default", "arn:aws:iam::1:mfa/u"), out);

        JsonNode doc = JSON.readTree(out.toString());
        assertThat(fieldNames(doc))
                .containsExactly("AccessKeyId", "SecretAccessKey", "SessionToken", "StartTime", "Expiration");
        assertThat(doc.get("SessionToken").asText()).isEqualTo(Fixtures.TOKEN);
    }

    @Test
    void fleetJson_hasCredentialsFailuresAndSummary() throws Exception {
        StringWriter out = new StringWriter();
        FleetJsonRenderer.render(Fixtures.fleet(), out);

        assertThat(out.toString()).endsWith("}\n");
        JsonNode doc = JSON.readTree(out.toString());
        assertThat(fieldNames(doc)).containsExactly("credentials", "failures", "summary");
        assertThat(fieldNames(doc.get("credentials"))).containsExactly("sts-prod", "sts-dev");
        assertThat(doc.get("credentials").get("sts-dev").get("AccessKeyId").asText()).isEqualTo("ASIADEVKEY00000002");
        JsonNode failure = doc.get("failures").get("sts-broken");
        assertThat(fieldNames(failure)).containsExactly("code", "message");
        assertThat(failure.get("code").asText()).isEqualTo("AccessDenied");
        assertThat(failure.get("message").asText()).isEqualTo("User is not authorized to perform: sts:AssumeRole");
        JsonNode summary = doc.get("summary");
        assertThat(fieldNames(summary)).containsExactly("requested", "succeeded", "failed", "seconds");
        assertThat(summary.get("requested").asInt()).isEqualTo(3);
        assertThat(summary.get("succeeded").asInt()).isEqualTo(2);
        assertThat(summary.get("failed").asInt()).isEqualTo(1);
        assertThat(summary.get("seconds").isNumber()).isTrue();
        assertThat(summary.get("seconds").decimalValue()).isEqualByComparingTo("1.5");
    }

    @Test
    void fleetJson_withNoFailures_hasEmptyFailuresObject() throws Exception {
        StringWriter out = new StringWriter();
        FleetJsonRenderer.render(new FleetResult(Map.of(), Duration.ZERO), out);

        JsonNode doc = JSON.readTree(out.toString());
        assertThat(doc.get("failures").isObject()).isTrue();
        assertThat(doc.get("failures").size()).isZero();
        assertThat(doc.get("summary").get("seconds").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void credentialProcess_isVersion1JsonOnOneLine() throws Exception {
        StringWriter out = new StringWriter();
        CredentialProcessRenderer.render(Fixtures.credentials(), out);

        String text = out.toString();
        assertThat(text).endsWith("}\n");
        assertThat(text.strip()).doesNotContain("\n");
        JsonNode doc = JSON.readTree(text);
        assertThat(fieldNames(doc))
                .containsExactly("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration");
        assertThat(doc.get("Version").isInt()).isTrue();
        assertThat(doc.get("Version").asInt()).isEqualTo(1);
        assertThat(doc.get("Expiration").asText()).isEqualTo("2026-11-21T18:00:00Z");
    }

    @Test
    void credentialProcess_output_isAcceptedByTheAwsSdksProcessProvider(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        CredentialProcessRenderer.render(Fixtures.credentials(), out);
        Path file = dir.resolve("out.json");
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);

        try (ProcessCredentialsProvider provider = ProcessCredentialsProvider.builder()
                .command(List.of("cat", file.toString())).build()) {
            AwsSessionCredentials c = (AwsSessionCredentials) provider.resolveCredentials();
            assertThat(c.accessKeyId()).isEqualTo(Fixtures.ACCESS_KEY_ID);
            assertThat(c.secretAccessKey()).isEqualTo(Fixtures.SECRET);
            assertThat(c.sessionToken()).isEqualTo(Fixtures.TOKEN);
            assertThat(c.expirationTime()).contains(Fixtures.EXPIRY);
        }
    }

    @Test
    void renderers_flushButNeverCloseTheCallersWriter() {
        class Recording extends StringWriter {
            boolean closed;

            @Override
            public void close() {
                closed = true;
            }
        }
        Recording out = new Recording();
        BotoJsonRenderer.render(Fixtures.fleet(), out);
        FleetJsonRenderer.render(Fixtures.fleet(), out);
        CredentialProcessRenderer.render(Fixtures.credentials(), out);
        new TableRenderer(Fixtures.clockAt(Fixtures.START)).render(Fixtures.fleet(), out);
        new EnvRenderer(Shell.BASH, false).render(Fixtures.credentials(), out);
        CredentialsSection.of("x", Fixtures.credentials()).render(out);

        assertThat(out.closed).isFalse();
        assertThat(out.toString()).isNotEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
