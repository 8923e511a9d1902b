package dev.stsfleet.sandbox.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

class StsSandboxExtensionTest {
    static boolean answers(StsSandbox sandbox) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(sandbox.endpoint().resolve("/_sandbox/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    }

    @Nested
    @ExtendWith(StsSandboxExtension.class)
    class PerTest {
        static final Set<StsSandbox> SEEN = ConcurrentHashMap.newKeySet();

        @Test
        void first(StsSandbox sandbox) throws Exception {
            check(sandbox);
        }

        @Test
        void second(StsSandbox sandbox) throws Exception {
            check(sandbox);
        }

        private void check(StsSandbox sandbox) throws Exception {
            assertThat(sandbox.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(sandbox.port()).isPositive();
            assertThat(answers(sandbox)).isTrue();
            assertThat(sandbox.model().users()).hasSize(1);
            SEEN.add(sandbox);
        }

        @AfterAll
        static void eachTestHadItsOwnSandbox_nowClosed() {
            assertThat(SEEN).hasSize(2);
            for (StsSandbox s : SEEN) {
                assertThat(s.toString()).endsWith(", closed]");
            }
        }
    }

    @Nested
    class PerClassWithOptions {
        static final SandboxModel MODEL = SandboxModel.builder()
                .role(new SandboxModel.Role("arn:aws:iam::123456789012:role/Only", List.of("123456789012"), false, null, 3600))
                .build();

        @RegisterExtension
        static final StsSandboxExtension STS = StsSandboxExtension.builder().model(MODEL).durationScale(0.5)
                .latency(Duration.ZERO).lifecycle(StsSandboxExtension.Lifecycle.PER_CLASS).build();
        static final Set<StsSandbox> SEEN = ConcurrentHashMap.newKeySet();

        @Test
        void first(StsSandbox sandbox) {
            assertThat(sandbox.model()).isSameAs(MODEL);
            assertThat(STS.sandbox()).isSameAs(sandbox);
            SEEN.add(sandbox);
        }

        @Test
        void second(StsSandbox sandbox) {
            SEEN.add(sandbox);
        }

        @AfterAll
        static void bothTestsSharedOneSandbox() {
            assertThat(SEEN).hasSize(1);
        }
    }

    @Nested
    class OnDemand {
        static final Set<StsSandbox> SEEN = ConcurrentHashMap.newKeySet();

        @RegisterExtension
        final StsSandboxExtension sts = StsSandboxExtension.builder().latency(Duration.ZERO)
                .lifecycle(StsSandboxExtension.Lifecycle.ON_DEMAND).build();

        @Test
        void start_givesASandboxWithTheTestsOptions_closedAfterTheTest() throws Exception {
            SandboxModel model = SandboxModel.builder().build();
            StsSandbox sandbox = sts.start(b -> b.model(model).throttleRps(5));
            assertThat(sandbox.model()).isSameAs(model);
            assertThat(sts.sandbox()).isSameAs(sandbox);
            assertThat(answers(sandbox)).isTrue();
            SEEN.add(sandbox);
        }

        @Test
        void restart_keepsThePortAndTheOptions_andForgetsTheCounters() throws Exception {
            StsSandbox first = sts.start(PerClassWithOptions.MODEL);
            assertThat(answers(first)).isTrue();
            StsSandbox second = sts.restart(first);
            assertThat(first.toString()).endsWith(", closed]");
            assertThat(second.port()).isEqualTo(first.port());
            assertThat(second.model()).isSameAs(PerClassWithOptions.MODEL);
            assertThat(answers(second)).isTrue();
            SEEN.add(second);
        }

        @AfterAll
        static void everySandboxStartedOnDemand_isClosed() {
            assertThat(SEEN).hasSize(2);
            for (StsSandbox s : SEEN) {
                assertThat(s.toString()).endsWith(", closed]");
            }
        }
    }
}
