package dev.stsfleet.bulk;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.provider.AssumeRoleFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one bulk loop: role profiles ({@link dev.stsfleet.StsFleet}), account lists (cross-account), SAML
 * roles and SAML-backed profiles all run through it. Every task ends as credentials or a typed failure, one
 * failure never loses another, results come in task order keyed as the tasks say, and progress is told one
 * result at a time. The run uses the caller's pool, or a bounded pool of its own that is joined before it
 * returns. Stateless and thread-safe.
 */
public final class BulkRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BulkRunner.class);

    private BulkRunner() {
    }

    /**
     * One unit of work.
     *
     * @param key     its entry in the result ({@code sts-...})
     * @param name    the name a failure carries (a profile, or {@code <account>-<role>})
     * @param roleArn the role a failure names
     * @param call    gets the credentials; may throw any of our exceptions
     */
    public record Task(String key, String name, String roleArn, Supplier<RoleCredentials> call) {
        public Task {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(call, "call");
        }
    }

    /**
     * Runs every task with at most {@code concurrency} at once on threads named {@code threadPrefix-N}.
     *
     * @throws StsFleetException when interrupted (the remaining tasks are cancelled)
     */
    public static FleetResult run(List<Task> tasks, int concurrency, String threadPrefix, OutputFormat format,
                                  ProgressListener listener) {
        AtomicInteger threads = new AtomicInteger();
        List<Thread> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        int size = Math.max(1, Math.min(concurrency, tasks.size()));
        ExecutorService pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, threadPrefix + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    started.add(t);
                    return t;
                });
        try {
            return run(tasks, pool, format, listener);
        } finally {
            pool.shutdownNow();
            try {
                // A terminated pool's workers may still be finishing their last lines: join them too, so none is
                // alive when the run returns.
                if (pool.awaitTermination(30, TimeUnit.SECONDS)) {
                    synchronized (started) {
                        for (Thread t : started) {
                            t.join(1_000);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs every task on {@code pool} (the caller's: its size bounds the concurrency; it is not shut down).
     *
     * @throws StsFleetException when interrupted (the remaining tasks are cancelled)
     */
    public static FleetResult run(List<Task> tasks, ExecutorService pool, OutputFormat format,
                                  ProgressListener listener) {
        Objects.requireNonNull(listener, "listener");
        long t0 = System.nanoTime();
        Object progressLock = new Object();
        int[] done = {0};
        {
            List<Future<ProfileResult>> futures = new ArrayList<>(tasks.size());
            for (Task task : tasks) {
                futures.add(pool.submit(() -> {
                    ProfileResult result = finish(task);
                    synchronized (progressLock) {
                        done[0]++;
                        try {
                            listener.finished(result, done[0], tasks.size());
                        } catch (RuntimeException e) {
                            LOG.warn("a progress listener threw {}; ignored", e.getClass().getName());
                        }
                    }
                    return result;
                }));
            }
            Map<String, ProfileResult> results = new LinkedHashMap<>();
            for (int i = 0; i < tasks.size(); i++) {
                Task task = tasks.get(i);
                ProfileResult result;
                try {
                    result = futures.get(i).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new StsFleetException("interrupted while getting credentials");
                } catch (ExecutionException e) {
                    // finish() catches every RuntimeException; an Error still becomes an entry, not a lost task.
                    result = new ProfileResult.Failed(task.name(), task.roleArn(), "ClientError",
                            e.getCause().getClass().getSimpleName());
                }
                results.put(task.key(), result);
            }
            return new FleetResult(results, Duration.ofNanos(System.nanoTime() - t0), format);
        }
    }

    private static ProfileResult finish(Task task) {
        try {
            RoleCredentials c = task.call().get();
            LOG.debug("{}: got {}", task.name(), c);
            return new ProfileResult.Succeeded(c);
        } catch (RuntimeException e) {
            ProfileResult.Failed failed = failure(task.name(), task.roleArn(), e);
            LOG.debug("{}: failed with {}", task.name(), failed.code());
            return failed;
        }
    }

    /** A typed failure; messages come from our exceptions, which never carry secrets. */
    public static ProfileResult.Failed failure(String name, String roleArn, RuntimeException e) {
        String role = e instanceof AssumeRoleFailedException a ? a.roleArn() : roleArn;
        if (e instanceof StsCallException s) {
            String m = String.valueOf(s.getMessage());
            String prefix = s.code() + ": ";
            return new ProfileResult.Failed(name, role, s.code(), m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
        if (e instanceof InvalidInputException) {
            return new ProfileResult.Failed(name, role, "InvalidInput", String.valueOf(e.getMessage()));
        }
        if (e instanceof StsFleetException) {
            // IdpAccessDenied, IdpInvalidResponse, RoleNotInAssertion, Idp (unreachable), ...
            String kind = e.getClass().getSimpleName().replaceFirst("Exception$", "");
            return new ProfileResult.Failed(name, role, kind, String.valueOf(e.getMessage()));
        }
        return new ProfileResult.Failed(name, role, "ClientError",
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
}
