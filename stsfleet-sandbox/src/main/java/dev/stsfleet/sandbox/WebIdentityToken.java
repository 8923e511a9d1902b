package dev.stsfleet.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An OIDC token (a JWT signed RS256) checked as STS checks it for AssumeRoleWithWebIdentity: its issuer names a
 * provider of the model, its signature is that provider's key, it is within {@code nbf}..{@code exp}, one of its
 * audiences is the provider's. Messages never quote the token.
 *
 * @param provider       the provider that issued it
 * @param subject        {@code sub}
 * @param audience       the audience that matched
 * @param sourceIdentity the {@code https://aws.amazon.com/source_identity} claim, or {@code null}
 */
record WebIdentityToken(SandboxModel.OidcProvider provider, String subject, String audience, String sourceIdentity) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Clock skew STS tolerates around exp and nbf. */
    private static final long SKEW_SECONDS = 0;

    static WebIdentityToken verify(String jwt, SandboxModel model, Instant now) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("The token is not a JWT (header.payload.signature).");
        }
        JsonNode header = json(parts[0]);
        JsonNode claims = json(parts[1]);
        if (!"RS256".equals(header.path("alg").asText())) {
            throw invalid("The token's signing algorithm is not supported (RS256 is).");
        }
        String issuer = claims.path("iss").asText(null);
        if (issuer == null) {
            throw invalid("The token has no issuer (iss).");
        }
        SandboxModel.OidcProvider provider = model.oidcProviderByIssuer(issuer).orElseThrow(() ->
                invalid("No OpenIDConnect provider found in your account for " + issuer));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(OidcProviders.publicKey(provider.publicKeyPem()));
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw invalid("Incorrect token signature.");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid("Incorrect token signature.");
        }
        if (!claims.path("exp").isNumber()) {
            throw invalid("The token has no expiry (exp).");
        }
        Instant exp = Instant.ofEpochSecond(claims.get("exp").asLong());
        if (!now.isBefore(exp.plusSeconds(SKEW_SECONDS))) {
            throw StsError.sender(400, "ExpiredTokenException", "Token expired: current date/time " + now.getEpochSecond()
                    + " must be before the expiration date/time " + exp.getEpochSecond());
        }
        if (claims.path("nbf").isNumber() && now.isBefore(Instant.ofEpochSecond(claims.get("nbf").asLong()))) {
            throw invalid("The token is not valid yet (nbf).");
        }
        List<String> audiences = new ArrayList<>();
        JsonNode aud = claims.path("aud");
        if (aud.isTextual()) {
            audiences.add(aud.asText());
        } else if (aud.isArray()) {
            aud.forEach(a -> audiences.add(a.asText()));
        }
        String matched = audiences.stream().filter(provider.audiences()::contains).findFirst()
                .orElseThrow(() -> invalid("Incorrect token audience"));
        String subject = claims.path("sub").asText(null);
        if (subject == null || subject.isEmpty()) {
            throw StsError.sender(403, "IDPRejectedClaim", "The token has no subject (sub).");
        }
        String sourceIdentity = claims.path("https://aws.amazon.com/source_identity").asText(null);
        return new WebIdentityToken(provider, subject, matched, sourceIdentity);
    }

    private static JsonNode json(String part) {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw invalid("The token is not a JWT (its parts are not JSON objects).");
            }
            return node;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw invalid("The token is not a JWT (its parts are not base64url JSON).");
        }
    }

    private static StsError invalid(String message) {
        return StsError.sender(400, "InvalidIdentityToken", message);
    }
}
