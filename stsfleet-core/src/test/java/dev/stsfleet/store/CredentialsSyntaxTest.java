package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * {@link CredentialsSyntax} judges files exactly as the AWS SDK's own profile reader does: the same files
 * refused, at the same line, for the same reason. Compared on hand-picked edge cases and on 10,000 random
 * files built from every kind of line the reader distinguishes.
 */
class CredentialsSyntaxTest {
    private static final Pattern SDK_MESSAGE = Pattern.compile("^(.*) on line (\\d+)\\s*$");

    /** Line kinds: blank, comments, headers (valid, invalid, unclosed, commented), keys, continuations. */
    private static final List<String> FRAGMENTS = List.of("", "   ", "\t", "# note", "; note", "[default]",
            "[ok-1]", "[bad name]", "[unclosed", "[x] # c", "[x]; c", "[x # c]", "[]", "[ spaced ]",
            "key = value", "key=", "key =", "k=v # c", "k=v#notcomment", "=v", " = v", "bad key = v", "novalue",
            "aws_access_key_id = AKIA", "  continued", "\tcontinued", "  sub = v", "  nosub", "  = v", "  # x",
            "é = v", "[é]", "x_y.z/a%b@c = 1", "key = a ; b", "key = ; b");

    @Test
    void handPickedCases_agreeWithTheSdk() {
        for (String file : List.of("", "\n", "[default]\nk = v\n", "k = v\n", "  c\n", "[a]\n  c\n", "[a]\nk=\n  s\n",
                "[a]\nk=\n  s = 1\n", "[bad name]\nanything\n  goes\n[b]\nk=v\n", "[a]\nbad key = v\n  x\n",
                "[a]\r\nk = v\r\n  c\r", "\uFEFF[default]\nk=v\n", "[a]\nk=v\n[unclosed\n", "[a]\n=v\n")) {
            assertAgrees(file);
        }
    }

    @Test
    void tenThousandRandomFiles_agreeWithTheSdk() {
        Random random = new Random(42);
        String[] ends = {"\n", "\r\n", "\r"};
        for (int n = 0; n < 10_000; n++) {
            StringBuilder file = new StringBuilder();
            int lines = 1 + random.nextInt(8);
            for (int i = 0; i < lines; i++) {
                file.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                if (i < lines - 1 || random.nextBoolean()) {
                    file.append(ends[random.nextInt(ends.length)]);
                }
            }
            assertAgrees(file.toString());
        }
    }

    private static void assertAgrees(String file) {
        byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
        String sdk;
        try {
            ProfileFile.builder().content(new ByteArrayInputStream(bytes)).type(ProfileFile.Type.CREDENTIALS).build()
                    .profiles();
            sdk = "ok";
        } catch (IllegalArgumentException e) {
            Matcher m = SDK_MESSAGE.matcher(String.valueOf(e.getMessage()));
            sdk = m.matches() ? m.group(2) + ": " + m.group(1) : "unparsed: " + e.getMessage();
        }
        CredentialsSyntax.Problem p = CredentialsSyntax.check(bytes);
        String ours = p == null ? "ok" : p.line() + ": " + p.reason();
        assertThat(ours).as("file %s", file.replace("\n", "\\n").replace("\r", "\\r")).isEqualTo(sdk);
    }
}
