package dev.stsfleet;

/** The shape in which a fleet hands out credentials. */
public enum OutputFormat {
    /** Typed Java values ({@link RoleCredentials}, {@link TemporaryCredentials}). */
    VAULT,
    /** Maps with STS's own field names and ISO-8601 UTC times, as boto3 returns them. */
    BOTO
}
