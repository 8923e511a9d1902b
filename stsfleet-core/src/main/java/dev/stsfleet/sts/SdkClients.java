package dev.stsfleet.sts;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The one place where the SDK clients stsfleet builds (STS, AWS Organizations, IAM Identity Center) get their HTTP
 * client and their deadlines from {@link CallLimits}: the connect and read deadlines of the HTTP client, the
 * attempt and call deadlines and the retry strategy of the {@link ClientOverrideConfiguration}. Stateless.
 */
public final class SdkClients {
    /** How long a call may wait for a pooled connection (a bulk run queues many calls on few connections). */
    static final Duration CONNECTION_ACQUISITION_TIMEOUT = Duration.ofSeconds(60);

    private SdkClients() {
    }

    /**
     * Gives {@code client} its HTTP client ({@link #httpClient}) and override configuration: {@code retries},
     * each attempt limited to {@link CallLimits#callTimeout()}, the whole call to {@code deadline}.
     *
     * @param maxConnections the connection pool's size
     * @param deadline       the deadline of one call, retries included, or {@code null} for none beyond the attempts'
     * @param more           further override settings of the client (profile file, ...)
     * @return {@code client}
     */
    public static <B extends SdkSyncClientBuilder<B, ?> & SdkClientBuilder<B, ?>> B configure(
            B client, CallLimits limits, int maxConnections, RetryStrategy retries, Duration deadline,
            Consumer<ClientOverrideConfiguration.Builder> more) {
        // A builder, not a client: the SDK client then owns the pool and closes it.
        client.httpClientBuilder(httpClient(limits, maxConnections));
        client.overrideConfiguration(c -> {
            c.retryStrategy(retries);
            c.apiCallAttemptTimeout(limits.callTimeout());
            if (deadline != null) {
                c.apiCallTimeout(deadline);
            }
            more.accept(c);
        });
        return client;
    }

    /** {@link #configure(SdkSyncClientBuilder, CallLimits, int, RetryStrategy, Duration, Consumer)}, nothing more. */
    public static <B extends SdkSyncClientBuilder<B, ?> & SdkClientBuilder<B, ?>> B configure(
            B client, CallLimits limits, int maxConnections, RetryStrategy retries, Duration deadline) {
        return configure(client, limits, maxConnections, retries, deadline, c -> { });
    }

    /**
     * The HTTP client builder of every SDK client, with the connect deadline of {@code limits} and its call
     * deadline as the longest wait for a read. The only place one is created, and where the implementation is
     * chosen: for one connection (a single-role command, whose calls follow each other) the JDK's
     * {@code HttpURLConnection}, which sets up far less than Apache's pooled client (a cold {@code env} loads
     * 4,209 classes with it, 4,564 with Apache's); for a pool, Apache's client, whose pool serves many calls in
     * flight.
     */
    static SdkHttpClient.Builder<?> httpClient(CallLimits limits, int maxConnections) {
        if (maxConnections == 1) {
            return UrlConnectionHttpClient.builder()
                    .connectionTimeout(limits.connectTimeout())
                    .socketTimeout(limits.callTimeout());
        }
        return ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(limits.connectTimeout())
                .socketTimeout(limits.callTimeout())
                .connectionAcquisitionTimeout(CONNECTION_ACQUISITION_TIMEOUT)
                // The SDK's reaper is a static thread that would outlive close().
                .useIdleConnectionReaper(false);
    }
}
