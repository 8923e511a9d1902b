package dev.stsfleet.provider;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk engine for session providers: every (account, role) through one {@link RoleSessionProvider},
 * concurrently on a bounded pool, each ending as credentials or a typed failure, in a {@link FleetResult}
 * keyed {@code sts-<account>-<role>} in request order. One failing account never loses the others; the
 * provider's own sharing (one base login, one IdP login) serves all of them.
 *
 * <p>Failure codes: AWS's code for an STS refusal ({@code AccessDenied}, ...); otherwise the exception's
 * kind, e.g. {@code IdpAccessDenied}, {@code IdpInvalidResponse}, {@code RoleNotInAssertion},
 * {@code InvalidInput}; {@code ClientError} for anything else.
 *
 * <p>Thread-safe and stateless between runs: each {@link #run} starts its own worker threads and stops and
 * joins them before it returns, so no thread of ours outlives a run.
 */
public final class AccountRunner {
    private static final Logger LOG = LoggerFactory.getLogger(AccountRunner.class);
    private final int concurrency;
    private final OutputFormat format;

    private AccountRunner(Builder b) {
        this.concurrency = b.concurrency;
        this.format = b.format;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Credentials for every target through the provider.
     *
     * @param targets  validated targets (see {@link AccountRole#of}); repeated targets are refused
     * @param listener told once per finished target, never two at once
     * @throws InvalidInputException for an empty or repeated target, before any call
     */
    public FleetResult run(RoleSessionProvider provider, List<AccountRole> targets, ProgressListener listener) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(listener, "listener");
        if (targets.isEmpty()) {
            throw new InvalidInputException("no account was given");
        }
        if (targets.stream().distinct().count() != targets.size()) {
            throw new InvalidInputException("a target (account and role) is named more than once");
        }
        long t0 = System.nanoTime();
        AtomicInteger threads = new AtomicInteger();
        int size = Math.min(concurrency, targets.size());
        ExecutorService pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "stsfleet-accounts-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Object progressLock = new Object();
        int[] done = {0};
        try {
            List<Future<ProfileResult>> futures = new ArrayList<>(targets.size());
            for (AccountRole target : targets) {
                futures.add(pool.submit(() -> {
                    ProfileResult result = finish(provider, target);
                    synchronized (progressLock) {
                        done[0]++;
                        try {
                            listener.finished(result, done[0], targets.size());
                        } catch (RuntimeException e) {
                            LOG.warn("a progress listener threw {}; ignored", e.getClass().getName());
                        }
                    }
                    return result;
                }));
            }
            Map<String, ProfileResult> results = new LinkedHashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                AccountRole target = targets.get(i);
                ProfileResult result;
                try {
                    result = futures.get(i).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new StsFleetException("interrupted while getting credentials for the accounts");
                } catch (ExecutionException e) {
                    result = new ProfileResult.Failed(target.name(), target.roleArn(), "ClientError",
                            String.valueOf(e.getCause()));
                }
                results.put(target.key(), result);
            }
            FleetResult result = new FleetResult(results, Duration.ofNanos(System.nanoTime() - t0), format);
            LOG.debug("accounts run: {}", result);
            return result;
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ProfileResult finish(RoleSessionProvider provider, AccountRole target) {
        try {
            RoleCredentials c = provider.roleCredentials(target.accountId(), target.roleName());
            LOG.debug("{}: got {}", target.name(), c);
            return new ProfileResult.Succeeded(c);
        } catch (RuntimeException e) {
            ProfileResult.Failed failed = failure(target, e);
            LOG.debug("{}: failed with {}", target.name(), failed.code());
            return failed;
        }
    }

    /** A typed failure for one target; messages come from our exceptions, which never carry secrets. */
    static ProfileResult.Failed failure(AccountRole target, RuntimeException e) {
        String roleArn = e instanceof AssumeRoleFailedException a ? a.roleArn() : target.roleArn();
        if (e instanceof StsCallException s) {
            String m = String.valueOf(s.getMessage());
            String prefix = s.code() + ": ";
            return new ProfileResult.Failed(target.name(), roleArn, s.code(),
                    m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
        if (e instanceof InvalidInputException) {
            return new ProfileResult.Failed(target.name(), roleArn, "InvalidInput", String.valueOf(e.getMessage()));
        }
        if (e instanceof StsFleetException) {
            // IdpAccessDenied, IdpInvalidResponse, RoleNotInAssertion, Idp (unreachable), ...
            String kind = e.getClass().getSimpleName().replaceFirst("Exception$", "");
            return new ProfileResult.Failed(target.name(), roleArn, kind, String.valueOf(e.getMessage()));
        }
        return new ProfileResult.Failed(target.name(), roleArn, "ClientError",
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    @Override
    public String toString() {
        return "AccountRunner[concurrency=" + concurrency + ", format=" + format + "]";
    }

    /** Configures an {@link AccountRunner}. Not thread-safe. */
    public static final class Builder {
        private int concurrency = 32;
        private OutputFormat format = OutputFormat.VAULT;

        private Builder() {
        }

        /** At most this many accounts at once, 1 to 1024; match the STS gateway's connections. Default 32. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new InvalidInputException("concurrency must be 1 to 1024, not " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** The shape of the result's {@link FleetResult#view()}. Default {@link OutputFormat#VAULT}. */
        public Builder format(OutputFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        public AccountRunner build() {
            return new AccountRunner(this);
        }
    }
}
