package dev.stsfleet.sandbox;

/**
 * A sandbox model that cannot be used. The message is one line naming the field and the problem, for
 * example {@code model: roles[2].arn: not a role ARN: "x"}; secret values are never quoted in it.
 */
public final class SandboxModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SandboxModelException(String message) {
        super(message);
    }

    SandboxModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
