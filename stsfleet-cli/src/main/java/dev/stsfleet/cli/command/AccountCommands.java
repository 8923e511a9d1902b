package dev.stsfleet.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stsfleet.FleetResult;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.ProfileResult;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.RootCommand;
import dev.stsfleet.cli.option.ConcurrencyOptions;
import dev.stsfleet.format.BotoJsonRenderer;
import dev.stsfleet.format.FleetJsonRenderer;
import dev.stsfleet.format.TableRenderer;
import dev.stsfleet.sts.StsGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What {@code cross-account} and {@code saml} share: reading account ids, the STS gateway, the output. */
final class AccountCommands {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    private AccountCommands() {
    }

    /**
     * The account ids of {@code --accounts} (comma-separated) or {@code --accounts-file} (one id per line with
     * blank lines and {@code #} comments, or a JSON array of strings), every bad or repeated id reported
     * together, before any call.
     *
     * @throws InvalidInputException listing every problem (exit 2)
     */
    static List<String> accounts(List<String> listed, Path file) {
        List<String> problems = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        if (listed != null && !listed.isEmpty()) {
            for (String id : listed) {
                check(id.trim(), "--accounts", ids, problems);
            }
        } else {
            readFile(file, ids, problems);
        }
        Set<String> seen = new LinkedHashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                repeated.add(id);
            }
        }
        repeated.forEach(id -> problems.add("account " + id + " is named more than once"));
        if (problems.isEmpty() && ids.isEmpty()) {
            problems.add(file == null ? "--accounts names no account" : "the accounts file " + file + " names no account");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(seen);
    }

    private static void readFile(Path file, List<String> ids, List<String> problems) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("cannot read the accounts file " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read the accounts file " + file + ": " + e.getClass().getSimpleName());
        }
        if (content.stripLeading().startsWith("[")) {
            JsonNode array;
            try {
                array = new ObjectMapper().readTree(content);
            } catch (JsonProcessingException e) {
                throw new InvalidInputException("the accounts file " + file + " is not a valid JSON array: "
                        + e.getOriginalMessage());
            }
            if (array == null || !array.isArray()) {
                throw new InvalidInputException("the accounts file " + file + " is not a JSON array");
            }
            for (int i = 0; i < array.size(); i++) {
                JsonNode n = array.get(i);
                if (!n.isTextual()) {
                    // A number loses leading zeros (012345678901), so ids must be strings.
                    problems.add(file + " item " + (i + 1) + ": account ids must be JSON strings, not " + n);
                } else {
                    check(n.asText().trim(), file + " item " + (i + 1), ids, problems);
                }
            }
            return;
        }
        String[] lines = content.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String id = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!id.isEmpty()) {
                check(id, file + " line " + (i + 1), ids, problems);
            }
        }
    }

    private static void check(String id, String where, List<String> ids, List<String> problems) {
        if (ACCOUNT_ID.matcher(id).matches()) {
            ids.add(id);
        } else {
            problems.add(where + ": not a 12-digit AWS account id: '" + (id.length() > 40 ? id.substring(0, 40) + "..." : id) + "'");
        }
    }

    /**
     * The STS gateway for the global options: region and endpoint resolved exactly as {@code generate} resolves
     * them (a fleet is built for that and closed at once; it reads the config files but makes no call).
     */
    static StsGateway gateway(RootCommand root, ConcurrencyOptions limits) {
        try (StsFleet fleet = FleetFactory.builder(root).concurrency(limits.concurrency()).build()) {
            return StsGateway.builder()
                    .region(fleet.region())
                    .endpoint(fleet.endpoint().orElse(null))
                    .maxConnections(limits.concurrency())
                    .throttleControl(limits.throttleControl())
                    .callTimeout(root.global().callTimeout() != null ? root.global().callTimeout()
                            : StsGateway.DEFAULT_CALL_TIMEOUT)
                    .clock(root.context().clock())
                    .build();
        }
    }

    static GenerateCommand.Format format(GenerateCommand.Format given, RootCommand root) {
        return given != null ? given : root.context().stdoutTerminal() ? GenerateCommand.Format.table : GenerateCommand.Format.json;
    }

    /** Renders the result, names each failure on stderr, prints the summary; returns the exit code. */
    static int report(FleetResult result, GenerateCommand.Format format, RootCommand root, Output output, String noun) {
        switch (format) {
            case boto -> BotoJsonRenderer.render(result, output.stdout());
            case json -> FleetJsonRenderer.render(result, output.stdout());
            case table -> new TableRenderer(root.context().clock()).render(result, output.stdout());
        }
        for (ProfileResult.Failed f : result.failures().values()) {
            output.problem("stsfleet: " + noun + " " + f.profile() + " failed: " + f.code() + ": " + f.message());
        }
        output.info(String.format(Locale.ROOT, "stsfleet: %d of %d %ss succeeded, %d failed, in %.1f s",
                result.succeeded(), result.requested(), noun, result.failed(), result.elapsed().toMillis() / 1000.0));
        output.flush();
        return result.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
    }

    static String progressLine(String command, ProfileResult r, int done, int total) {
        return String.format(Locale.ROOT, "%s: %d/%d done%s", command, done, total,
                r.succeeded() ? "" : " (last failure: " + r.profile() + ")");
    }
}
