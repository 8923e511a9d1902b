package dev.stsfleet.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Safe, collision-resistant cache file names. Stateless. */
final class CacheKeys {
    private CacheKeys() {
    }

    /**
     * {@code <readable>-<hash>}: the readable part is {@code label} reduced to {@code [A-Za-z0-9._-]}
     * (at most 64 characters) so a person can tell the files apart; the hash (SHA-256 of every part,
     * each length-prefixed so no two part lists collide, first 16 hex digits) makes the name unique even
     * when labels sanitise alike.
     */
    static String of(String label, String... parts) {
        String readable = readable(label);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, label);
            for (String part : parts) {
                update(sha, part);
            }
            return readable + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The readable part of {@link #of}'s names for {@code label}. */
    static String readable(String label) {
        StringBuilder readable = new StringBuilder();
        for (char c : label.toCharArray()) {
            if (readable.length() == 64) {
                break;
            }
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            readable.append(safe ? c : '_');
        }
        if (readable.length() == 0 || readable.charAt(0) == '.' || readable.charAt(0) == '-') {
            readable.insert(0, '_');
        }
        return readable.toString();
    }

    private static void update(MessageDigest sha, String part) {
        if (part == null) {
            sha.update((byte) 0);
            return;
        }
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) 1);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }
}
