package dev.stsfleet.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.store.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The small state files keep-fresh and serve keep while they run, under {@code run/} in the state directory. */
final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A process that is running, as its file says. */
    record Running(String command, String profiles, Instant until, long pid) {
    }

    private RunFiles() {
    }

    /** Writes this process's file; the returned hook removes it. */
    static Runnable register(StateDirectory state, String command, List<String> profiles, Instant until) {
        long pid = ProcessHandle.current().pid();
        Path file = state.subdirectory("run").resolve(pid + ".json");
        ObjectNode o = JSON.createObjectNode();
        o.put("command", command);
        o.put("pid", pid);
        o.put("profiles", String.join(",", profiles));
        o.put("until", TemporaryCredentials.isoUtc(until));
        try {
            state.write(file, JSON.writeValueAsBytes(o));
        } catch (IOException | RuntimeException e) {
            return () -> { };
        }
        return () -> {
            try {
                state.delete(file);
            } catch (RuntimeException e) {
                // Stale files are skipped by status and removed by status --prune.
            }
        };
    }

    static List<Running> running(StateDirectory state) {
        List<Running> items = new ArrayList<>();
        for (Path f : files(state)) {
            try {
                JsonNode o = JSON.readTree(Files.readAllBytes(f));
                long pid = o.path("pid").asLong();
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    items.add(new Running(o.path("command").asText(), o.path("profiles").asText(),
                            instant(o.path("until").asText()), pid));
                }
            } catch (IOException | RuntimeException e) {
                // Unreadable: skipped.
            }
        }
        return items;
    }

    static int prune(StateDirectory state) {
        int n = 0;
        for (Path f : files(state)) {
            String name = f.getFileName().toString();
            long pid;
            try {
                pid = Long.parseLong(name.substring(0, name.length() - ".json".length()));
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                state.delete(f);
                n++;
            }
        }
        return n;
    }

    private static List<Path> files(StateDirectory state) {
        try (Stream<Path> s = Files.list(state.subdirectory("run"))) {
            return s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
