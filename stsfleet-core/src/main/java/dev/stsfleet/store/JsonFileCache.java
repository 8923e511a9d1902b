package dev.stsfleet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.TemporaryCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One value per JSON file in a private state subdirectory, served while it has more than a margin of
 * life left. The generic part of {@link CredentialCache} and {@link SessionTokenCache}.
 *
 * <p>A file that cannot be used (unparsable, wrong shape, or with a mode others could have written) is
 * treated as absent and replaced by the next put; it is logged by name only, never by content.
 * {@link #getOrLoad} takes a cross-process {@link LockFile} per entry, so many processes wanting the same
 * entry at once make one load. Thread-safe.
 */
final class JsonFileCache<V> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFileCache.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern FILE_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,150}");
    private static final int FORMAT_VERSION = 1;

    /** How a value becomes JSON and back; {@code decode} throws on anything it does not expect. */
    interface Codec<V> {
        void encode(V value, ObjectNode into);

        V decode(JsonNode node);

        /** The credentials inside the value: their start and expiration decide its freshness. */
        TemporaryCredentials lifetime(V value);
    }

    private final StateDirectory state;
    private final Path directory;
    private final Codec<V> codec;
    private final Clock clock;
    private final Duration margin;
    private final double maxShare;
    private final Duration lockTimeout;
    private final String what;

    JsonFileCache(StateDirectory state, String subdirectory, String what, Codec<V> codec, Clock clock,
                  Duration margin, double maxShare, Duration lockTimeout) {
        this.maxShare = maxShare;
        this.state = Objects.requireNonNull(state, "state");
        this.directory = state.subdirectory(subdirectory);
        this.what = what;
        this.codec = codec;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.margin = Objects.requireNonNull(margin, "margin");
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
    }

    Path directory() {
        return directory;
    }

    Path fileOf(String key) {
        if (!FILE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a safe cache key: " + key);
        }
        return directory.resolve(key + ".json");
    }

    /** The cached value if it has more than the margin left at the clock's now. */
    Optional<V> get(String key) {
        Path file = fileOf(key);
        Optional<byte[]> bytes;
        try {
            bytes = state.read(file);
        } catch (InvalidInputException e) {
            // Wrong mode or unreadable: not ours to trust. The message names the file and mode only.
            LOG.debug("{} cache: ignoring entry {}: {}", what, key, e.getMessage());
            return Optional.empty();
        }
        if (bytes.isEmpty()) {
            LOG.debug("{} cache: no entry {}", what, key);
            return Optional.empty();
        }
        V value;
        try {
            JsonNode node = MAPPER.readTree(bytes.get());
            if (node == null || node.path("version").asInt(-1) != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown format");
            }
            value = codec.decode(node);
        } catch (IOException | RuntimeException e) {
            // Only the exception's type: a parser message may quote the file, and the file holds secrets.
            LOG.debug("{} cache: ignoring unreadable entry {} ({}); it will be replaced", what, file,
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
        TemporaryCredentials life = codec.lifetime(value);
        Instant expiration = life.expiration();
        if (!Freshness.usable(Freshness.remaining(margin, maxShare), life.start(), expiration, clock.instant())) {
            LOG.debug("{} cache: entry {} expires {} (less than {} left); not used", what, key,
                    TemporaryCredentials.isoUtc(expiration), margin);
            return Optional.empty();
        }
        LOG.debug("{} cache: using entry {} (expires {})", what, key, TemporaryCredentials.isoUtc(expiration));
        return Optional.of(value);
    }

    void put(String key, V value) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", FORMAT_VERSION);
        codec.encode(value, node);
        byte[] bytes;
        try {
            bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a " + what + " cache entry", e);
        }
        state.write(fileOf(key), bytes);
        LOG.debug("{} cache: stored entry {} (expires {})", what, key,
                TemporaryCredentials.isoUtc(codec.lifetime(value).expiration()));
    }

    /** An entry as stored: its key (the file name without {@code .json}) and value, whatever its freshness. */
    record Listed<V>(String key, V value) {
    }

    /** Every readable entry, expired ones included; unreadable files are skipped (logged by name at debug). */
    java.util.List<Listed<V>> list() {
        java.util.List<Listed<V>> out = new java.util.ArrayList<>();
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(directory)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            return out;
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String key = name.substring(0, name.length() - ".json".length());
            try {
                Optional<byte[]> bytes = state.read(file);
                if (bytes.isPresent()) {
                    JsonNode node = MAPPER.readTree(bytes.get());
                    if (node != null && node.path("version").asInt(-1) == FORMAT_VERSION) {
                        out.add(new Listed<>(key, codec.decode(node)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{} cache: skipping unreadable entry {} ({})", what, file, e.getClass().getSimpleName());
            }
        }
        return out;
    }

    /** Deletes every entry expired at the clock's now; returns the keys deleted. */
    java.util.List<String> prune() {
        Instant now = clock.instant();
        java.util.List<String> deleted = new java.util.ArrayList<>();
        for (Listed<V> e : list()) {
            if (!codec.lifetime(e.value()).expiration().isAfter(now)) {
                state.delete(directory.resolve(e.key() + ".json"));
                deleted.add(e.key());
            }
        }
        return deleted;
    }

    void invalidate(String key) {
        state.delete(fileOf(key));
    }

    /**
     * The cached value, or else {@code loader}'s, stored; under a lock on the entry, so concurrent callers
     * (threads or processes) wait for one load instead of each loading. The loader's exceptions pass
     * through and store nothing.
     */
    @SuppressWarnings("try") // the lock is held for the block; it is not used inside
    V getOrLoad(String key, Supplier<V> loader) {
        Optional<V> cached = get(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        try (LockFile lock = LockFile.acquire(fileOf(key), lockTimeout)) {
            // Another holder of the lock may have just stored it.
            cached = get(key);
            if (cached.isPresent()) {
                return cached.get();
            }
            V loaded = Objects.requireNonNull(loader.get(), "the loader returned null");
            put(key, loaded);
            return loaded;
        }
    }

    static Instant instant(JsonNode node, String field) {
        return Instant.parse(text(node, field));
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return v.asText();
    }

    static void encodeCredentials(TemporaryCredentials c, ObjectNode into) {
        into.put("accessKeyId", c.accessKeyId());
        into.put("secretAccessKey", c.secretAccessKey());
        into.put("sessionToken", c.sessionToken());
        into.put("start", c.start().toString());
        into.put("expiration", c.expiration().toString());
    }

    static TemporaryCredentials decodeCredentials(JsonNode node) {
        return TemporaryCredentials.of(text(node, "accessKeyId"), text(node, "secretAccessKey"),
                text(node, "sessionToken"), instant(node, "start"), instant(node, "expiration"));
    }

    /** A value-shaped codec for types that are credentials plus some text fields. */
    static <V> Codec<V> codec(java.util.function.BiConsumer<V, ObjectNode> encode, Function<JsonNode, V> decode,
                              Function<V, TemporaryCredentials> lifetime) {
        return new Codec<>() {
            @Override
            public void encode(V value, ObjectNode into) {
                encode.accept(value, into);
            }

            @Override
            public V decode(JsonNode node) {
                return decode.apply(node);
            }

            @Override
            public TemporaryCredentials lifetime(V value) {
                return lifetime.apply(value);
            }
        };
    }
}
