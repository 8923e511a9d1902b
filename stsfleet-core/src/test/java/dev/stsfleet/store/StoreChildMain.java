package dev.stsfleet.store;

import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.format.CredentialsSection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * The other process of the cross-process tests. Prints {@code ready} (or {@code locked}), waits for a
 * line on stdin, does its part, prints {@code done}, exits 0.
 */
public final class StoreChildMain {
    private StoreChildMain() {
    }

    @SuppressWarnings("try") // the lock is held for the block; it is not used inside
    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "hold-lock" -> {
                try (LockFile lock = LockFile.acquire(Path.of(args[1]), Duration.ofSeconds(60))) {
                    System.out.println("locked");
                    System.out.flush();
                    stdin.readLine();
                }
            }
            case "write-sections" -> {
                CredentialsFileEditor editor = CredentialsFileEditor.builder().file(Path.of(args[1]))
                        .lockTimeout(Duration.ofSeconds(120)).build();
                String prefix = args[2];
                int count = Integer.parseInt(args[3]);
                System.out.println("ready");
                System.out.flush();
                stdin.readLine();
                for (int i = 0; i < count; i++) {
                    editor.upsert(CredentialsSection.of(prefix + i, credentials(prefix + i)));
                }
            }
            case "cache-load" -> {
                CredentialCache cache = CredentialCache.builder()
                        .stateDirectory(StateDirectory.open(Path.of(args[1])))
                        .lockTimeout(Duration.ofSeconds(120)).build();
                Path calls = Path.of(args[2]);
                System.out.println("ready");
                System.out.flush();
                stdin.readLine();
                cache.getOrLoad(new CredentialCache.Key("prod", "arn:aws:iam::111111111111:role/R", "default", null),
                        () -> load(calls, "child"));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("done");
        System.out.flush();
    }

    /** Distinct, valid credentials for a section or cache entry, expiring in a year. */
    static TemporaryCredentials credentials(String id) {
        Instant now = Instant.now();
        String safe = id.replaceAll("[^A-Za-z0-9]", "");
        return TemporaryCredentials.of("ASIA" + safe, "secret" + safe, "token" + safe, now, now.plus(Duration.ofDays(365)));
    }

    /** A loader that records each call as a line, so tests count loads across processes. */
    static TemporaryCredentials load(Path calls, String who) {
        try {
            Files.writeString(calls, who + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return credentials("loaded");
    }
}
