package dev.stsfleet.cli;

/**
 * Configures slf4j-simple before the first logger exists: logs go to stderr (stdout carries only
 * machine output). Only our own packages go to debug with {@code --debug}: the SDK's and the HTTP
 * client's debug output includes wire data, which may carry secrets.
 */
final class LoggingSetup {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LoggingSetup() {
    }

    static void apply(boolean debug, boolean quiet) {
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showLogName", "false");
        setIfAbsent("levelInBrackets", "false");
        setIfAbsent("showShortLogName", debug ? "true" : "false");
        setIfAbsent("defaultLogLevel", "warn");
        // One voice on stderr: without --debug the library says nothing but warnings, shown as ours; the refresh
        // events (cycles, retries, expiries) reach the user once, as the command's own lines via its listener.
        setIfAbsent("warnLevelString", debug ? "WARN" : "stsfleet: warning:");
        setIfAbsent("log.dev.stsfleet", debug ? "debug" : "warn");
        setIfAbsent("log.dev.stsfleet.refresh", debug ? "debug" : "error");
        // The SDK's parser drops profiles with names it does not take, saying so at each read; ProfileFiles names
        // each once, in the user's terms.
        setIfAbsent("log.software.amazon.awssdk.profiles", debug ? "warn" : "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
