package dev.stsfleet.testing;

import java.util.Arrays;

/**
 * MD4 (RFC 1320), for the NTLM test IdP's NT hash: the JDK registers no MD4 provider. Test code only; MD4 is
 * broken and used here solely because MS-NLMP's NTOWFv2 is built on it.
 */
final class Md4 {
    private Md4() {
    }

    static byte[] digest(byte[] input) {
        int padded = ((input.length + 8) / 64 + 1) * 64;
        byte[] m = Arrays.copyOf(input, padded);
        m[input.length] = (byte) 0x80;
        long bits = (long) input.length * 8;
        for (int i = 0; i < 8; i++) {
            m[padded - 8 + i] = (byte) (bits >>> (8 * i));
        }
        int[] s = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
        int[] x = new int[16];
        for (int block = 0; block < padded; block += 64) {
            for (int i = 0; i < 16; i++) {
                int o = block + 4 * i;
                x[i] = (m[o] & 0xff) | (m[o + 1] & 0xff) << 8 | (m[o + 2] & 0xff) << 16 | (m[o + 3] & 0xff) << 24;
            }
            int a = s[0];
            int b = s[1];
            int c = s[2];
            int d = s[3];
            for (int i = 0; i < 16; i += 4) { // round 1: F, words in order
                a = Integer.rotateLeft(a + ((b & c) | (~b & d)) + x[i], 3);
                d = Integer.rotateLeft(d + ((a & b) | (~a & c)) + x[i + 1], 7);
                c = Integer.rotateLeft(c + ((d & a) | (~d & b)) + x[i + 2], 11);
                b = Integer.rotateLeft(b + ((c & d) | (~c & a)) + x[i + 3], 19);
            }
            for (int i = 0; i < 4; i++) { // round 2: G, words by column
                a = Integer.rotateLeft(a + ((b & c) | (b & d) | (c & d)) + x[i] + 0x5a827999, 3);
                d = Integer.rotateLeft(d + ((a & b) | (a & c) | (b & c)) + x[i + 4] + 0x5a827999, 5);
                c = Integer.rotateLeft(c + ((d & a) | (d & b) | (a & b)) + x[i + 8] + 0x5a827999, 9);
                b = Integer.rotateLeft(b + ((c & d) | (c & a) | (d & a)) + x[i + 12] + 0x5a827999, 13);
            }
            for (int i : new int[] {0, 2, 1, 3}) { // round 3: H, words in bit-reversed order
                a = Integer.rotateLeft(a + (b ^ c ^ d) + x[i] + 0x6ed9eba1, 3);
                d = Integer.rotateLeft(d + (a ^ b ^ c) + x[i + 8] + 0x6ed9eba1, 9);
                c = Integer.rotateLeft(c + (d ^ a ^ b) + x[i + 4] + 0x6ed9eba1, 11);
                b = Integer.rotateLeft(b + (c ^ d ^ a) + x[i + 12] + 0x6ed9eba1, 15);
            }
            s[0] += a;
            s[1] += b;
            s[2] += c;
            s[3] += d;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            out[i] = (byte) (s[i / 4] >>> (8 * (i % 4)));
        }
        return out;
    }
}
