package dev.stsfleet.provider.saml;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleetException;
import dev.stsfleet.profile.SamlProfile;
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
 * The bulk run for SAML-backed profiles ({@link SamlProfile}): each profile's role through the
 * {@link SamlSessionProvider} of its IdP login, concurrently on a bounded pool, in a {@link FleetResult} keyed
 * {@code sts-<profile>} in request order, like {@link dev.stsfleet.StsFleet#generateCredentials}. Profiles that
 * share an {@link SamlProfile.Idp} share its provider, hence one IdP login (the provider's single flight).
 *
 * <p>Failure codes: AWS's code for an STS refusal; otherwise the exception's kind ({@code IdpAccessDenied},
 * {@code IdpInvalidResponse}, {@code RoleNotInAssertion}, {@code InvalidInput}); {@code ClientError} else.
 *
 * <p>Thread-safe and stateless between runs: each {@link #run} starts its own threads and joins them before it
 * returns. The providers are the caller's: they are not closed.
 */
public final class SamlProfileRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SamlProfileRunner.class);
    private final int concurrency;
    private final OutputFormat format;

    private SamlProfileRunner(Builder b) {
        this.concurrency = b.concurrency;
        this.format = b.format;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Credentials for every profile.
     *
     * @param profiles  validated profiles (see {@link dev.stsfleet.profile.ProfileCatalog#selection}), distinct
     * @param logins    the provider of each profile's IdP login
     * @param listener  told once per finished profile, never two at once
     * @throws InvalidInputException no profile, a repeated profile, or a profile whose login has no provider
     */
    public FleetResult run(List<SamlProfile> profiles, Map<SamlProfile.Idp, SamlSessionProvider> logins,
                           ProgressListener listener) {
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(listener, "listener");
        if (profiles.isEmpty()) {
            throw new InvalidInputException("no SAML-backed profile was given");
        }
        if (profiles.stream().map(SamlProfile::name).distinct().count() != profiles.size()) {
            throw new InvalidInputException("a SAML-backed profile is named more than once");
        }
        for (SamlProfile p : profiles) {
            if (!logins.containsKey(p.idp())) {
                throw new InvalidInputException("profile " + p.name() + ": no IdP login was prepared for it");
            }
        }
        long t0 = System.nanoTime();
        AtomicInteger threads = new AtomicInteger();
        int size = Math.min(concurrency, profiles.size());
        ExecutorService pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "stsfleet-saml-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Object progressLock = new Object();
        int[] done = {0};
        try {
            List<Future<ProfileResult>> futures = new ArrayList<>(profiles.size());
            for (SamlProfile profile : profiles) {
                SamlSessionProvider provider = logins.get(profile.idp());
                futures.add(pool.submit(() -> {
                    ProfileResult result = finish(provider, profile);
                    synchronized (progressLock) {
                        done[0]++;
                        try {
                            listener.finished(result, done[0], profiles.size());
                        } catch (RuntimeException e) {
                            LOG.warn("a progress listener threw {}; ignored", e.getClass().getName());
                        }
                    }
                    return result;
                }));
            }
            Map<String, ProfileResult> results = new LinkedHashMap<>();
            for (int i = 0; i < profiles.size(); i++) {
                SamlProfile profile = profiles.get(i);
                ProfileResult result;
                try {
                    result = futures.get(i).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new StsFleetException("interrupted while getting credentials for the SAML-backed profiles");
                } catch (ExecutionException e) {
                    result = new ProfileResult.Failed(profile.name(), profile.roleArn(), "ClientError",
                            String.valueOf(e.getCause()));
                }
                results.put(FleetResult.keyOf(profile.name()), result);
            }
            FleetResult result = new FleetResult(results, Duration.ofNanos(System.nanoTime() - t0), format);
            LOG.debug("SAML profiles run: {}", result);
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

    private static ProfileResult finish(SamlSessionProvider provider, SamlProfile profile) {
        try {
            RoleCredentials c = provider.assume(profile.accountId(), profile.roleName(), profile.principalArn(),
                    profile.durationSeconds() == null ? null : Duration.ofSeconds(profile.durationSeconds()));
            LOG.debug("profile {}: AssumeRoleWithSAML gave {}", profile.name(), c);
            // The provider names credentials <account>-<role>; a profile's entry carries the profile's name.
            return new ProfileResult.Succeeded(new RoleCredentials(profile.name(), c.roleArn(), c.assumedRoleArn(),
                    c.credentials()));
        } catch (RuntimeException e) {
            ProfileResult.Failed failed = failure(profile, e);
            LOG.debug("profile {}: failed with {}", profile.name(), failed.code());
            return failed;
        }
    }

    /** A typed failure; messages come from our exceptions, which never carry the password or the assertion. */
    static ProfileResult.Failed failure(SamlProfile profile, RuntimeException e) {
        String roleArn = profile.roleArn();
        if (e instanceof StsCallException s) {
            String m = String.valueOf(s.getMessage());
            String prefix = s.code() + ": ";
            return new ProfileResult.Failed(profile.name(), roleArn, s.code(),
                    m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
        if (e instanceof InvalidInputException) {
            return new ProfileResult.Failed(profile.name(), roleArn, "InvalidInput", String.valueOf(e.getMessage()));
        }
        if (e instanceof StsFleetException) {
            String kind = e.getClass().getSimpleName().replaceFirst("Exception$", "");
            return new ProfileResult.Failed(profile.name(), roleArn, kind, String.valueOf(e.getMessage()));
        }
        return new ProfileResult.Failed(profile.name(), roleArn, "ClientError",
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    @Override
    public String toString() {
        return "SamlProfileRunner[concurrency=" + concurrency + ", format=" + format + "]";
    }

    /** Configures a {@link SamlProfileRunner}. Not thread-safe. */
    public static final class Builder {
        private int concurrency = 32;
        private OutputFormat format = OutputFormat.VAULT;

        private Builder() {
        }

        /** At most this many profiles at once, 1 to 1024; match the STS gateway's connections. Default 32. */
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

        public SamlProfileRunner build() {
            return new SamlProfileRunner(this);
        }
    }
}
