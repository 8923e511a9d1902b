package dev.stsfleet.sandbox;

import static dev.stsfleet.sandbox.Sdk.AUDIT;
import static dev.stsfleet.sandbox.Sdk.AUDIT_EXTERNAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sts.StsClient;

class ConcurrencyTest {
    private static final int REQUESTS = 200;
    private static final int THREADS = 32;

    private Map<String, Integer> run(StsSandbox sandbox, AtomicInteger ok) throws Exception {
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (StsClient alice = Sdk.alice(sandbox)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    try {
                        if (n % 2 == 0) {
                            alice.getCallerIdentity();
                        } else {
                            alice.assumeRole(r -> r.roleArn(AUDIT).roleSessionName("s" + n).externalId(AUDIT_EXTERNAL_ID));
                        }
                        ok.incrementAndGet();
                    } catch (AwsServiceException e) {
                        errors.merge(e.awsErrorDetails().errorCode() + "/" + e.statusCode(), 1, Integer::sum);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        return errors;
    }

    @Test
    void twoHundredParallelSignedRequests_allSucceed() throws Exception {
        try (StsSandbox sandbox = StsSandbox.builder().start()) {
            AtomicInteger ok = new AtomicInteger();
            assertThat(run(sandbox, ok)).isEmpty();
            assertThat(ok.get()).isEqualTo(REQUESTS);
            assertThat(sandbox.stats().ok("GetCallerIdentity") + sandbox.stats().ok("AssumeRole")).isEqualTo(REQUESTS);
        }
    }

    @Test
    void twoHundredParallelSignedRequests_failOnlyWithInjectedErrors() throws Exception {
        try (StsSandbox sandbox = StsSandbox.builder().errorRate(0.3).start()) {
            AtomicInteger ok = new AtomicInteger();
            Map<String, Integer> errors = run(sandbox, ok);
            assertThat(errors.keySet()).isSubsetOf("InternalFailure/500");
            int failed = errors.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(ok.get() + failed).isEqualTo(REQUESTS);
            long injected = sandbox.stats().errors("GetCallerIdentity").getOrDefault("InternalFailure", 0L)
                    + sandbox.stats().errors("AssumeRole").getOrDefault("InternalFailure", 0L);
            assertThat(injected).isEqualTo(failed);
        }
    }
}
