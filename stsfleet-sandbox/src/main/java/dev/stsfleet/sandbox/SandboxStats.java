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

    void reset() {
        byAction.clear();
    }

    private Counts counts(String action) {
        return byAction.computeIfAbsent(action, k -> new Counts());
    }

    private static final class Counts {
        final LongAdder ok = new LongAdder();
        final ConcurrentMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    }
}
