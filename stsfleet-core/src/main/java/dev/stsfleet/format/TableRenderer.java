package dev.stsfleet.format;

import dev.stsfleet.FleetResult;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RoleCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A human-readable table of a bulk result, one row per requested profile in request order:
 * {@code PROFILE ACCOUNT ROLE EXPIRES STATUS}, columns aligned, EXPIRES in UTC with the time left
 * ("2026-11-21 18:00:00Z (in 59m)"), STATUS {@code ok} or the error code. Never prints a secret (no key,
 * not even a redacted one). Control characters in names are shown as {@code ?} so a hostile profile
 * name cannot drive the terminal. Pure: writes to the given {@link Writer}, which it flushes and never
 * closes. Immutable and thread-safe.
 */
public final class TableRenderer {
    private static final String[] HEADER = {"PROFILE", "ACCOUNT", "ROLE", "EXPIRES", "STATUS"};
    private static final String GAP = "  ";
    private static final DateTimeFormatter EXPIRY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;

    /** @param clock the "now" that "in 59m" counts from */
    public TableRenderer(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void render(FleetResult result, Writer out) {
        Instant now = clock.instant();
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (ProfileResult r : result.results().values()) {
            if (r instanceof ProfileResult.Succeeded s) {
                RoleCredentials c = s.credentials();
                Instant expiry = c.credentials().expiration();
                rows.add(new String[] {c.profile(), c.accountId(), c.roleName(),
                        EXPIRY.format(expiry) + " (" + relative(Duration.between(now, expiry)) + ")", "ok"});
            } else if (r instanceof ProfileResult.Failed f) {
                String account = f.roleArn() == null ? "-" : accountOf(f.roleArn());
                String role = f.roleArn() == null ? "-" : f.roleArn().substring(f.roleArn().lastIndexOf('/') + 1);
                rows.add(new String[] {f.profile(), account, role, "-", f.code()});
            }
        }
        write(rows, out);
    }

    /** "in 59m", "in 1h 5m", "in 30s", "expired 3m ago". Whole units, rounded down. */
    static String relative(Duration left) {
        if (left.isNegative() || left.isZero()) {
            return "expired " + span(left.negated()) + " ago";
        }
        return "in " + span(left);
    }

    private static String span(Duration d) {
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        if (hours > 0) {
            return minutes == 0 ? hours + "h" : hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m";
        }
        return d.toSecondsPart() + "s";
    }

    private static String accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length >= 5 && !parts[4].isEmpty() ? parts[4] : "-";
    }

    private static void write(List<String[]> rows, Writer out) {
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = printable(row[i]);
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                text.append(row[i]);
                if (i < row.length - 1) {
                    text.append(" ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()))).append(GAP);
                }
            }
            text.append('\n');
        }
        try {
            out.write(text.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output", e);
        }
    }

    private static String printable(String cell) {
        if (cell == null || cell.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(cell.length());
        cell.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
