package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClientWarmupTest {
    @Test
    void theWarmUpBuildsItsClientOnADaemonThread_onceAndWithoutBlockingTheCaller() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        ClientWarmup.start(1);
        ClientWarmup.start(2); // once per process: a second start is a no-op
        Thread warmup = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("stsfleet-client-warmup")).findFirst().orElse(null);
        if (warmup != null) { // it may be done already
            assertThat(warmup.isDaemon()).isTrue();
            warmup.join(Duration.between(Instant.now(), deadline).toMillis());
        }
        assertThat(ClientWarmup.warmed()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("stsfleet-client-warmup"));
    }
}
