package dev.stsfleet.provider;

import dev.stsfleet.bulk.BulkRunner;
import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.StsFleet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
        return run(provider, targets, AccountRole::key, listener);
    }

    /**
     * {@link #run(RoleSessionProvider, List, ProgressListener)} with each entry keyed by {@code keyOf} (e.g. an
     * output key template with account names) instead of {@code sts-<account>-<role>}.
     *
     * @throws InvalidInputException also when two targets get the same key, before any call
     */
    public FleetResult run(RoleSessionProvider provider, List<AccountRole> targets,
                           Function<AccountRole, String> keyOf, ProgressListener listener) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(listener, "listener");
        if (targets.isEmpty()) {
            throw new InvalidInputException("no account was given");
        }
        if (targets.stream().distinct().count() != targets.size()) {
            throw new InvalidInputException("a target (account and role) is named more than once");
        }
        Map<String, AccountRole> keys = new HashMap<>();
        for (AccountRole t : targets) {
            AccountRole before = keys.putIfAbsent(keyOf.apply(t), t);
            if (before != null) {
                throw new InvalidInputException("the entries of " + before.name() + " and " + t.name()
                        + " would both be keyed " + keyOf.apply(t));
            }
        }
        List<BulkRunner.Task> tasks = targets.stream()
                .map(t -> new BulkRunner.Task(keyOf.apply(t), t.name(), t.roleArn(),
                        () -> provider.roleCredentials(t.accountId(), t.roleName())))
                .toList();
        FleetResult result = BulkRunner.run(tasks, concurrency, "stsfleet-accounts", format, listener);
        LOG.debug("accounts run: {}", result);
        return result;
    }

    @Override
    public String toString() {
        return "AccountRunner[concurrency=" + concurrency + ", format=" + format + "]";
    }

    /** Configures an {@link AccountRunner}. Not thread-safe. */
    public static final class Builder {
        private int concurrency = StsFleet.DEFAULT_CONCURRENCY;
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
