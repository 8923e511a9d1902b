package dev.stsfleet.cli;

/**
 * The checksum POSIX {@code cksum} prints: CRC-32 with the polynomial 0x04C11DB7, most significant bit first, over
 * the content and then its length (least significant byte first, as few bytes as it takes), complemented. Neither
 * {@link java.util.zip.CRC32} nor {@link java.util.zip.CRC32C} is it (both are bit-reversed, with other
 * polynomials or conventions); the memo's fingerprints use it so that the launcher can check them with
 * {@code cksum} itself. Stateless.
 */
final class PosixCksum {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private PosixCksum() {
    }

    /** The checksum of {@code content}, as {@code cksum} prints it (an unsigned decimal). */
    static long of(byte[] content) {
        int crc = 0;
        for (byte b : content) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xff];
        }
        for (long n = content.length; n != 0; n >>>= 8) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ (int) n) & 0xff];
        }
        return ~crc & 0xffffffffL;
    }
}
