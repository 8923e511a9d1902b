package dev.stsfleet.store;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple writes (to System.err, looked up on every call) while a block runs. The
 * store's loggers are switched to debug before any of them is created, so debug lines are captured too.
 */
final class LogCapture {
    static {
        System.setProperty("org.slf4j.simpleLogger.log.dev.stsfleet.store", "debug");
    }

    private LogCapture() {
    }

    /** Call from a test class's static initializer, before the store's classes load. */
    static void enableDebug() {
        // The static initializer above does the work.
    }

    static String during(Runnable block) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            block.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
