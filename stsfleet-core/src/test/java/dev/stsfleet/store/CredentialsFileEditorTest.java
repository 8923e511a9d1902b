package dev.stsfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stsfleet.InvalidInputException;
import dev.stsfleet.TemporaryCredentials;
import dev.stsfleet.format.CredentialsSection;
import dev.stsfleet.format.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

class CredentialsFileEditorTest {
    private static final Instant EXPIRY = Instant.parse("2026-11-21T18:00:00Z");

    /** Comments, odd spacing, a continuation, non-ASCII text, an inline comment: all must survive. */
    private static final String ORIGINAL = """
            # my credentials, hand-edited
            ; keep this
            [default]
            aws_access_key_id = AKIAORIGINALKEY
            aws_secret_access_key=origSecret   # inline
            \s
            [ci]
            region = eu-west-1
            s3 =
              max_concurrent_requests = 20
            # caf\u00e9 \u2603 note about the next one

            [other]
            aws_access_key_id = AKIAOTHER
            """;

    @TempDir
    Path dir;

    private Path file;
    private CredentialsFileEditor editor;

    @org.junit.jupiter.api.BeforeEach
    void setUp() {
        file = dir.resolve("aws/credentials");
        editor = CredentialsFileEditor.builder().file(file).lockTimeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void upsert_intoAMissingFile_createsItWithMode0600InA0700Directory() throws Exception {
        editor.upsert(section("sts-prod", "1"));

        assertThat(Files.readString(file)).isEqualTo(section("sts-prod", "1").text());
        assertThat(Modes.of(file)).isEqualTo("0600");
        assertThat(Modes.of(file.getParent())).isEqualTo("0700");
        assertThat(listing()).containsExactly("credentials", "credentials.lock");
    }

    @Test
    void upsert_newSection_appendsAfterOneBlankLine_keepingEveryByteBefore() throws Exception {
        write(ORIGINAL);
        editor.upsert(section("sts-prod", "1"));

        assertThat(read()).isEqualTo(ORIGINAL + "\n" + section("sts-prod", "1").text());
        assertThat(Modes.of(file)).isEqualTo("0600");
    }

    @Test
    void upsert_existingSection_replacesExactlyItsLines_inPlace() throws Exception {
        String before = """
                # top
                [a]
                k = 1

                # about sts-x
                [sts-x]
                aws_access_key_id = OLDKEY
                # stale comment inside
                aws_secret_access_key = OLDSECRET

                ; about b
                [b]
                k = 2
                """;
        write(before);
        editor.upsert(section("sts-x", "9"));

        assertThat(read()).isEqualTo("""
                # top
                [a]
                k = 1

                # about sts-x
                """ + section("sts-x", "9").text() + """

                ; about b
                [b]
                k = 2
                """);
    }

    @Test
    void upsert_sectionNamedTwice_replacesTheFirstAndDropsLaterCopies() throws Exception {
        write("[sts-x]\nk = 1\n\n[a]\nk = 2\n\n[sts-x]\naws_session_token = STALE\n");
        editor.upsert(section("sts-x", "3"));

        assertThat(read()).isEqualTo(section("sts-x", "3").text() + "\n[a]\nk = 2\n");
        assertThat(parse().profile("sts-x").orElseThrow().property("aws_session_token")).contains("token3Value==");
    }

    @Test
    void upsert_manySections_inOneWrite_mixesReplaceAndAppend() throws Exception {
        write(ORIGINAL);
        editor.upsert(List.of(section("sts-1", "1"), section("sts-2", "2")));
        editor.upsert(List.of(section("sts-2", "22"), section("sts-3", "3")));

        assertThat(read()).isEqualTo(ORIGINAL + "\n" + section("sts-1", "1").text() + "\n"
                + section("sts-2", "22").text() + "\n" + section("sts-3", "3").text());
        ProfileFile parsed = parse();
        assertThat(parsed.profiles()).containsKeys("default", "ci", "other", "sts-1", "sts-2", "sts-3");
        assertThat(parsed.profile("ci").orElseThrow().property("s3")).contains("\nmax_concurrent_requests = 20");
    }

    @Test
    void upsert_sameNameTwiceInOneCall_isRefused() {
        assertThatThrownBy(() -> editor.upsert(section("a", "1"), section("a", "2")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("credentials section 'a' is given twice");
        assertThat(file).doesNotExist();
    }

    @Test
    void upsert_keepsCrlfLineEndings_andAFileWithoutFinalNewline() throws Exception {
        write("[a]\r\nk = 1\r\n# end");
        editor.upsert(section("b", "1"));

        String expected = "[a]\r\nk = 1\r\n# end\r\n\r\n" + section("b", "1").text().replace("\n", "\r\n");
        assertThat(read()).isEqualTo(expected);
    }

    @Test
    void upsert_keepsBytesThatAreNotUtf8() throws Exception {
        byte[] latin1 = "# caf\u00e9 in Latin-1\n[a]\nk = 1\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.createDirectories(file.getParent());
        Files.write(file, latin1);

        editor.upsert(section("b", "1"));

        byte[] after = Files.readAllBytes(file);
        assertThat(java.util.Arrays.copyOf(after, latin1.length)).isEqualTo(latin1);
    }

    @Test
    void writtenSections_areReadByTheAwsSdksProfileCredentialsProvider() throws Exception {
        write(ORIGINAL);
        editor.upsert(section("sts-prod", "7"));

        try (ProfileCredentialsProvider provider = ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build())
                .profileName("sts-prod").build()) {
            AwsSessionCredentials c = (AwsSessionCredentials) provider.resolveCredentials();
            assertThat(c.accessKeyId()).isEqualTo("ASIA7KEYID");
            assertThat(c.secretAccessKey()).isEqualTo("secret7Value/+x");
            assertThat(c.sessionToken()).isEqualTo("token7Value==");
        }
    }

    @Test
    void existingFileMode0644_becomes0600() throws Exception {
        write("[a]\nk = 1\n");
        Modes.set(file, "rw-r--r--");

        editor.upsert(section("b", "1"));

        assertThat(Modes.of(file)).isEqualTo("0600");
    }

    @Test
    void malformedFile_isNeverOverwritten_andTheErrorNamesFileAndLine() throws Exception {
        String broken = "[default]\naws_access_key_id = AKIA\nthis line has no equals sign SECRETVALUE\n";
        write(broken);
        Modes.set(file, "rw-r-----");

        assertThatThrownBy(() -> editor.upsert(section("sts-x", "1")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(file + " line 3: expected 'key = value' or '[section]'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRETVALUE"));

        assertThat(read()).isEqualTo(broken);
        assertThat(Modes.of(file)).isEqualTo("0640");
        assertThat(listing()).containsExactly("credentials", "credentials.lock");
    }

    @Test
    void malformedFile_otherSdkRejections_areNamedToo() throws Exception {
        Map<String, String> cases = Map.of(
                "key = before any section\n", "line 1: expected a '[section]' line before the first key",
                "[a]\nk = 1\n[unclosed\n", "line 3: a '[section]' line must end with ']'",
                "[a]\n= value\n", "line 2: expected a key before '='",
                "[a]\n  indented\n", "line 2: expected 'key = value' or '[section]' "
                        + "(an indented line continues a value only after 'key =')");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            write(c.getKey());
            assertThatThrownBy(() -> editor.upsert(section("x", "1")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage(file + " " + c.getValue());
            assertThat(read()).isEqualTo(c.getKey());
        }
        assertThatThrownBy(() -> editor.remove("x")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void unknownSdkReason_isNotQuoted() {
        assertThat(CredentialsFileEditor.reasonFor("Something new about 'aws_secret = XYZ'"))
                .isEqualTo("not a valid AWS credentials file line");
    }

    @Test
    void remove_afterUpsert_restoresTheOriginalBytes() throws Exception {
        write(ORIGINAL);
        editor.upsert(section("sts-1", "1"), section("sts-2", "2"));

        editor.remove("sts-1", "sts-2");

        assertThat(read()).isEqualTo(ORIGINAL);
    }

    @Test
    void remove_aSectionInTheMiddle_keepsTheNeighbours() throws Exception {
        write("[a]\nk = 1\n\n[sts-x]\nk = 2\n# about b\n[b]\nk = 3\n");
        editor.remove(List.of("sts-x", "not-there"));

        assertThat(read()).isEqualTo("[a]\nk = 1\n# about b\n[b]\nk = 3\n");
    }

    @Test
    void remove_fromAMissingFile_createsNothing() {
        editor.remove("sts-x");

        assertThat(file).doesNotExist();
    }

    @Test
    void hostileSectionNames_areRejectedBeforeTouchingTheFile() throws Exception {
        write("[a]\nk = 1\n");
        for (String name : List.of("a]", "x\n[default]", "", "a b", "[a]")) {
            assertThatThrownBy(() -> editor.remove(name)).isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThatThrownBy(() -> editor.upsert(CredentialsSection.of(name, Fixtures.credentials())))
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThat(read()).isEqualTo("[a]\nk = 1\n");
    }

    @Test
    void symbolicLink_isFollowed_andStaysALink() throws Exception {
        Path real = dir.resolve("dotfiles/credentials");
        Files.createDirectories(real.getParent());
        Files.writeString(real, "[a]\nk = 1\n");
        Files.createDirectories(file.getParent());
        Files.createSymbolicLink(file, real);

        editor.upsert(section("b", "1"));

        assertThat(Files.isSymbolicLink(file)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("[a]\nk = 1\n\n" + section("b", "1").text());
    }

    @Test
    void unusableLocation_givesOneClearErrorNamingIt() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        CredentialsFileEditor e = CredentialsFileEditor.builder().file(notADirectory.resolve("credentials")).build();

        assertThatThrownBy(() -> e.upsert(section("b", "1")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("cannot ")
                .hasMessageContaining(notADirectory.toString());
        assertThat(notADirectory).hasContent("x");
    }

    @Test
    void eightThreadsAndTwoProcesses_writingAtOnce_loseNoSection() throws Exception {
        write(ORIGINAL);
        int threads = 8;
        int perThread = 5;
        int perProcess = 10;
        List<ChildJvm> children = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int p = 0; p < 2; p++) {
                ChildJvm child = ChildJvm.start("write-sections", file.toString(), "proc" + p + "-", "" + perProcess);
                children.add(child);
            }
            for (ChildJvm child : children) {
                child.expect("ready");
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String prefix = "thread" + t + "-";
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        editor.upsert(CredentialsSection.of(prefix + i, StoreChildMain.credentials(prefix + i)));
                    }
                    return null;
                }));
            }
            for (ChildJvm child : children) {
                child.send("go");
            }
            go.countDown();
            for (Future<?> w : writers) {
                w.get(120, TimeUnit.SECONDS);
            }
            for (ChildJvm child : children) {
                child.expect("done");
                child.awaitSuccess();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            children.forEach(ChildJvm::close);
        }

        ProfileFile parsed = parse();
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expected.add("thread" + t + "-" + i);
            }
        }
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < perProcess; i++) {
                expected.add("proc" + p + "-" + i);
            }
        }
        for (String name : expected) {
            Profile profile = parsed.profile(name).orElse(null);
            assertThat(profile).as("section %s", name).isNotNull();
            assertThat(profile.property("aws_access_key_id"))
                    .contains("ASIA" + name.replaceAll("[^A-Za-z0-9]", ""));
        }
        assertThat(parsed.profiles()).hasSize(expected.size() + 3);
        assertThat(read()).startsWith(ORIGINAL);
        assertThat(Modes.of(file)).isEqualTo("0600");
        assertThat(listing()).containsExactly("credentials", "credentials.lock");
    }

    private static CredentialsSection section(String name, String n) {
        TemporaryCredentials c = Fixtures.credentials(n, EXPIRY);
        return CredentialsSection.of(name, c);
    }

    private void write(String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private String read() throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private ProfileFile parse() {
        return ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(file.getParent())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
