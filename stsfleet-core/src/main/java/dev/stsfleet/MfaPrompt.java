package dev.stsfleet;

/**
 * Asks a person for the current code of an MFA device (see {@link StsFleet.Builder#mfaPrompt}). Called once per
 * device that needs a new session and has no code, before any STS call of the bulk call; never with a device
 * that has a cached session. Implementations must not log or keep the code.
 */
@FunctionalInterface
public interface MfaPrompt {
    /**
     * The six-digit code of {@code mfaSerial}.
     *
     * @param sourceProfile the profile whose user owns the device, for the question's wording
     * @throws RuntimeException to give up (e.g. nothing was typed): the bulk call makes no call then
     */
    String code(String mfaSerial, String sourceProfile);
}
