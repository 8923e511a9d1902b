package dev.stsfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.ProfileResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The live progress line on a terminal, the plain lines elsewhere, and stdout starting at column 0. */
class ProgressTest {
    private static final ProfileResult FAILED = new ProfileResult.Failed("p", "arn:aws:iam::123456789012:role/R", "AccessDenied", "no");

    @Test
    void terminal_oneLiveLine_clearedBeforeStdout() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Output output = new Output(new PrintWriter(out), new PrintWriter(err), false, true);
        AtomicLong now = new AtomicLong();
        Progress progress = new Progress(output, "generate", now::get);

        for (int i = 1; i <= 500; i++) {
            now.addAndGet(10_000_000L); // 10 ms a role: 100/s
            progress.finished(FAILED, i, 500);
        }
        output.stdout().print("PROFILE ...\n");
        output.flush();

        String screen = err.toString();
        assertThat(screen).contains("\r\033[2Kgenerate: 10/500 (2%), 100/s, 10 failed, ETA 5s")
                .endsWith("generate: 500/500 (100%), 100/s, 500 failed\r\033[2K");
        assertThat(screen.split("\r\033\\[2K").length).isLessThanOrEqualTo(52); // redrawn at most every 100 ms
        assertThat(out.toString()).startsWith("PROFILE");
    }

    @Test
    void notATerminal_aPlainLinePer10Percent_atMostEvery5s_noneForAQuickRun() {
        StringWriter err = new StringWriter();
        Output output = new Output(new PrintWriter(new StringWriter()), new PrintWriter(err), false, false);
        AtomicLong now = new AtomicLong();
        Progress slow = new Progress(output, "generate", now::get);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(1_000_000_000L); // 1 s a role
            slow.finished(FAILED, i, 100);
        }
        assertThat(err.toString().lines()).hasSize(9).allMatch(l -> l.startsWith("generate: ") && !l.contains("\033"));

        StringWriter quickErr = new StringWriter();
        Output quickOut = new Output(new PrintWriter(new StringWriter()), new PrintWriter(quickErr), false, false);
        Progress quick = new Progress(quickOut, "generate", now::get);
        for (int i = 1; i <= 100; i++) {
            quick.finished(FAILED, i, 100);
        }
        assertThat(quickErr.toString()).isEmpty();
    }

    @Test
    void quiet_silencesBoth() {
        StringWriter err = new StringWriter();
        Output output = new Output(new PrintWriter(new StringWriter()), new PrintWriter(err), true, true);
        AtomicLong now = new AtomicLong();
        Progress progress = new Progress(output, "generate", now::get);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(1_000_000_000L);
            progress.finished(FAILED, i, 100);
        }
        assertThat(err.toString()).isEmpty();
    }
}
