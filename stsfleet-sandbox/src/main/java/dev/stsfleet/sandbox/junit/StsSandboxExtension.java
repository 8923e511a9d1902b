package dev.stsfleet.sandbox.junit;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
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
 * Thread-safe: with parallel test execution each test resolves its own sandbox from its context.
 */
public final class StsSandboxExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    /** When a fresh sandbox starts. */
    public enum Lifecycle {
        /** One sandbox per test method. */
        PER_TEST,
        /** One sandbox for all tests of the class (register the extension on a static field). */
        PER_CLASS
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StsSandboxExtension.class);

    private final Builder options;
    private volatile StsSandbox current;

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

    /** The sandbox of the test running now (the latest started, with parallel tests prefer a parameter). */
    public StsSandbox sandbox() {
        StsSandbox s = current;
        if (s == null) {
            throw new IllegalStateException("no sandbox is running: ask for it inside a test or lifecycle method");
        }
        return s;
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
        } else if (find(context) == null) {
            throw new ExtensionConfigurationException("a PER_CLASS StsSandboxExtension must be registered on a "
                    + "static field (or with @ExtendWith on the class)");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (options.lifecycle == Lifecycle.PER_TEST) {
            stop(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
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
                    + " (a PER_TEST sandbox cannot be injected into @BeforeAll)");
        }
        return sandbox;
    }

    private void start(ExtensionContext context) {
        StsSandbox sandbox = StsSandbox.builder().model(options.model).clock(options.clock)
                .durationScale(options.durationScale).latency(options.latency).throttleRps(options.throttleRps)
                .errorRate(options.errorRate).start();
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

    private StsSandbox find(ExtensionContext context) {
        // Store lookups fall back to the parent contexts, so a test finds its class's sandbox.
        return context.getStore(NAMESPACE).get(this, StsSandbox.class);
    }

    /** Options of the sandboxes the extension starts; the same meaning and defaults as {@link StsSandbox.Builder}. */
    public static final class Builder {
        private SandboxModel model = SandboxModel.demo();
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
