package dev.stsfleet.cli.option;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What every AssumeRole of a command carries: {@code --source-identity}, {@code --tag KEY=VALUE},
 * {@code --transitive-tag KEY}, {@code --policy-arn ARN}, {@code --policy FILE}. This class only parses; AWS's
 * rules are checked by core ({@link RequestOptions#problems()}) with every other problem of the request.
 */
public final class RequestOptionsMixin {
    @Option(names = "--source-identity", paramLabel = "ID",
            description = "The source identity of every role session (who started it; AWS keeps it down role chains "
                    + "and in CloudTrail): 2 to 64 characters of letters, digits and _+=,.@-.")
    String sourceIdentity;

    @Option(names = "--tag", paramLabel = "KEY=VALUE",
            description = "A session tag on every role session (repeatable, at most 50; VALUE may be empty).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--transitive-tag", paramLabel = "KEY",
            description = "Make the session tag KEY transitive: it passes to sessions chained from these (repeatable).")
    List<String> transitiveTags = new ArrayList<>();

    @Option(names = "--policy-arn", paramLabel = "ARN",
            description = "A managed policy that scopes every role session down (repeatable, at most 10).")
    List<String> policyArns = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE",
            description = "An inline session policy (JSON, at most 2,048 characters) that scopes every role session down.")
    Path policy;

    /** Whether any option was given. */
    public boolean given() {
        return sourceIdentity != null || !tags.isEmpty() || !transitiveTags.isEmpty() || !policyArns.isEmpty()
                || policy != null;
    }

    /** The policy file, if one was named (its content decides what a cached answer may be reused for). */
    public Path policyFile() {
        return policy;
    }

    /**
     * The options as given.
     *
     * @throws InvalidInputException for what cannot be parsed: a tag without {@code =}, a key given twice, a policy
     *                               file that cannot be read
     */
    public RequestOptions toOptions() {
        List<String> problems = new ArrayList<>();
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String t : tags) {
            int eq = t.indexOf('=');
            if (eq < 0) {
                problems.add("--tag " + shorten(t) + ": give KEY=VALUE (an empty value is KEY=)");
            } else if (byKey.put(t.substring(0, eq), t.substring(eq + 1)) != null) {
                problems.add("--tag " + shorten(t.substring(0, eq)) + " is given more than once");
            }
        }
        String policyText = null;
        if (policy != null) {
            try {
                policyText = Files.readString(policy, StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                problems.add("--policy " + policy + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new RequestOptions(sourceIdentity, byKey, transitiveTags, policyArns, policyText);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
