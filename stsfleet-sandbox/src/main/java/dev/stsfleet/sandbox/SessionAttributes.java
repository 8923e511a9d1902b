package dev.stsfleet.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a role session carries besides its role, as AWS keeps it: the source identity, the session tags (its own
 * and those that came down a role chain), which tags are transitive, and the session policies. Immutable.
 *
 * @param sourceIdentity    the source identity, or {@code null}
 * @param tags              every session tag, incoming transitive ones first
 * @param transitiveTagKeys the keys that pass to sessions chained from this one
 * @param policyArns        the managed session policies
 * @param policy            the inline session policy, or {@code null}
 */
record SessionAttributes(String sourceIdentity, Map<String, String> tags, Set<String> transitiveTagKeys,
                         List<String> policyArns, String policy) {
    static final SessionAttributes NONE = new SessionAttributes(null, Map.of(), Set.of(), List.of(), null);

    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    /** The sandbox's stand-in for AWS's packed (compressed) size limit of session policies and tags together. */
    static final int PACKED_LIMIT = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();

    SessionAttributes {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        transitiveTagKeys = Collections.unmodifiableSet(new LinkedHashSet<>(transitiveTagKeys));
        policyArns = List.copyOf(policyArns);
    }

    /**
     * The attributes of a session assumed by {@code caller} with these request parameters, by AWS's rules: the
     * source identity cannot change down a chain; incoming transitive tags are kept and cannot be passed again.
     *
     * @throws StsError ValidationError, MalformedPolicyDocument, PackedPolicyTooLarge or AccessDenied as AWS answers
     */
    static SessionAttributes of(Map<String, String> params, SessionAttributes incoming) {
        String sourceIdentity = params.get("SourceIdentity");
        if (sourceIdentity != null) {
            constraint(sourceIdentity.length() >= 2, sourceIdentity, "sourceIdentity", "Member must have length greater than or equal to 2");
            constraint(sourceIdentity.length() <= 64, sourceIdentity, "sourceIdentity", "Member must have length less than or equal to 64");
            constraint(SOURCE_IDENTITY.matcher(sourceIdentity).matches(), sourceIdentity, "sourceIdentity",
                    "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
            if (sourceIdentity.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw StsError.validation("SourceIdentity cannot begin with the text 'aws:'");
            }
            if (incoming.sourceIdentity() != null && !incoming.sourceIdentity().equals(sourceIdentity)) {
                throw StsError.accessDenied("The source identity of a role session cannot be changed: the caller's "
                        + "session carries source identity " + incoming.sourceIdentity());
            }
        }
        Map<String, String> ownTags = new LinkedHashMap<>();
        for (int i = 1; params.containsKey("Tags.member." + i + ".Key"); i++) {
            String key = params.get("Tags.member." + i + ".Key");
            String value = params.getOrDefault("Tags.member." + i + ".Value", "");
            constraint(!key.isEmpty(), key, "tags." + i + ".member.key", "Member must have length greater than or equal to 1");
            constraint(key.length() <= 128, key, "tags." + i + ".member.key", "Member must have length less than or equal to 128");
            constraint(TAG_TEXT.matcher(key).matches(), key, "tags." + i + ".member.key",
                    "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
            constraint(value.length() <= 256, value, "tags." + i + ".member.value", "Member must have length less than or equal to 256");
            constraint(TAG_TEXT.matcher(value).matches(), value, "tags." + i + ".member.value",
                    "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
            for (String k : ownTags.keySet()) {
                if (k.equalsIgnoreCase(key)) {
                    throw StsError.validation("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
                }
            }
            for (String k : incoming.transitiveTagKeys()) {
                if (k.equalsIgnoreCase(key)) {
                    throw StsError.validation("One or more of the specified tag keys are transitive tag keys of the "
                            + "caller's session and cannot be set again: " + key);
                }
            }
            ownTags.put(key, value);
        }
        constraint(ownTags.size() <= 50, "[" + ownTags.size() + " tags]", "tags", "Member must have length less than or equal to 50");
        Set<String> transitive = new LinkedHashSet<>(incoming.transitiveTagKeys());
        List<String> requestedTransitive = new ArrayList<>();
        for (int i = 1; params.containsKey("TransitiveTagKeys.member." + i); i++) {
            requestedTransitive.add(params.get("TransitiveTagKeys.member." + i));
        }
        constraint(requestedTransitive.size() <= 50, "[" + requestedTransitive.size() + " keys]", "transitiveTagKeys",
                "Member must have length less than or equal to 50");
        for (String k : requestedTransitive) {
            String match = ownTags.keySet().stream().filter(t -> t.equalsIgnoreCase(k)).findFirst().orElse(null);
            if (match == null) {
                throw StsError.validation("The specified transitive tag key must be included in the requested tags: " + k);
            }
            transitive.add(match);
        }
        List<String> policyArns = new ArrayList<>();
        for (int i = 1; params.containsKey("PolicyArns.member." + i + ".arn"); i++) {
            String arn = params.get("PolicyArns.member." + i + ".arn");
            constraint(arn.length() >= 20, arn, "policyArns." + i + ".member.arn", "Member must have length greater than or equal to 20");
            constraint(arn.length() <= 2048, arn, "policyArns." + i + ".member.arn", "Member must have length less than or equal to 2048");
            if (!arn.matches("arn:aws[-a-z]*:iam::(aws|\\d{12}):policy/.+")) {
                throw StsError.validation("Invalid policy ARN: " + (arn.length() > 100 ? arn.substring(0, 100) : arn));
            }
            policyArns.add(arn);
        }
        constraint(policyArns.size() <= 10, "[" + policyArns.size() + " ARNs]", "policyArns",
                "Member must have length less than or equal to 10");
        String policy = params.get("Policy");
        if (policy != null) {
            constraint(!policy.isEmpty(), "", "policy", "Member must have length greater than or equal to 1");
            // Not quoted back: a policy is long, and AWS does not quote it either.
            constraint(policy.length() <= 2048, "[policy]", "policy", "Member must have length less than or equal to 2048");
            try {
                JsonNode node = JSON.readTree(policy);
                if (node == null || !node.isObject() || !node.has("Statement")) {
                    throw StsError.sender(400, "MalformedPolicyDocument", "The policy is not a JSON object with a Statement");
                }
            } catch (JsonProcessingException e) {
                throw StsError.sender(400, "MalformedPolicyDocument", "Syntax errors in policy.");
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        incoming.tags().forEach((k, v) -> {
            if (incoming.transitiveTagKeys().contains(k)) {
                tags.put(k, v);
            }
        });
        tags.putAll(ownTags);
        int packed = (policy == null ? 0 : policy.replaceAll("\\s+", "").length())
                + policyArns.stream().mapToInt(String::length).sum()
                + tags.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length() + 2).sum();
        if (packed > PACKED_LIMIT) {
            throw StsError.sender(400, "PackedPolicyTooLarge", "Packed size of session policies and tags exceeds the "
                    + "limit: " + (packed * 100 / PACKED_LIMIT) + "% of the allowed size");
        }
        String si = incoming.sourceIdentity() != null ? incoming.sourceIdentity() : sourceIdentity;
        return new SessionAttributes(si, tags, transitive, policyArns, policy);
    }

    /** The attributes as JSON fields of {@code node}. */
    void writeTo(ObjectNode node) {
        node.put("sourceIdentity", sourceIdentity);
        ObjectNode t = node.putObject("tags");
        tags.forEach(t::put);
        transitiveTagKeys.forEach(node.putArray("transitiveTagKeys")::add);
        policyArns.forEach(node.putArray("policyArns")::add);
        node.put("policy", policy);
    }

    private static void constraint(boolean ok, String shownValue, String member, String constraint) {
        StsService.constraint(ok, shownValue, member, constraint);
    }
}
