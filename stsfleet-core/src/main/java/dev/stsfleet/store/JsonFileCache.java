package dev.stsfleet.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.stsfleet.InvalidInputException;
import dev.stsfleet.refresh.Freshness;
import dev.stsfleet.TemporaryCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>An entry is one flat JSON object of text fields (and its format version), read and written with Jackson's
 * streaming parser and generator: every single-role command reads or writes one, and Jackson's object mapper
 * costs a command tens of milliseconds of start-up for nothing a flat object needs.
 */
final class JsonFileCache<V> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFileCache.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern FILE_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,150}");
    private static final int FORMAT_VERSION = 1;

    /** How a value becomes text fields and back; {@code decode} throws on anything it does not expect. */
    interface Codec<V> {
        void encode(V value, Map<String, String> into);

        V decode(Map<String, String> fields);

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
            value = codec.decode(fields(bytes.get()));
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
        Map<String, String> fields = new LinkedHashMap<>();
        codec.encode(value, fields);
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("version", FORMAT_VERSION);
            for (Map.Entry<String, String> f : fields.entrySet()) {
                g.writeStringField(f.getKey(), f.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a " + what + " cache entry", e);
        }
        byte[] bytes = out.toByteArray();
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
                    out.add(new Listed<>(key, codec.decode(fields(bytes.get()))));
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

    /** Deletes every entry {@code which} accepts, whatever its expiry; returns the keys deleted. */
    java.util.List<String> remove(java.util.function.Predicate<Listed<V>> which) {
        java.util.List<String> deleted = new java.util.ArrayList<>();
        for (Listed<V> e : list()) {
            if (which.test(e)) {
                state.delete(directory.resolve(e.key() + ".json"));
                deleted.add(e.key());
            }
        }
        return deleted;
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

    /**
     * The text fields of an entry of this format version; a null field counts as absent.
     *
     * @throws IllegalArgumentException for anything else: another version, a nested value, trailing content
     */
    static Map<String, String> fields(byte[] json) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        boolean versioned = false;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("version")) {
                    versioned = value == JsonToken.VALUE_NUMBER_INT && p.getIntValue() == FORMAT_VERSION;
                } else if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, p.getText());
                } else if (value != JsonToken.VALUE_NULL) {
                    throw new IllegalArgumentException("field " + name + " is not text");
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("content after the object");
            }
        }
        if (!versioned) {
            throw new IllegalArgumentException("unknown format");
        }
        return fields;
    }

    static Instant instant(Map<String, String> fields, String field) {
        return Instant.parse(text(fields, field));
    }

    static String text(Map<String, String> fields, String field) {
        String v = fields.get(field);
        if (v == null) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return v;
    }

    static void encodeCredentials(TemporaryCredentials c, Map<String, String> into) {
        into.put("accessKeyId", c.accessKeyId());
        into.put("secretAccessKey", c.secretAccessKey());
        into.put("sessionToken", c.sessionToken());
        into.put("start", c.start().toString());
        into.put("expiration", c.expiration().toString());
    }

    static TemporaryCredentials decodeCredentials(Map<String, String> fields) {
        return TemporaryCredentials.of(text(fields, "accessKeyId"), text(fields, "secretAccessKey"),
                text(fields, "sessionToken"), instant(fields, "start"), instant(fields, "expiration"));
    }

    /** A value-shaped codec for types that are credentials plus some text fields. */
    static <V> Codec<V> codec(java.util.function.BiConsumer<V, Map<String, String>> encode,
                              Function<Map<String, String>, V> decode,
                              Function<V, TemporaryCredentials> lifetime) {
        return new Codec<>() {
            @Override
            public void encode(V value, Map<String, String> into) {
                encode.accept(value, into);
            }

            @Override
            public V decode(Map<String, String> fields) {
                return decode.apply(fields);
            }

            @Override
            public TemporaryCredentials lifetime(V value) {
                return lifetime.apply(value);
            }
        };
    }
}
