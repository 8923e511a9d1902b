package dev.stsfleet.provider.saml;

import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.StsFleet;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.profile.SamlProfile;
import dev.stsfleet.bulk.BulkRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        List<BulkRunner.Task> tasks = profiles.stream()
                .map(p -> new BulkRunner.Task(FleetResult.keyOf(p.name()), p.name(), p.roleArn(), () -> assume(logins.get(p.idp()), p)))
                .toList();
        FleetResult result = BulkRunner.run(tasks, concurrency, "stsfleet-saml", format, listener);
        LOG.debug("SAML profiles run: {}", result);
        return result;
    }

    /** One profile's credentials through its login's provider, named after the profile. */
    public static RoleCredentials assume(SamlSessionProvider provider, SamlProfile profile) {
        RoleCredentials c = provider.assume(profile.accountId(), profile.roleName(), profile.principalArn(),
                profile.durationSeconds() == null ? null : Duration.ofSeconds(profile.durationSeconds()));
        // The provider names credentials <account>-<role>; a profile's entry carries the profile's name.
        return new RoleCredentials(profile.name(), c.roleArn(), c.assumedRoleArn(), c.credentials());
    }

    @Override
    public String toString() {
        return "SamlProfileRunner[concurrency=" + concurrency + ", format=" + format + "]";
    }

    /** Configures a {@link SamlProfileRunner}. Not thread-safe. */
    public static final class Builder {
        private int concurrency = StsFleet.DEFAULT_CONCURRENCY;
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
