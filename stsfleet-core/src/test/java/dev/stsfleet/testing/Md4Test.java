package dev.stsfleet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test IdP's own NTLM arithmetic against the published vectors (RFC 1320, MS-NLMP 4.2.4.1.1). */
class Md4Test {
    private static String md4(String s, java.nio.charset.Charset charset) {
        return HexFormat.of().formatHex(Md4.digest(s.getBytes(charset)));
    }

    @Test
    void md4_matchesRfc1320() {
        assertThat(md4("", StandardCharsets.US_ASCII)).isEqualTo("31d6cfe0d16ae931b73c59d7e0c089c0");
        assertThat(md4("abc", StandardCharsets.US_ASCII)).isEqualTo("a448017aaf21d8525fc10ae87aa6729d");
        assertThat(md4("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                StandardCharsets.US_ASCII)).isEqualTo("e33b4ddc9c38f2199c3e7b164fcc0536");
    }

    @Test
    void ntowfv2_matchesMsNlmp() {
        byte[] ntHash = Md4.digest("Password".getBytes(StandardCharsets.UTF_16LE));
        byte[] ntowfv2 = AuthIdpServer.hmacMd5(ntHash, "USERDomain".getBytes(StandardCharsets.UTF_16LE));

        assertThat(HexFormat.of().formatHex(ntHash)).isEqualTo("a4f49c406510bdcab6824ee7c30fd852");
        assertThat(HexFormat.of().formatHex(ntowfv2)).isEqualTo("0c868a403bfd7a93a3001ef22ef02e3f");
    }
}
