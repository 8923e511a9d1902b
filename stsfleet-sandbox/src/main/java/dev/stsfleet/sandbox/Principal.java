package dev.stsfleet.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who signed a request (or, for SAML, who a session was issued to): an IAM user with its long-term key,
 * a user's session token, or a role session.
 *
 * @param arn       the ARN GetCallerIdentity reports: the user's, or {@code arn:aws:sts::ACCT:assumed-role/ROLE/SESSION}
 * @param user      the IAM user behind it, null for role sessions
 * @param role      the role of a role session, else null
 * @param mfa       whether the session was authenticated with MFA
 * @param temporary whether the request was signed with temporary credentials
 * @param chained   for role sessions: assumed with temporary credentials (role chaining)
 * @param attributes for role sessions: source identity, session tags and policies; else none
 */
record Principal(Kind kind, String arn, String account, SandboxModel.User user, SandboxModel.Role role,
                 String sessionName, boolean mfa, boolean temporary, boolean chained, SessionAttributes attributes) {
    enum Kind { USER, SESSION_TOKEN, ROLE_SESSION }

    static Principal user(SandboxModel.User user) {
        return new Principal(Kind.USER, user.arn(), user.account(), user, null, null, false, false, false, SessionAttributes.NONE);
    }

    static Principal sessionToken(SandboxModel.User user, boolean mfa) {
        return new Principal(Kind.SESSION_TOKEN, user.arn(), user.account(), user, null, null, mfa, true, false, SessionAttributes.NONE);
    }

    static Principal roleSession(SandboxModel.Role role, String sessionName, boolean mfa, boolean chained) {
        return roleSession(role, sessionName, mfa, chained, SessionAttributes.NONE);
    }

    static Principal roleSession(SandboxModel.Role role, String sessionName, boolean mfa, boolean chained,
                                 SessionAttributes attributes) {
        String arn = "arn:aws:sts::" + role.account() + ":assumed-role/" + role.name() + "/" + sessionName;
        return new Principal(Kind.ROLE_SESSION, arn, role.account(), null, role, sessionName, mfa, true, chained,
                attributes);
    }

    /** AWS's unique id: AIDA... for users, AROA...:SESSION for role sessions. */
    String userId() {
        return kind == Kind.ROLE_SESSION ? uniqueId("AROA", role.arn()) + ":" + sessionName : uniqueId("AIDA", user.arn());
    }

    String assumedRoleId() {
        return uniqueId("AROA", role.arn()) + ":" + sessionName;
    }

    /** Whether a role's trust admits this principal: its account (id or root), its user ARN or its role ARN. */
    boolean isTrustedBy(SandboxModel.Role target) {
        for (String p : target.trustedPrincipals()) {
            if (p.equals(account) || p.equals("arn:aws:iam::" + account + ":root")) {
                return true;
            }
            if (user != null && p.equals(user.arn())) {
                return true;
            }
            if (role != null && p.equals(role.arn())) {
                return true;
            }
        }
        return false;
    }

    private static String uniqueId(String prefix, String arn) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(arn.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder(prefix);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            for (int i = 0; i < 17; i++) {
                out.append(alphabet.charAt(hash[i] & 31));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
