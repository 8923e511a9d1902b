package dev.stsfleet;

/** How secret-adjacent values are shown to humans: enough to tell keys apart, never enough to use one. */
public final class Redaction {
    private Redaction() {
    }

    /** An access key id as {@code ****WXYZ} (its last four characters), as aws-vault prints keys. */
    public static String accessKeyId(String accessKeyId) {
        if (accessKeyId == null) {
            return "null";
        }
        return accessKeyId.length() <= 4 ? "****" : "****" + accessKeyId.substring(accessKeyId.length() - 4);
    }
}
