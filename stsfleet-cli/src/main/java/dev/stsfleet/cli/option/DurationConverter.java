package dev.stsfleet.cli.option;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way people write them: {@code 5h}, {@code 90m}, {@code 1h30m}, {@code 900s}, {@code 3600}. */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern PARTS = Pattern.compile("(\\d+)([hms])");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase();
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        if (!v.matches("(\\d{1,9}[hms])+")) {
            throw new TypeConversionException("'" + value + "' is not a duration (examples: 5h, 90m, 1h30m, 900s)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PARTS.matcher(v);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
        }
        return total;
    }

    /** {@code 5h}, {@code 1h30m}, {@code 45s}: the inverse of {@link #parse}, for messages. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0 || b.length() == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}
