package dev.stsfleet.cli.option;

import dev.stsfleet.StsFleet;
import dev.stsfleet.ThrottleControl;
import dev.stsfleet.cli.UsageException;
import picocli.CommandLine.Option;

/** How many STS calls a bulk command makes at once, and how it reacts when STS throttles them. */
public final class ConcurrencyOptions {
    /** The option's values, as typed. */
    public enum Throttle {
        aimd(ThrottleControl.AIMD), adaptive(ThrottleControl.SDK_ADAPTIVE), off(ThrottleControl.OFF);

        private final ThrottleControl control;

        Throttle(ThrottleControl control) {
            this.control = control;
        }

        public ThrottleControl control() {
            return control;
        }
    }

    /**
     * {@link StsFleet#DEFAULT_THROTTLE_CONTROL} as typed (a test keeps them equal). A constant, not read from
     * StsFleet: reading it would initialize StsFleet, and so create its logger, while the command line is
     * built, before {@code --debug} or {@code --quiet} has configured logging.
     */
    static final String DEFAULT_THROTTLE = "aimd";

    @Option(names = "--concurrency", paramLabel = "N",
            description = "At most N STS calls at once, 1 to 1024 (default: ${DEFAULT-VALUE}).")
    int concurrency = StsFleet.DEFAULT_CONCURRENCY;

    @Option(names = "--throttle-control", paramLabel = "MODE", defaultValue = DEFAULT_THROTTLE,
            description = "What to do when STS answers Throttling, besides retrying with backoff: aimd (fewer calls "
                    + "in flight after each throttle, up to --concurrency again while none come), adaptive (the AWS "
                    + "SDK's adaptive retry mode, for comparison: it slows down far more) or off. "
                    + "Default: ${DEFAULT-VALUE}.")
    Throttle throttle;

    /**
     * The concurrency.
     *
     * @throws UsageException when outside 1 to 1024
     */
    public int concurrency() {
        if (concurrency < 1 || concurrency > 1024) {
            throw new UsageException("--concurrency must be between 1 and 1024, not " + concurrency);
        }
        return concurrency;
    }

    public ThrottleControl throttleControl() {
        return throttle.control;
    }
}
