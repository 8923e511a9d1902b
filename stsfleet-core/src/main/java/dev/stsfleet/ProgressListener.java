package dev.stsfleet;

/**
 * Told once per finished profile of a bulk call, e.g. to show progress on stderr. Calls are serialized
 * by the fleet (never two at once) and come from the fleet's worker threads; {@code done} counts up
 * from 1 to {@code total}. A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that does nothing. */
    ProgressListener NONE = (result, done, total) -> { };

    void finished(ProfileResult result, int done, int total);
}
