package dev.stsfleet.sandbox.junit;

import dev.stsfleet.sandbox.SandboxModel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OIDC identity provider for tests: a fresh RSA key made in memory (never written anywhere), its public half
 * as the model's {@code publicKeyPem}, and RS256 tokens signed with it. Thread-safe.
 *
 * <pre>{@code
 * TestIdentityProvider idp = TestIdentityProvider.create("token.actions.githubusercontent.com");
 * model.oidcProvider(idp.provider("111111111111", "sts.amazonaws.com"));
 * String jwt = idp.token("repo:org/app:ref:refs/heads/main", "sts.amazonaws.com", clock.instant().plusSeconds(3600));
 * }</pre>
 */
public final class TestIdentityProvider {
    private final String host;
    private final KeyPair keys;

    private TestIdentityProvider(String host, KeyPair keys) {
        this.host = host;
        this.keys = keys;
    }

    /** A provider whose issuer is {@code https://HOST}, with a new 2048-bit RSA key. */
    public static TestIdentityProvider create(String host) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TestIdentityProvider(host, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code https://HOST}. */
    public String issuer() {
        return "https://" + host;
    }

    /** {@code arn:aws:iam::ACCOUNT:oidc-provider/HOST}. */
    public String arn(String account) {
        return "arn:aws:iam::" + account + ":oidc-provider/" + host;
    }

    /** The public key, PEM. */
    public String publicKeyPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    /** The model's entry for this provider in {@code account}, accepting {@code audiences}. */
    public SandboxModel.OidcProvider provider(String account, String... audiences) {
        return new SandboxModel.OidcProvider(arn(account), issuer(), List.of(audiences), publicKeyPem());
    }

    /** A token of this issuer for {@code subject} and {@code audience}, valid until {@code expires}. */
    public String token(String subject, String audience, Instant expires) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", subject);
        claims.put("aud", audience);
        claims.put("iat", expires.getEpochSecond() - 3600);
        claims.put("exp", expires.getEpochSecond());
        return token(claims);
    }

    /** A token with exactly these claims (strings and numbers), signed RS256 with this provider's key. */
    public String token(Map<String, Object> claims) {
        return sign(claims, this);
    }

    /** A token with these claims signed by another provider's key (a bad signature for this one). */
    public String tokenSignedBy(TestIdentityProvider other, Map<String, Object> claims) {
        return sign(claims, other);
    }

    private static String sign(Map<String, Object> claims, TestIdentityProvider signer) {
        StringBuilder json = new StringBuilder("{");
        claims.forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(escape(k)).append("\":");
            json.append(v instanceof Number ? v.toString() : "\"" + escape(String.valueOf(v)) + "\"");
        });
        json.append('}');
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"test\"}"
                .getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(signer.keys.getPrivate());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "TestIdentityProvider[" + issuer() + "]";
    }
}
