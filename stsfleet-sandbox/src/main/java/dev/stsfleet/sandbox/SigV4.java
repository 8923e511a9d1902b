package dev.stsfleet.sandbox;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * SigV4 verification by re-signing: the received method, path, query, signed headers and body are
 * signed again with the AWS SDK's own signer at the request's X-Amz-Date, and the two signatures compared
 * in constant time. No hand-written canonicalisation to get subtly wrong.
 *
 * <p>{@link AwsV4HttpSigner} (what SDK v2 clients sign with) always adds and signs
 * {@code x-amz-content-sha256}; clients that do not sign that header (aws-cli/botocore, SDK v1) are
 * re-signed with the SDK's older {@code Aws4Signer}, which signs exactly the headers it is given.
 */
final class SigV4 {
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^,\\s]+)\\s*,\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-fA-F]+)\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    @SuppressWarnings("deprecation")
    private static final Aws4Signer LEGACY_SIGNER = Aws4Signer.create();

    private SigV4() {
    }

    /** What the Authorization and X-Amz-Date headers claim, before any check against secrets. */
    record Claim(String accessKeyId, String scopeDate, String region, String service, List<String> signedHeaders,
                 String signature, Instant requestTime, String securityToken) {
    }

    /** A received request, headers keyed by lower-case name. */
    record Received(String method, String rawPath, List<Map.Entry<String, String>> queryParams,
                    Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** Parses the signature claim. @throws StsError MissingAuthenticationToken or IncompleteSignature */
    static Claim claim(Received request) {
        String authorization = request.header("authorization");
        if (authorization == null) {
            throw StsError.sender(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            throw StsError.sender(400, "IncompleteSignature", "Authorization header requires 'Credential', "
                    + "'SignedHeaders' and 'Signature' parameters with algorithm AWS4-HMAC-SHA256.");
        }
        String[] scope = m.group(1).split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4]) || Arrays.stream(scope).anyMatch(String::isEmpty)) {
            throw StsError.sender(400, "IncompleteSignature",
                    "Credential should be of the form ACCESS_KEY_ID/DATE/REGION/SERVICE/aws4_request.");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw StsError.sender(400, "IncompleteSignature",
                    "Authorization header requires existence of a 'X-Amz-Date' header.");
        }
        Instant time;
        try {
            time = LocalDateTime.parse(amzDate.trim(), AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw StsError.sender(400, "IncompleteSignature", "X-Amz-Date must be in the form yyyyMMdd'T'HHmmss'Z'.");
        }
        List<String> signed = Arrays.asList(m.group(2).toLowerCase(Locale.ROOT).split(";"));
        return new Claim(scope[0], scope[1], scope[2], scope[3], signed, m.group(3).toLowerCase(Locale.ROOT), time,
                request.header("x-amz-security-token"));
    }

    /** Rejects a request dated more than 15 minutes from {@code now}, with AWS's wording. */
    static void checkTime(Claim claim, Instant now) {
        String requestTime = AMZ_DATE.format(claim.requestTime().atOffset(ZoneOffset.UTC));
        if (claim.requestTime().isBefore(now.minus(MAX_SKEW))) {
            throw StsError.sender(403, "SignatureDoesNotMatch", "Signature expired: " + requestTime
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW).atOffset(ZoneOffset.UTC))
                    + " (" + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " - 15 min.)");
        }
        if (claim.requestTime().isAfter(now.plus(MAX_SKEW))) {
            throw StsError.sender(403, "SignatureDoesNotMatch", "Signature not yet current: " + requestTime
                    + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW).atOffset(ZoneOffset.UTC))
                    + " (" + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " + 15 min.)");
        }
    }

    /**
     * Re-signs the request with {@code secretAccessKey} (and {@code sessionToken}, null for long-term
     * keys) and compares. @throws StsError SignatureDoesNotMatch
     */
    static void verify(Received request, Claim claim, String secretAccessKey, String sessionToken) {
        if (!"sts".equals(claim.service())
                || !claim.scopeDate().equals(AMZ_DATE.format(claim.requestTime().atOffset(ZoneOffset.UTC)).substring(0, 8))
                || !claim.signedHeaders().contains("host")) {
            throw signatureMismatch();
        }
        String host = request.header("host");
        if (host == null) {
            throw signatureMismatch();
        }
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol("http")
                .encodedPath(request.rawPath());
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon && host.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            builder.host(host.substring(0, colon)).port(Integer.parseInt(host.substring(colon + 1)));
        } else {
            builder.host(host);
        }
        for (Map.Entry<String, String> p : request.queryParams()) {
            builder.appendRawQueryParameter(p.getKey(), p.getValue());
        }
        for (String name : claim.signedHeaders()) {
            List<String> values = request.headers().get(name);
            if (values == null) {
                throw signatureMismatch();
            }
            builder.putHeader(name, values);
        }
        String expected = claim.signedHeaders().contains("x-amz-content-sha256")
                ? signV4Http(builder.build(), request.body(), claim, secretAccessKey, sessionToken)
                : signLegacy(builder.build(), request.body(), claim, secretAccessKey, sessionToken);
        Matcher m = AUTHORIZATION.matcher(expected);
        if (!m.matches()) {
            throw new IllegalStateException("the SDK signer produced an unexpected Authorization header");
        }
        boolean sameHeaders = Arrays.asList(m.group(2).split(";")).equals(claim.signedHeaders());
        boolean sameSignature = MessageDigest.isEqual(m.group(3).getBytes(StandardCharsets.US_ASCII),
                claim.signature().getBytes(StandardCharsets.US_ASCII));
        if (!sameHeaders | !sameSignature) {
            throw signatureMismatch();
        }
    }

    private static String signV4Http(SdkHttpRequest request, byte[] body, Claim claim, String secretAccessKey,
                                     String sessionToken) {
        AwsCredentialsIdentity identity = sessionToken == null
                ? AwsCredentialsIdentity.create(claim.accessKeyId(), secretAccessKey)
                : AwsSessionCredentialsIdentity.create(claim.accessKeyId(), secretAccessKey, sessionToken);
        SignedRequest signed = SIGNER.sign(r -> r
                .identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, claim.region())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(claim.requestTime(), ZoneOffset.UTC)));
        return signed.request().firstMatchingHeader("Authorization").orElse("");
    }

    @SuppressWarnings("deprecation") // Aws4Signer: the SDK's signer that signs only the headers present; see class doc.
    private static String signLegacy(SdkHttpRequest request, byte[] body, Claim claim, String secretAccessKey,
                                     String sessionToken) {
        SdkHttpFullRequest full = SdkHttpFullRequest.builder()
                .method(request.method()).protocol(request.protocol()).host(request.host()).port(request.port())
                .encodedPath(request.encodedPath()).rawQueryParameters(request.rawQueryParameters())
                .headers(request.headers())
                .contentStreamProvider(() -> new ByteArrayInputStream(body))
                .build();
        AwsCredentials credentials = sessionToken == null
                ? AwsBasicCredentials.create(claim.accessKeyId(), secretAccessKey)
                : AwsSessionCredentials.create(claim.accessKeyId(), secretAccessKey, sessionToken);
        Aws4SignerParams params = Aws4SignerParams.builder()
                .awsCredentials(credentials)
                .signingName("sts")
                .signingRegion(Region.of(claim.region()))
                .signingClockOverride(Clock.fixed(claim.requestTime(), ZoneOffset.UTC))
                .doubleUrlEncode(true)
                .normalizePath(true)
                .build();
        return LEGACY_SIGNER.sign(full, params).firstMatchingHeader("Authorization").orElse("");
    }

    private static StsError signatureMismatch() {
        return StsError.sender(403, "SignatureDoesNotMatch", "The request signature we calculated does not match "
                + "the signature you provided. Check your AWS Secret Access Key and signing method. "
                + "Consult the service documentation for details.");
    }
}
