package dev.stsfleet.sandbox;

/**
 * An AWS error answer: HTTP status, fault type, code and message, shaped by the handler into
 * {@code <ErrorResponse>}. Messages follow AWS's wording and never carry secrets.
 */
final class StsError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final String NOT_VALID_TOKEN = "The security token included in the request is invalid.";
    static final String MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";
    static final String MFA_UNKNOWN_DEVICE = "MultiFactorAuthentication failed, unable to validate MFA code. "
            + "Please verify your MFA serial number is valid and associated with this user.";

    final int status;
    final String type;
    final String code;

    private StsError(int status, String type, String code, String message) {
        // No stack trace: these are answers, not failures of the sandbox.
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    static StsError sender(int status, String code, String message) {
        return new StsError(status, "Sender", code, message);
    }

    static StsError receiver(int status, String code, String message) {
        return new StsError(status, "Receiver", code, message);
    }

    static StsError validation(String message) {
        return sender(400, "ValidationError", message);
    }

    static StsError accessDenied(String message) {
        return sender(403, "AccessDenied", message);
    }

    static StsError invalidToken() {
        return sender(403, "InvalidClientTokenId", NOT_VALID_TOKEN);
    }

    static StsError notAuthorized(String callerArn, String action, String resource) {
        return accessDenied("User: " + callerArn + " is not authorized to perform: sts:" + action
                + " on resource: " + resource);
    }
}
