package dev.stsfleet.cli.command;

import dev.stsfleet.FleetListener;
import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.RequestOptions;
import dev.stsfleet.RoleCredentials;
import dev.stsfleet.SessionToken;
import dev.stsfleet.StsCallException;
import dev.stsfleet.StsFleet;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.cli.option.MfaOptions;
import dev.stsfleet.cli.option.ProfileSelection;
import dev.stsfleet.ProgressListener;
import dev.stsfleet.format.Durations;
import dev.stsfleet.profile.CredentialPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What {@code keep-fresh} and {@code serve} share: a fleet whose role sets stay fresh for a session
 * lifetime, which profiles got lost on the way, and a wait that ends with the lifetime or a signal.
 * Listener events arrive on refresh threads; the command's own thread does the slow work (files) by
 * draining {@link #refreshed()}.
 */
final class FreshFleet implements FleetListener {
    private static final Set<String> FINAL_CODES = StsFleet.FINAL_REFRESH_CODES;
    /** Codes that say STS no longer knows the session (e.g. it was revoked or STS lost it). */
    private static final Set<String> SESSION_GONE = Set.of("ExpiredToken", "InvalidClientTokenId");


    private final Output output;
    private final String command;
    private final BlockingQueue<RoleCredentials> refreshed = new LinkedBlockingQueue<>();
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile Instant end = Instant.MIN;

    FreshFleet(Output output, String command) {
        this.output = output;
        this.command = command;
    }

    /** The fleet for a command: global options, the command's MFA codes, this object as its listener. */
    StsFleet build(CommandContext cli, MfaOptions mfa, RequestOptions options) {
        return FleetFactory.builder(cli, mfa, options).listener(this).build();
    }

    /** The profiles a command names: explicit names, or every role profile with {@code --all}. */
    static List<String> selection(StsFleet fleet, ProfileSelection selection) {
        selection.requireOne();
        List<String> names = selection.all() ? new ArrayList<>(fleet.roleProfiles().keySet()) : selection.named();
        if (names.isEmpty()) {
            throw new UsageException("no role profiles (with role_arn) in the config and credentials files");
        }
        return names;
    }

    /**
     * The first role sets, kept fresh by the fleet for the lifetime: each source's MFA session is one that lasts
     * the lifetime (cached, else new with a code), or without a code and a terminal the cached one, which serves
     * until it ends (said once here) unless a newer one is stored meanwhile. Profiles that failed here are lost
     * from the start.
     */
    FleetResult start(StsFleet fleet, List<String> names, Duration lifetime) {
        end = fleet.clock().instant().plus(lifetime);
        CredentialPlan plan = fleet.plan(names); // every problem before any call
        CredentialPlan forLifetime;
        try {
            forLifetime = fleet.plan(names, lifetime);
        } catch (InvalidInputException e) {
            forLifetime = plan; // no code and no prompt: keepFresh runs on the cached sessions, as planned here
        }
        FleetResult result = fleet.keepFresh(names, lifetime, ProgressListener.NONE);
        for (CredentialPlan.Source s : forLifetime.sources()) {
            Optional<SessionToken> session = fleet.usableSession(s.profile(), s.mfaSerial(), null);
            if (s.withMfa() && session.isPresent()) {
                Instant sessionEnd = session.get().end();
                output.info(command + ": MFA session of profile " + s.profile() + " until "
                        + TemporaryCredentials.isoUtc(sessionEnd) + " for " + s.roles().size() + " role"
                        + (s.roles().size() == 1 ? "" : "s"));
                // A session made now for the lifetime lasts it (a scaled sandbox shortens every session alike).
                if (s.session() == CredentialPlan.Session.CACHED && sessionEnd.isBefore(end)) {
                    output.warn("the MFA session of profile " + s.profile() + " ends at "
                            + TemporaryCredentials.isoUtc(sessionEnd) + ", before the lifetime (" + Durations.human(lifetime)
                            + "): its roles are kept fresh until then, or longer once 'stsfleet session-token --profile "
                            + s.profile() + "' stores a newer session");
                }
            }
        }
        for (ProfileResult.Failed f : result.failures().values()) {
            lost.put(f.profile(), f.code() + ": " + f.message());
            output.problem("stsfleet: profile " + f.profile() + " failed: " + f.code() + ": " + f.message());
        }
        return result;
    }

    /** When the refresh ends: the lifetime's end, or the MFA sessions' end if earlier (until a newer one is adopted). */
    Instant end(StsFleet fleet) {
        return fleet.refreshEnd().orElse(end);
    }

    /** Sets refreshed since the last call, waiting up to {@code wait} for the first one. */
    List<RoleCredentials> refreshed(Duration wait) throws InterruptedException {
        List<RoleCredentials> batch = new ArrayList<>();
        RoleCredentials first = refreshed.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
            batch.add(first);
            refreshed.drainTo(batch);
        }
        return batch;
    }

    /**
     * Runs {@code onRefreshed} with each batch of refreshed sets until the session's lifetime has ended
     * (or, without background refresh, the session token has), or SIGINT/SIGTERM asked to stop.
     */
    void await(StsFleet fleet, Consumer<List<RoleCredentials>> onRefreshed) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // No interrupt: it could break a credentials-file write in progress; the loop looks 4 times a second.
            stopRequested = true;
            try {
                // Let the command close the fleet (joining its threads) before the JVM goes.
                done.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stsfleet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long nextLook = System.nanoTime();
            while (!stopRequested) {
                if (System.nanoTime() - nextLook >= 0) {
                    // A session stored meanwhile by session-token (another terminal) is adopted, said by the listener.
                    fleet.adoptNewerSessions();
                    nextLook = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                List<RoleCredentials> batch = refreshed(Duration.ofMillis(250));
                if (!batch.isEmpty()) {
                    onRefreshed.accept(batch);
                }
                // The refresh's end moves when a newer MFA session is adopted.
                boolean over = ended.getCount() == 0 || !fleet.clock().instant().isBefore(fleet.refreshEnd().orElse(end));
                if (over && refreshed.isEmpty()) {
                    break;
                }
            }
            if (stopRequested) {
                output.info(command + ": stopping on a signal");
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook is running.
            }
        }
    }

    /** Lost profiles with the reason, by name. */
    Map<String, String> lost() {
        return new TreeMap<>(lost);
    }

    /** One line naming the lost profiles, or empty. */
    Optional<String> lostSummary() {
        Map<String, String> l = lost();
        if (l.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("stsfleet: " + l.size() + " profile" + (l.size() == 1 ? "" : "s")
                + " lost:");
        l.forEach((p, why) -> text.append(' ').append(p).append(" (").append(why).append(')').append(';'));
        text.setLength(text.length() - 1);
        return Optional.of(text.toString());
    }

    // ---------------------------------------------------------------------------------------------
    // FleetListener: refresh threads.

    @Override
    public void onRefreshed(RoleCredentials credentials) {
        lost.remove(credentials.profile());
        refreshed.add(credentials);
    }

    @Override
    public void onRefreshFailed(String profile, StsCallException failure, int attempt, Optional<Instant> nextAttempt) {
        if (nextAttempt.isPresent()) {
            output.info(String.format(Locale.ROOT, "%s: profile %s: refresh attempt %d failed (%s), retrying",
                    command, profile, attempt, failure.code()));
        } else if (FINAL_CODES.contains(failure.code())) {
            lost.put(profile, failure.getMessage());
            output.problem("stsfleet: profile " + profile + ": refresh failed, not retried: " + failure.getMessage()
                    + (SESSION_GONE.contains(failure.code()) ? "; the session is gone: its current credentials are "
                    + "served until they expire; run " + command + " again with a new MFA code" : ""));
        }
    }

    @Override
    public void onSessionAdopted(SessionToken session) {
        output.info(command + ": adopted a newer MFA session of profile " + session.sourceProfile() + " (until "
                + TemporaryCredentials.isoUtc(session.end()) + ")");
    }

    @Override
    public void onExpired(String profile, RoleCredentials last) {
        lost.putIfAbsent(profile, "expired at " + TemporaryCredentials.isoUtc(last.credentials().expiration())
                + " without a successful refresh");
        output.problem("stsfleet: profile " + profile + ": credentials expired without a successful refresh");
    }

    @Override
    public void onCycle(int cycle, int expected, int refreshedCount, Duration left) {
        output.info(String.format(Locale.ROOT, "%s: cycle %d of %d: %d roles refreshed, %s left", command, cycle,
                expected, refreshedCount, human(left)));
    }

    @Override
    public void onSessionEnding(Instant end, Duration left) {
        output.info(command + ": the session ends in " + human(left) + " (" + TemporaryCredentials.isoUtc(end)
                + "); a new MFA code is needed to go on after that");
    }

    @Override
    public void onLifetimeEnded(Instant end) {
        output.info(command + ": the session ended at " + TemporaryCredentials.isoUtc(end) + "; refresh stopped");
        ended.countDown();
    }

    static String human(Duration d) {
        return Durations.human(d);
    }
}
