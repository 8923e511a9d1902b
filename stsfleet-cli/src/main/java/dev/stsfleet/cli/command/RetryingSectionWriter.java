package dev.stsfleet.cli.command;

import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.cli.Output;
import dev.stsfleet.format.CredentialsSection;
import dev.stsfleet.store.CredentialsFileEditor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes refreshed sets into the credentials file for {@code keep-fresh}, and survives a failing write
 * (a full disk): the newest set of each profile stays in memory, the write is retried with backoff (1 s
 * doubling to 1 min), one warning per failure streak says why, and one line says when writing works
 * again. Thread-safe; {@link #close()} stops the retries (after one last attempt by the caller if wanted).
 */
final class RetryingSectionWriter implements AutoCloseable {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(1);

    private final CredentialsFileEditor editor;
    private final String prefix;
    private final Output output;
    private final String command;
    private final Map<String, CredentialsSection> pending = new LinkedHashMap<>();
    private final ScheduledExecutorService retries;
    private boolean failing;
    private Duration delay = FIRST_RETRY;
    private ScheduledFuture<?> scheduled;

    RetryingSectionWriter(CredentialsFileEditor editor, String prefix, Output output, String command) {
        this.editor = editor;
        this.prefix = prefix;
        this.output = output;
        this.command = command;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "stsfleet-write-retry");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.retries = pool;
    }

    /** Writes these sets now (with any still pending); on failure keeps them and retries later. */
    synchronized void write(Collection<RoleCredentials> sets) {
        for (RoleCredentials c : sets) {
            pending.put(c.profile(), CredentialsSection.of(prefix + c.profile(), c.credentials()));
        }
        flush();
    }

    /** Whether some sets are still waiting to be written. */
    synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    private synchronized void flush() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (pending.isEmpty()) {
            return;
        }
        try {
            editor.upsert(new ArrayList<>(pending.values()));
            if (failing) {
                output.info(command + ": wrote " + pending.size() + " section" + (pending.size() == 1 ? "" : "s")
                        + " to " + editor.file() + "; writing works again");
            }
            pending.clear();
            failing = false;
            delay = FIRST_RETRY;
        } catch (StsFleetException e) {
            if (!failing) {
                output.warn(command + ": " + e.getMessage() + "; the credentials stay in memory and the write is "
                        + "retried until it works");
                failing = true;
            }
            if (!retries.isShutdown()) {
                scheduled = retries.schedule(this::flush, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            delay = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        try {
            retries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
