package dev.stsfleet.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** A raw request signed with the SDK signer, to send as-is or with a tampered body over java.net.http. */
record SigV4Fixture(URI uri, String method, Map<String, java.util.List<String>> headers, String body) {
    static SigV4Fixture sign(StsSandbox sandbox, String key, String secret, Instant at, String form) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(sandbox.endpoint())
                .encodedPath("/").putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build();
        SignedRequest signed = signer(request, key, secret, at, form);
        return new SigV4Fixture(sandbox.endpoint(), "POST", signed.request().headers(), form);
    }

    /** Signed like botocore: only content-type, host and x-amz-date, no x-amz-content-sha256. */
    @SuppressWarnings("deprecation")
    static SigV4Fixture signWithoutContentHash(StsSandbox sandbox, String key, String secret, Instant at, String form) {
        software.amazon.awssdk.http.SdkHttpFullRequest request = software.amazon.awssdk.http.SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST).uri(sandbox.endpoint()).encodedPath("/")
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .contentStreamProvider(() -> new java.io.ByteArrayInputStream(form.getBytes(StandardCharsets.UTF_8))).build();
        var signed = software.amazon.awssdk.auth.signer.Aws4Signer.create().sign(request,
                software.amazon.awssdk.auth.signer.params.Aws4SignerParams.builder()
                        .awsCredentials(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(key, secret))
                        .signingName("sts").signingRegion(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .signingClockOverride(Clock.fixed(at, ZoneOffset.UTC)).build());
        return new SigV4Fixture(sandbox.endpoint(), "POST", signed.headers(), form);
    }

    static SigV4Fixture signGet(StsSandbox sandbox, String key, String secret, Instant at, String query) {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(sandbox.endpoint()).encodedPath("/");
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            b.appendRawQueryParameter(kv[0], kv[1]);
        }
        SignedRequest signed = signer(b.build(), key, secret, at, null);
        return new SigV4Fixture(signed.request().getUri(), "GET", signed.request().headers(), null);
    }

    private static SignedRequest signer(SdkHttpRequest request, String key, String secret, Instant at, String body) {
        return AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(key, secret)).request(request)
                .payload(body == null ? null : ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
    }

    HttpResponse<String> send(HttpClient http, String sentBody) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        b.method(method, sentBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(sentBody, StandardCharsets.UTF_8));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
