package dev.stsfleet.cli.command;

import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.SandboxModelException;
import dev.stsfleet.sandbox.StsSandbox;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stsfleet sandbox}: serves the strict local STS on 127.0.0.1 until SIGINT or SIGTERM. The first
 * stdout line is exactly {@code sandbox listening on http://127.0.0.1:PORT}, so scripts can read the
 * port; everything else goes to stderr.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        header = "Runs the local strict STS sandbox on 127.0.0.1.",
        footer = {"", "Examples:",
            "  stsfleet sandbox --port 4566",
            "  stsfleet sandbox --latency-ms 50 --throttle-rps 600 --error-rate 0.1",
            "  stsfleet sandbox --print-model > model.json"},
        description = {"Start the local STS sandbox (strict AWS semantics, fault injection) on 127.0.0.1.",
                "The first stdout line is 'sandbox listening on http://127.0.0.1:PORT'. Stop it with Ctrl-C or SIGTERM.",
                "Model format: stsfleet-sandbox/MODEL.md."})
public final class SandboxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "Port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", paramLabel = "FILE", description = "IAM model JSON (default: the built-in demo model).")
    Path model;

    @Option(names = "--duration-scale", paramLabel = "X", defaultValue = "1.0",
            description = "Shrink issued lifetimes, 0 < X <= 1; 0.01 makes an hour last 36 s (default: ${DEFAULT-VALUE}).")
    double durationScale;

    @Option(names = "--latency-ms", paramLabel = "N", defaultValue = "0",
            description = "Delay every answer by N milliseconds (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--throttle-rps", paramLabel = "N", defaultValue = "0",
            description = "Answer Throttling beyond N requests per second in each region (the region a request is "
                    + "signed for); 0 = unlimited (default: ${DEFAULT-VALUE}).")
    double throttleRps;

    @Option(names = "--disabled-regions", split = ",", paramLabel = "ACCOUNT:REGION",
            description = "Answer RegionDisabledException to AssumeRole of a role of ACCOUNT signed for REGION.")
    java.util.List<String> disabledRegions = new java.util.ArrayList<>();

    @Option(names = "--error-rate", paramLabel = "F", defaultValue = "0",
            description = "Answer this share of requests with HTTP 500 InternalFailure, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(names = "--instance-role", paramLabel = "ROLE_ARN",
            description = "Also serve an EC2 instance metadata service (IMDSv2) under /latest/ for this role of the "
                    + "model (point AWS_EC2_METADATA_SERVICE_ENDPOINT at the sandbox).")
    String instanceRole;

    @Option(names = "--sso-auto-approve",
            description = "Identity Center: approve every device code at its first poll and every /authorize for the "
                    + "model's first user (otherwise POST /_sandbox/sso/approve {\"userCode\": ..., \"user\": ...}).")
    boolean ssoAutoApprove;

    @Option(names = "--sso-rps", paramLabel = "N", defaultValue = "20",
            description = "Identity Center portal requests per second before 429 TooManyRequestsException; "
                    + "0 = unlimited (default: ${DEFAULT-VALUE}).")
    double ssoRps;

    @Option(names = "--print-model", description = "Print the model as JSON (the built-in one unless --model) and exit.")
    boolean printModel;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SandboxModel served;
        StsSandbox.Builder builder;
        try {
            served = model == null ? SandboxModel.demo() : SandboxModel.load(model);
            if (printModel) {
                out.print(served.toJson());
                out.flush();
                return 0;
            }
            if (latencyMs < 0) {
                throw new IllegalArgumentException("--latency-ms must not be negative, not " + latencyMs);
            }
            builder = StsSandbox.builder().model(served).port(port).durationScale(durationScale)
                    .latency(Duration.ofMillis(latencyMs)).throttleRps(throttleRps).errorRate(errorRate)
                    .disabledRegions(disabledRegions).instanceRole(instanceRole).ssoAutoApprove(ssoAutoApprove)
                    .ssoRps(ssoRps);
        } catch (SandboxModelException | IllegalArgumentException e) {
            return usageError(err, e.getMessage());
        }
        StsSandbox sandbox;
        try {
            sandbox = builder.start();
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return usageError(err, e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "stsfleet-sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("sandbox listening on " + sandbox.endpoint());
        out.flush();
        err.println("stsfleet: sandbox: " + served.users().size() + " users, " + served.roles().size() + " roles, "
                + served.samlProviders().size() + " SAML providers; stats at " + sandbox.endpoint()
                + "/_sandbox/stats (per region: /_sandbox/stats/regions); stop with Ctrl-C");
        err.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Embedded use (tests, demo): an interrupt stops the sandbox like a signal would.
            Thread.currentThread().interrupt();
            Runtime.getRuntime().removeShutdownHook(hook);
            sandbox.close();
        }
        return 0;
    }

    private static int usageError(PrintWriter err, String message) {
        err.println("stsfleet: error: " + message);
        err.flush();
        return 2;
    }
}
