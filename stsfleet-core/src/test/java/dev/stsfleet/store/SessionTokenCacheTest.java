package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.SessionToken;
import dev.stsfleet.format.Fixtures;
import dev.stsfleet.sandbox.junit.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTokenCacheTest {
    private static final String SCOPE = "http://127.0.0.1:1|AKIAEXAMPLE";

    static {
        LogCapture.enableDebug();
    }

    private static final String SERIAL = "arn:aws:iam::111111111111:mfa/alice";
    private static final Instant END = Fixtures.EXPIRY;

    @TempDir
    Path home;

    private StateDirectory state;
    private TestClock clock;
    private SessionTokenCache cache;

    @BeforeEach
    void setUp() {
        state = StateDirectory.open(home.resolve("state"));
        clock = new TestClock(END.minus(Duration.ofMinutes(30)));
        cache = SessionTokenCache.builder().stateDirectory(state).clock(clock).build();
    }

    @Test
    void put_thenGet_perSourceProfileAndMfaSerial() {
        SessionToken withMfa = new SessionToken(Fixtures.credentials(), "default", SERIAL);
        SessionToken withoutMfa = new SessionToken(Fixtures.credentials("2", END), "default", null);
        cache.put(withMfa, SCOPE);
        cache.put(withoutMfa, SCOPE);

        assertThat(cache.get("default", SERIAL, SCOPE)).contains(withMfa);
        assertThat(cache.get("default", null, SCOPE)).contains(withoutMfa);
        assertThat(cache.get("default", "arn:aws:iam::111111111111:mfa/bob", SCOPE)).isEmpty();
        assertThat(cache.get("other", SERIAL, SCOPE)).isEmpty();
        Path file = cache.fileOf("default", SERIAL, SCOPE);
        assertThat(file.getParent()).isEqualTo(state.root().resolve("cache/session-tokens"));
        assertThat(Modes.of(file)).isEqualTo("0600");
        assertThat(Modes.of(file.getParent())).isEqualTo("0700");
    }

    @Test
    void get_servesOnlyWhileMoreThanTheMarginRemains() {
        cache.put(new SessionToken(Fixtures.credentials(), "default", SERIAL), SCOPE);

        clock.set(END.minus(Duration.ofMinutes(16)));
        assertThat(cache.get("default", SERIAL, SCOPE)).isPresent();
        clock.set(END.minus(Duration.ofMinutes(15)));
        assertThat(cache.get("default", SERIAL, SCOPE)).isEmpty();
    }

    @Test
    void getOrLoad_loadsOnce_andRejectsATokenOfAnotherProfile() {
        SessionToken token = new SessionToken(Fixtures.credentials(), "default", SERIAL);
        int[] loads = {0};
        for (int i = 0; i < 2; i++) {
            assertThat(cache.getOrLoad("default", SERIAL, SCOPE, () -> {
                loads[0]++;
                return token;
            })).isEqualTo(token);
        }
        assertThat(loads[0]).isEqualTo(1);

        assertThatThrownBy(() -> cache.getOrLoad("other", SERIAL, SCOPE, () -> token))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.fileOf("other", SERIAL, SCOPE)).doesNotExist();
    }

    @Test
    void corruptEntry_isIgnored_withoutLoggingItsContent() {
        Path file = cache.fileOf("default", SERIAL, SCOPE);
        state.write(file, "{\"version\": 1, \"sourceProfile\": \"default\", \"sessionToken\": \"SECRETTOKEN"
                .getBytes(StandardCharsets.UTF_8));

        String log = LogCapture.during(() -> assertThat(cache.get("default", SERIAL, SCOPE)).isEmpty());

        assertThat(log).contains(file.toString()).doesNotContain("SECRETTOKEN");
    }

    @Test
    void invalidate_forgetsTheEntry() {
        cache.put(new SessionToken(Fixtures.credentials(), "default", SERIAL), SCOPE);
        cache.invalidate("default", SERIAL, SCOPE);

        assertThat(cache.get("default", SERIAL, SCOPE)).isEmpty();
    }

    @Test
    void toString_holdsNoSecret() {
        assertThat(cache.toString()).doesNotContain(Fixtures.SECRET, Fixtures.TOKEN);
    }

    @Test
    void aSessionOfAnotherEndpointOrOtherKeysIsNeverServed() {
        SessionToken token = new SessionToken(Fixtures.credentials(), "default", SERIAL);
        cache.put(token, SCOPE);
        assertThat(cache.get("default", SERIAL, SCOPE)).contains(token);
        assertThat(cache.get("default", SERIAL, "https://sts.amazonaws.com|AKIAEXAMPLE")).isEmpty();
        assertThat(cache.get("default", SERIAL, "http://127.0.0.1:1|AKIAROTATED")).isEmpty();
    }
}
