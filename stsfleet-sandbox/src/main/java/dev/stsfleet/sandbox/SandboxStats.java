package dev.stsfleet.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters per action and outcome: successes, and errors by AWS error code (injected faults
 * included). Thread-safe; readings are live, not snapshots. Actions are named as on the wire
 * ({@code AssumeRole}, {@code getSigninToken}, {@code login}).
 */
public final class SandboxStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConcurrentMap<String, Counts> byAction = new ConcurrentHashMap<>();
    /** The same counts per region (the region a request was signed for), then per action. */
    private final ConcurrentMap<String, ConcurrentMap<String, Counts>> byRegion = new ConcurrentHashMap<>();

    SandboxStats() {
    }

    /** Successful calls of {@code action}; 0 if never called. */
    public long ok(String action) {
        Counts c = byAction.get(action);
        return c == null ? 0 : c.ok.sum();
    }

    /** Failed calls of {@code action} by error code, sorted by code; empty if none. */
    public Map<String, Long> errors(String action) {
        Counts c = byAction.get(action);
        Map<String, Long> out = new TreeMap<>();
        if (c != null) {
            c.errors.forEach((code, n) -> out.put(code, n.sum()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** All calls of {@code action}, successful or not. */
    public long total(String action) {
        return ok(action) + errors(action).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Successful calls of {@code action} signed for {@code region}; 0 if none. */
    public long ok(String region, String action) {
        Map<String, Counts> r = byRegion.get(region);
        Counts c = r == null ? null : r.get(action);
        return c == null ? 0 : c.ok.sum();
    }

    /** All calls of {@code action} per region, successful or not, regions sorted; empty if none. */
    public Map<String, Long> totalByRegion(String action) {
        Map<String, Long> out = new TreeMap<>();
        byRegion.forEach((region, actions) -> {
            Counts c = actions.get(action);
            if (c != null) {
                out.put(region, c.ok.sum() + c.errors.values().stream().mapToLong(LongAdder::sum).sum());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** {@code {"us-east-1": {"AssumeRole": {"ok": 12, "errors": {...}}}, ...}}, regions and actions sorted. */
    public String toJsonByRegion() {
        ObjectNode root = JSON.createObjectNode();
        new TreeMap<>(byRegion).forEach((region, actions) -> {
            ObjectNode r = root.putObject(region);
            new TreeMap<>(actions).forEach((action, counts) -> {
                ObjectNode node = r.putObject(action);
                node.put("ok", counts.ok.sum());
                ObjectNode errors = node.putObject("errors");
                new TreeMap<>(counts.errors).forEach((code, n) -> errors.put(code, n.sum()));
            });
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"AssumeRole": {"ok": 12, "errors": {"AccessDenied": 2}}, ...}}, actions sorted. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        new TreeMap<>(byAction).forEach((action, counts) -> {
            ObjectNode node = root.putObject(action);
            node.put("ok", counts.ok.sum());
            ObjectNode errors = node.putObject("errors");
            errors(action).forEach(errors::put);
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SandboxStats" + toJson();
    }

    void recordOk(String action) {
        counts(action).ok.increment();
    }

    void recordError(String action, String code) {
        counts(action).errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    void recordOk(String region, String action) {
        recordOk(action);
        regionCounts(region, action).ok.increment();
    }

    void recordError(String region, String action, String code) {
        recordError(action, code);
        regionCounts(region, action).errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    void reset() {
        byAction.clear();
        byRegion.clear();
    }

    private Counts regionCounts(String region, String action) {
        return byRegion.computeIfAbsent(region, k -> new ConcurrentHashMap<>()).computeIfAbsent(action, k -> new Counts());
    }

    private Counts counts(String action) {
        return byAction.computeIfAbsent(action, k -> new Counts());
    }

    private static final class Counts {
        final LongAdder ok = new LongAdder();
        final ConcurrentMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    }
}
