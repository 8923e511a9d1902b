package dev.stsfleet.format;

import dev.stsfleet.TemporaryCredentials;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON the AWS CLI and SDKs read from a {@code credential_process} command:
 * {@code {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}}, on one line,
 * {@code Expiration} in ISO-8601 UTC. The SDKs cache the credentials until {@code Expiration}, so it
 * must be present. Pure: writes to the given {@link Writer}, which it flushes and never closes.
 * Stateless and thread-safe.
 */
public final class CredentialProcessRenderer {
    private CredentialProcessRenderer() {
    }

    public static void render(TemporaryCredentials credentials, Writer out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Version", 1);
        doc.put("AccessKeyId", credentials.accessKeyId());
        doc.put("SecretAccessKey", credentials.secretAccessKey());
        doc.put("SessionToken", credentials.sessionToken());
        doc.put("Expiration", TemporaryCredentials.isoUtc(credentials.expiration()));
        Json.compact(doc, out);
    }
}
