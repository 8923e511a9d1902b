package dev.stsfleet.format;

import java.time.Duration;

/** Durations in the units a person writes them: {@code 13h}, {@code 2h 30m}, {@code 45s}. Stateless. */
public final class Durations {
    private Durations() {
    }

    /**
     * The duration rounded down to whole seconds, in its two largest units, omitting zero parts:
     * {@code 13h}, {@code 2h 30m}, {@code 1h 0m 5s} is {@code 1h}, {@code 15m}, {@code 3m 20s}, {@code 45s}, {@code 0s}.
     * Negative durations print as {@code 0s}.
     */
    public static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = Math.max(0, d.getSeconds());
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (h > 0) {
            return m > 0 ? h + "h " + m + "m" : h + "h";
        }
        if (m > 0) {
            return sec > 0 ? m + "m " + sec + "s" : m + "m";
        }
        return sec + "s";
    }
}
