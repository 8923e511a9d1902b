package dev.stsfleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every AssumeRole of a run carries besides the role: a source identity, session tags (some transitive), and
 * session policies (managed policy ARNs, an inline policy). Immutable; {@link #problems()} says, with AWS's rules,
 * what STS would refuse, so a run can refuse it before any call.
 *
 * <p>Down a chain of roles AWS carries the source identity and the transitive tags by itself and refuses a
 * change of either, so {@link #forChainedHop()} is what a hop signed by a session made with these options sends.
 *
 * @param sourceIdentity    the source identity, or {@code null}
 * @param tags              session tags, in the order given
 * @param transitiveTagKeys the keys of {@code tags} that pass to sessions chained from this one
 * @param policyArns        managed policy ARNs that scope the session down
 * @param policy            an inline session policy (JSON), or {@code null}
 */
public record RequestOptions(String sourceIdentity, Map<String, String> tags, List<String> transitiveTagKeys,
                             List<String> policyArns, String policy) {
    /** No option: AssumeRole as the profile says. */
    public static final RequestOptions NONE = new RequestOptions(null, Map.of(), List.of(), List.of(), null);

    static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
    static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    static final Pattern POLICY_ARN = Pattern.compile("arn:aws[-a-z]*:iam::(aws|\\d{12}):policy/[\\w+=,.@/-]{1,1000}");
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY = 128;
    static final int MAX_TAG_VALUE = 256;
    static final int MAX_POLICY_ARNS = 10;
    static final int MAX_POLICY = 2048;
    /** Made on the first inline policy only: an object mapper costs every command's start-up otherwise. */
    private static final class PolicyJson {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public RequestOptions {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tags, "tags")));
        transitiveTagKeys = List.copyOf(transitiveTagKeys);
        policyArns = List.copyOf(policyArns);
    }

    /** Whether no option is set. */
    public boolean isEmpty() {
        return sourceIdentity == null && tags.isEmpty() && transitiveTagKeys.isEmpty() && policyArns.isEmpty()
                && policy == null;
    }

    /**
     * What a hop signed by a session made with these options sends: the same session policies and the tags that
     * are not transitive (those AWS carries, and refuses to see again), no source identity (AWS carries it and
     * refuses a change).
     */
    public RequestOptions forChainedHop() {
        Set<String> transitive = new LinkedHashSet<>();
        transitiveTagKeys.forEach(k -> transitive.add(k.toLowerCase(Locale.ROOT)));
        Map<String, String> own = new LinkedHashMap<>();
        tags.forEach((k, v) -> {
            if (!transitive.contains(k.toLowerCase(Locale.ROOT))) {
                own.put(k, v);
            }
        });
        return new RequestOptions(null, own, List.of(), policyArns, policy);
    }

    /**
     * Every way STS would refuse these options, by AWS's rules: source identity {@code [\w+=,.@-]{2,64}} not
     * starting {@code aws:}; at most 50 tags, keys 1-128 and values 0-256 characters of letters, digits, spaces
     * and {@code _.:/=+-@}, keys unique ignoring case; transitive keys among the tags; at most 10 policy ARNs; an
     * inline policy of valid JSON, at most 2,048 characters. Never quotes the inline policy.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (sourceIdentity != null) {
            if (sourceIdentity.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                problems.add("source identity '" + shorten(sourceIdentity) + "' must not start with aws:");
            } else if (!SOURCE_IDENTITY.matcher(sourceIdentity).matches()) {
                problems.add("source identity '" + shorten(sourceIdentity) + "' must be 2 to 64 characters of "
                        + "letters, digits and _+=,.@-");
            }
        }
        if (tags.size() > MAX_TAGS) {
            problems.add(tags.size() + " session tags given (AWS allows at most " + MAX_TAGS + ")");
        }
        Set<String> lower = new LinkedHashSet<>();
        for (Map.Entry<String, String> t : tags.entrySet()) {
            String key = t.getKey();
            String value = t.getValue() == null ? "" : t.getValue();
            if (key.isEmpty() || key.length() > MAX_TAG_KEY) {
                problems.add("session tag key '" + shorten(key) + "' must be 1 to " + MAX_TAG_KEY + " characters");
            } else if (!TAG_TEXT.matcher(key).matches()) {
                problems.add("session tag key '" + shorten(key) + "' may hold only letters, digits, spaces and _.:/=+-@");
            } else if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                problems.add("session tag key '" + shorten(key) + "' must not start with aws:");
            }
            if (value.length() > MAX_TAG_VALUE) {
                problems.add("session tag " + shorten(key) + ": its value must be at most " + MAX_TAG_VALUE + " characters");
            } else if (!TAG_TEXT.matcher(value).matches()) {
                problems.add("session tag " + shorten(key) + ": its value may hold only letters, digits, spaces and _.:/=+-@");
            }
            if (!lower.add(key.toLowerCase(Locale.ROOT))) {
                problems.add("session tag key '" + shorten(key) + "' is given twice (AWS compares keys ignoring case)");
            }
        }
        for (String k : transitiveTagKeys) {
            if (!lower.contains(k.toLowerCase(Locale.ROOT))) {
                problems.add("transitive tag key '" + shorten(k) + "' is not one of the session tags (--tag " + shorten(k)
                        + "=VALUE)");
            }
        }
        if (policyArns.size() > MAX_POLICY_ARNS) {
            problems.add(policyArns.size() + " session policy ARNs given (AWS allows at most " + MAX_POLICY_ARNS + ")");
        }
        for (String arn : policyArns) {
            if (!POLICY_ARN.matcher(arn).matches()) {
                problems.add("'" + shorten(arn) + "' is not a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)");
            }
        }
        if (policy != null) {
            if (policy.length() > MAX_POLICY) {
                problems.add("the inline session policy has " + policy.length() + " characters (AWS allows at most "
                        + MAX_POLICY + ")");
            }
            try {
                JsonNode node = PolicyJson.MAPPER.readTree(policy);
                if (node == null || !node.isObject()) {
                    problems.add("the inline session policy is not a JSON object");
                }
            } catch (JsonProcessingException e) {
                problems.add("the inline session policy is not valid JSON (line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr() + ")");
            }
        }
        return problems;
    }

    /** A stable text of every option, for cache keys: the inline policy as its SHA-256. */
    public String fingerprint() {
        if (isEmpty()) {
            return "";
        }
        return "si=" + sourceIdentity + ";tags=" + tags + ";transitive=" + transitiveTagKeys + ";arns=" + policyArns
                + ";policy=" + (policy == null ? "-" : sha256(policy));
    }

    /** The options in words for a debug line: which are set, not the inline policy. */
    public String describe() {
        if (isEmpty()) {
            return "no request options";
        }
        List<String> parts = new ArrayList<>();
        if (sourceIdentity != null) {
            parts.add("source identity " + sourceIdentity);
        }
        if (!tags.isEmpty()) {
            parts.add(tags.size() + " session tag" + (tags.size() == 1 ? "" : "s")
                    + (transitiveTagKeys.isEmpty() ? "" : " (" + transitiveTagKeys.size() + " transitive)"));
        }
        if (!policyArns.isEmpty()) {
            parts.add(policyArns.size() + " policy ARN" + (policyArns.size() == 1 ? "" : "s"));
        }
        if (policy != null) {
            parts.add("an inline session policy");
        }
        return String.join(", ", parts);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
