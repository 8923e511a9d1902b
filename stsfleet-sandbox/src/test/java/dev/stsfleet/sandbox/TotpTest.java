package dev.stsfleet.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TotpTest {
    /** RFC 6238 appendix B's SHA-1 seed "12345678901234567890", in base32. */
    private static final String RFC_SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void code_matchesRfc6238Vectors_lastSixDigits() {
        assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(59))).isEqualTo("287082");
        assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(1111111109))).isEqualTo("081804");
        assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(1234567890))).isEqualTo("005924");
        assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(20000000000L))).isEqualTo("353130");
    }

    @Test
    void code_isStableWithinAStep_andChangesAcrossSteps() {
        assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(60))).isEqualTo(Totp.code(RFC_SEED, Instant.ofEpochSecond(89)));
        assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(59))).isNotEqualTo(Totp.code(RFC_SEED, Instant.ofEpochSecond(60)));
    }

    @Test
    void seed_isCaseAndSpaceInsensitive_butMustBeBase32() {
        assertThat(Totp.code("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", Instant.ofEpochSecond(59))).isEqualTo("287082");
        assertThatThrownBy(() -> Totp.code("not-base32!", Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("not-base32");
    }
}
