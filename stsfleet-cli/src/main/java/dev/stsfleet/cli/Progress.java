package dev.stsfleet.cli;

import dev.stsfleet.ProfileResult;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.format.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a bulk run on stderr. On a terminal: one live line, redrawn in place at most ten times a second
 * (done/total, rate per second, failures, ETA) and cleared before anything else is written. Not on a terminal: a
 * plain line when another 10% is done, at most one per 5 s (so a quick run prints none). Nothing with
 * {@code --quiet}. Calls are serialized by the fleet.
 */
public final class Progress implements ProgressListener {
    static final long REDRAW_NANOS = 100_000_000L;
    static final long PLAIN_NANOS = 5_000_000_000L;

    private final Output output;
    private final String command;
    private final LongSupplier nanos;
    private final long start;
    private long lastDraw;
    private int lastDecile;
    private int failed;

    Progress(Output output, String command, LongSupplier nanos) {
        this.output = output;
        this.command = command;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.lastDraw = start;
    }

    /** Progress of {@code command} on the command's output, with the system's monotonic clock. */
    public static Progress of(Output output, String command) {
        return new Progress(output, command, System::nanoTime);
    }

    @Override
    public synchronized void finished(ProfileResult result, int done, int total) {
        if (!result.succeeded()) {
            failed++;
        }
        long now = nanos.getAsLong();
        if (output.live()) {
            if (now - lastDraw >= REDRAW_NANOS || done == total) {
                lastDraw = now;
                output.progress(line(done, total, now));
            }
            return;
        }
        int decile = total == 0 ? 10 : done * 10 / total;
        if (decile > lastDecile && now - lastDraw >= PLAIN_NANOS && done < total) {
            lastDecile = decile;
            lastDraw = now;
            output.info(line(done, total, now));
        }
    }

    String line(int done, int total, long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        double rate = done / seconds;
        StringBuilder b = new StringBuilder(command).append(": ").append(done).append('/').append(total)
                .append(String.format(Locale.ROOT, " (%d%%), %.0f/s", total == 0 ? 100 : done * 100 / total, rate));
        if (failed > 0) {
            b.append(", ").append(failed).append(" failed");
        }
        if (done < total && rate > 0) {
            b.append(", ETA ").append(Durations.human(Duration.ofSeconds((long) Math.ceil((total - done) / rate))));
        }
        return b.toString();
    }
}
