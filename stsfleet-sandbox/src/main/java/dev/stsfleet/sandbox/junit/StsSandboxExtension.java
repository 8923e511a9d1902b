package dev.stsfleet.sandbox.junit;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test (default) or each test class a fresh {@link StsSandbox} on a free port of 127.0.0.1,
 * injected as a test or lifecycle-method parameter, and closes it afterwards.
 *
 * <pre>{@code
 * @ExtendWith(StsSandboxExtension.class)            // demo model, one sandbox per test
 * class MyTest { @Test void t(StsSandbox sts) { ... } }
 *
 * @RegisterExtension                                  // options; PER_CLASS needs a static field
 * static StsSandboxExtension sts = StsSandboxExtension.builder()
 *         .model(myModel).clock(myClock).durationScale(0.01).lifecycle(Lifecycle.PER_CLASS).build();
 * }</pre>
 *
 * When the model (or another option) is only known inside the test, use {@link Lifecycle#ON_DEMAND} on an
 * instance field and {@link #start(Consumer)} the sandbox there; it is closed after the test all the same:
 *
 * <pre>{@code
 * @RegisterExtension
 * final StsSandboxExtension sts = StsSandboxExtension.onDemand();
 * @Test void t() { StsSandbox sandbox = sts.start(b -> b.model(fleet.model()).throttleRps(5)); ... }
 * }</pre>
 *
 * Thread-safe: with parallel test execution each test resolves its own sandbox from its context; sandboxes
 * from {@link #start} belong to the extension instance, so register it on an instance field for those.
 */
public final class StsSandboxExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    /** When a fresh sandbox starts. */
    public enum Lifecycle {
        /** One sandbox per test method. */
        PER_TEST,
        /** One sandbox for all tests of the class (register the extension on a static field). */
        PER_CLASS,
        /** None until the test calls {@link #start}; each one started is closed after the test. */
        ON_DEMAND
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StsSandboxExtension.class);

    private final Builder options;
    private volatile StsSandbox current;
    /** Sandboxes from {@link #start}, with the options each was started with (for {@link #restart}). */
    private final Map<StsSandbox, Consumer<StsSandbox.Builder>> started = new ConcurrentHashMap<>();

    /** Per test, demo model, system clock, no faults: what {@code @ExtendWith} uses. */
    public StsSandboxExtension() {
        this(new Builder());
    }

    private StsSandboxExtension(Builder options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No sandbox until the test calls {@link #start}; the default options otherwise. */
    public static StsSandboxExtension onDemand() {
        return builder().lifecycle(Lifecycle.ON_DEMAND).build();
    }

    /** The sandbox of the test running now (the latest started, with parallel tests prefer a parameter). */
    public StsSandbox sandbox() {
        StsSandbox s = current;
        if (s == null) {
            throw new IllegalStateException("no sandbox is running: ask for it inside a test or lifecycle method");
        }
        return s;
    }

    /** Starts a sandbox now with this extension's options; closed after the test. */
    public StsSandbox start() {
        return start(b -> { });
    }

    /** Starts a sandbox now with this extension's options and {@code model}; closed after the test. */
    public StsSandbox start(SandboxModel model) {
        Objects.requireNonNull(model, "model");
        return start(b -> b.model(model));
    }

    /**
     * Starts a sandbox now with this extension's options, then {@code changes} applied to its builder (a model,
     * a throttle, a port...); closed after the test. Call it in a test, in a {@code @BeforeEach} method, or in a
     * field initializer declared after the extension's field.
     */
    public StsSandbox start(Consumer<StsSandbox.Builder> changes) {
        Objects.requireNonNull(changes, "changes");
        StsSandbox.Builder builder = builder(options);
        changes.accept(builder);
        StsSandbox sandbox = builder.start();
        started.put(sandbox, changes);
        current = sandbox;
        return sandbox;
    }

    /**
     * Closes {@code running} (a sandbox from {@link #start}) and starts a new one with the same options on the
     * same port: STS forgets every session and counter, as after a restart of the service. Closed after the test.
     */
    public StsSandbox restart(StsSandbox running) {
        Consumer<StsSandbox.Builder> changes = started.remove(running);
        if (changes == null) {
            throw new IllegalArgumentException(running + " was not started by this extension's start()");
        }
        int port = running.port();
        running.close();
        return start(changes.andThen(b -> b.port(port)));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (options.lifecycle == Lifecycle.PER_CLASS) {
            start(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (options.lifecycle == Lifecycle.PER_TEST) {
            start(context);
        } else if (options.lifecycle == Lifecycle.PER_CLASS && find(context) == null) {
            throw new ExtensionConfigurationException("a PER_CLASS StsSandboxExtension must be registered on a "
                    + "static field (or with @ExtendWith on the class)");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (options.lifecycle == Lifecycle.PER_TEST) {
            stop(context);
        }
        stopStarted();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
        stopStarted();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == StsSandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        StsSandbox sandbox = find(extensionContext);
        if (sandbox == null) {
            throw new ParameterResolutionException("no sandbox is running for " + extensionContext.getDisplayName()
                    + (options.lifecycle == Lifecycle.ON_DEMAND ? " (an ON_DEMAND extension is asked with start())"
                            : " (a PER_TEST sandbox cannot be injected into @BeforeAll)"));
        }
        return sandbox;
    }

    private static StsSandbox.Builder builder(Builder options) {
        return StsSandbox.builder().model(options.model).port(options.port).clock(options.clock)
                .durationScale(options.durationScale).latency(options.latency).throttleRps(options.throttleRps)
                .errorRate(options.errorRate);
    }

    private void start(ExtensionContext context) {
        StsSandbox sandbox = builder(options).start();
        context.getStore(NAMESPACE).put(this, sandbox);
        current = sandbox;
    }

    private void stop(ExtensionContext context) {
        StsSandbox sandbox = context.getStore(NAMESPACE).remove(this, StsSandbox.class);
        if (sandbox != null) {
            sandbox.close();
            if (current == sandbox) {
                current = null;
            }
        }
    }

    private void stopStarted() {
        for (StsSandbox sandbox : started.keySet()) {
            started.remove(sandbox);
            sandbox.close();
            if (current == sandbox) {
                current = null;
            }
        }
    }

    private StsSandbox find(ExtensionContext context) {
        // Store lookups fall back to the parent contexts, so a test finds its class's sandbox.
        return context.getStore(NAMESPACE).get(this, StsSandbox.class);
    }

    /** Options of the sandboxes the extension starts; the same meaning and defaults as {@link StsSandbox.Builder}. */
    public static final class Builder {
        private SandboxModel model = SandboxModel.demo();
        private int port;
        private Clock clock = Clock.systemUTC();
        private double durationScale = 1.0;
        private Duration latency = Duration.ZERO;
        private double throttleRps;
        private double errorRate;
        private Lifecycle lifecycle = Lifecycle.PER_TEST;

        private Builder() {
        }

        /** Default: {@link SandboxModel#demo()}. */
        public Builder model(SandboxModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Default: 0, a free port (a fixed port suits one sandbox at a time only). */
        public Builder port(int port) {
            StsSandbox.builder().port(port);
            this.port = port;
            return this;
        }

        /** Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Default: 1.0. */
        public Builder durationScale(double scale) {
            StsSandbox.builder().durationScale(scale);
            this.durationScale = scale;
            return this;
        }

        /** Default: {@link Duration#ZERO}. */
        public Builder latency(Duration latency) {
            StsSandbox.builder().latency(latency);
            this.latency = latency;
            return this;
        }

        /** Default: 0, unlimited. */
        public Builder throttleRps(double rps) {
            StsSandbox.builder().throttleRps(rps);
            this.throttleRps = rps;
            return this;
        }

        /** Default: 0. */
        public Builder errorRate(double share) {
            StsSandbox.builder().errorRate(share);
            this.errorRate = share;
            return this;
        }

        /** Default: {@link Lifecycle#PER_TEST}. */
        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        public StsSandboxExtension build() {
            return new StsSandboxExtension(this);
        }
    }
}
