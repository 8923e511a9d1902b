package dev.stsfleet.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STS semantics, apart from HTTP: authentication, the four actions and console federation. Holds
 * the sandbox's mutable state (issued credentials, spent MFA codes, sign-in tokens). Thread-safe.
 */
final class StsService {
    private static final Logger LOG = LoggerFactory.getLogger(StsService.class);
    static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern SERIAL_NUMBER = Pattern.compile("[\\w+=/:,.@-]*");
    private static final Pattern TOKEN_CODE = Pattern.compile("\\d*");
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final Duration SIGNIN_TOKEN_LIFETIME = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxModel model;
    private final Clock clock;
    private final double durationScale;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, IssuedCredentials> issued = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, SigninGrant> signinTokens = new ConcurrentHashMap<>();
    private final Map<String, TreeSet<Long>> spentSteps = new HashMap<>();
    private final AtomicLong issuedCount = new AtomicLong();
    /** Roles whose trust was revoked while running: AssumeRole is denied to everyone. */
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    StsService(SandboxModel model, Clock clock, double durationScale) {
        this.model = model;
        this.clock = clock;
        this.durationScale = durationScale;
    }

    void revokeTrust(String roleArn) {
        revoked.add(roleArn);
    }

    SandboxModel model() {
        return model;
    }

    Clock clock() {
        return clock;
    }

    /** Who signed the request, after the key, token, time, signature and expiry checks, in AWS's order. */
    Principal authenticate(SigV4.Received request) {
        SigV4.Claim claim = SigV4.claim(request);
        Optional<SandboxModel.User> user = model.userByAccessKeyId(claim.accessKeyId());
        if (user.isPresent()) {
            if (claim.securityToken() != null) {
                throw StsError.invalidToken();
            }
            SigV4.checkTime(claim, clock.instant());
            SigV4.verify(request, claim, user.get().secretAccessKey(), null);
            return Principal.user(user.get());
        }
        IssuedCredentials creds = issued.get(claim.accessKeyId());
        if (creds == null || claim.securityToken() == null || !constantTimeEquals(creds.sessionToken(), claim.securityToken())) {
            throw StsError.invalidToken();
        }
        SigV4.checkTime(claim, clock.instant());
        SigV4.verify(request, claim, creds.secretAccessKey(), creds.sessionToken());
        if (!clock.instant().isBefore(creds.expiration())) {
            throw StsError.sender(403, "ExpiredToken", "The security token included in the request is expired");
        }
        return creds.principal();
    }

    String getSessionToken(Map<String, String> params, Principal caller) {
        int seconds = durationSeconds(params, 129600, 43200);
        Mfa mfa = mfaParams(params);
        if (caller.temporary()) {
            throw StsError.accessDenied("Cannot call GetSessionToken with session credentials");
        }
        boolean withMfa = false;
        if (mfa != null) {
            checkMfa(caller, mfa);
            withMfa = true;
        }
        IssuedCredentials creds = issue(Principal.sessionToken(caller.user(), withMfa), scaled(seconds), null);
        LOG.debug("GetSessionToken for {} ({} s{})", caller.arn(), seconds, withMfa ? ", MFA" : "");
        return "<GetSessionTokenResult>" + credentialsXml(creds) + "</GetSessionTokenResult>";
    }

    String assumeRole(Map<String, String> params, Principal caller) {
        String roleArn = roleArn(params);
        String sessionName = roleSessionName(params);
        String externalId = params.get("ExternalId");
        if (externalId != null) {
            constraint(externalId.length() >= 2, externalId, "externalId", "Member must have length greater than or equal to 2");
            constraint(externalId.length() <= 1224, externalId, "externalId", "Member must have length less than or equal to 1224");
            constraint(SandboxModel.EXTERNAL_ID.matcher(externalId).matches(), externalId, "externalId",
                    "Member must satisfy regular expression pattern: [\\w+=,.@:/-]*");
        }
        Integer requested = params.containsKey("DurationSeconds") ? durationSeconds(params, 43200, 3600) : null;
        Mfa mfa = mfaParams(params);
        SessionAttributes attributes = SessionAttributes.of(params, caller.attributes());

        SandboxModel.Role role = model.role(roleArn).orElse(null);
        if (role == null || !caller.isTrustedBy(role) || revoked.contains(roleArn)) {
            throw StsError.notAuthorized(caller.arn(), "AssumeRole", roleArn);
        }
        if (role.externalId() != null && (externalId == null || !constantTimeEquals(role.externalId(), externalId))) {
            throw StsError.notAuthorized(caller.arn(), "AssumeRole", roleArn);
        }
        boolean withMfa = caller.mfa();
        if (mfa != null) {
            checkMfa(caller, mfa);
            withMfa = true;
        }
        if (role.requireMfa() && !withMfa) {
            throw StsError.notAuthorized(caller.arn(), "AssumeRole", roleArn);
        }
        boolean chained = caller.temporary();
        int seconds;
        if (chained) {
            if (requested != null && requested > 3600) {
                throw StsError.validation("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                        + "assumed by role chaining.");
            }
            seconds = requested == null ? 3600 : requested;
        } else {
            if (requested != null && requested > role.maxSessionDurationSeconds()) {
                throw StsError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }
            seconds = requested == null ? 3600 : requested;
        }
        Principal session = Principal.roleSession(role, sessionName, withMfa, chained, attributes);
        IssuedCredentials creds = issue(session, scaled(seconds), null);
        LOG.debug("AssumeRole {} by {} ({} s{}{})", roleArn, caller.arn(), seconds, withMfa ? ", MFA" : "",
                chained ? ", chained" : "");
        return "<AssumeRoleResult>" + assumedRoleUserXml(session) + credentialsXml(creds)
                + (attributes.sourceIdentity() == null ? ""
                        : "<SourceIdentity>" + Xml.escape(attributes.sourceIdentity()) + "</SourceIdentity>")
                + "</AssumeRoleResult>";
    }

    String assumeRoleWithSaml(Map<String, String> params) {
        String roleArn = roleArn(params);
        String providerArn = required(params, "PrincipalArn", "principalArn");
        constraint(providerArn.length() >= 20, providerArn, "principalArn", "Member must have length greater than or equal to 20");
        String assertionText = required(params, "SAMLAssertion", "sAMLAssertion");
        constraint(assertionText.length() >= 4, "***", "sAMLAssertion", "Member must have length greater than or equal to 4");
        constraint(assertionText.length() <= 100000, "***", "sAMLAssertion", "Member must have length less than or equal to 100000");
        Integer requested = params.containsKey("DurationSeconds") ? durationSeconds(params, 43200, 3600) : null;

        SandboxModel.SamlProvider provider = model.samlProvider(providerArn)
                .orElseThrow(() -> StsError.sender(400, "InvalidIdentityToken", "Specified provider doesn't exist"));
        Instant now = clock.instant();
        SamlAssertion assertion = SamlAssertion.read(assertionText, provider, now);
        SandboxModel.Role role = model.role(roleArn).orElse(null);
        if (role == null || !role.trustedPrincipals().contains(providerArn) || !assertion.pairs(roleArn, providerArn)) {
            throw StsError.accessDenied("Not authorized to perform sts:AssumeRoleWithSAML");
        }
        int seconds = requested != null ? requested
                : assertion.sessionDuration() != null ? assertion.sessionDuration() : 3600;
        if (requested == null && assertion.sessionDuration() != null && (seconds < 900 || seconds > 43200)) {
            throw StsError.sender(400, "InvalidIdentityToken", "Invalid SAML response: SessionDuration must be 900 to 43200");
        }
        if (seconds > role.maxSessionDurationSeconds()) {
            throw StsError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        Principal session = Principal.roleSession(role, assertion.roleSessionName(), false, false);
        IssuedCredentials creds = issue(session, scaled(seconds), assertion.sessionNotOnOrAfter());
        LOG.debug("AssumeRoleWithSAML {} through {} ({} s)", roleArn, providerArn, seconds);
        return "<AssumeRoleWithSAMLResult>"
                + "<Audience>" + Xml.escape(assertion.audience()) + "</Audience>"
                + assumedRoleUserXml(session) + credentialsXml(creds)
                + "<Issuer>" + Xml.escape(assertion.issuer()) + "</Issuer>"
                + "<NameQualifier>" + Xml.escape(assertion.nameQualifier(providerArn)) + "</NameQualifier>"
                + "<Subject>" + Xml.escape(assertion.subject()) + "</Subject>"
                + "<SubjectType>" + Xml.escape(assertion.subjectType()) + "</SubjectType>"
                + "</AssumeRoleWithSAMLResult>";
    }

    /**
     * What the sandbox remembers of an issued session, as JSON without any secret: its ARN, kind, expiry, whether it
     * was role chaining, and its source identity, tags and session policies; empty for an unknown key.
     */
    Optional<String> sessionJson(String accessKeyId) {
        IssuedCredentials c = issued.get(accessKeyId);
        if (c == null) {
            return Optional.empty();
        }
        com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
        node.put("accessKeyId", c.accessKeyId()).put("arn", c.principal().arn())
                .put("kind", c.principal().kind().name()).put("expiration", c.expiration().toString())
                .put("chained", c.principal().chained()).put("mfa", c.principal().mfa());
        if (c.principal().role() != null) {
            node.put("roleArn", c.principal().role().arn());
        }
        c.principal().attributes().writeTo(node);
        return Optional.of(node.toString());
    }

    /**
     * AssumeRoleWithWebIdentity: unsigned; the token is the proof (see {@link WebIdentityToken}); the role must trust
     * the token's provider and, with {@code webIdentitySubjects}, its subject.
     */
    String assumeRoleWithWebIdentity(Map<String, String> params) {
        String roleArn = roleArn(params);
        String sessionName = roleSessionName(params);
        String token = required(params, "WebIdentityToken", "webIdentityToken");
        // The token is a secret: never quoted back.
        constraint(token.length() >= 4, "***", "webIdentityToken", "Member must have length greater than or equal to 4");
        constraint(token.length() <= 20000, "***", "webIdentityToken", "Member must have length less than or equal to 20000");
        Integer requested = params.containsKey("DurationSeconds") ? durationSeconds(params, 43200, 3600) : null;
        Map<String, String> policies = new HashMap<>(params);
        policies.keySet().removeIf(k -> k.startsWith("Tags.") || k.startsWith("TransitiveTagKeys.") || k.equals("SourceIdentity"));
        SessionAttributes requestedAttributes = SessionAttributes.of(policies, SessionAttributes.NONE);

        WebIdentityToken identity = WebIdentityToken.verify(token, model, clock.instant());
        SandboxModel.Role role = model.role(roleArn).orElse(null);
        if (role == null || !role.trustedPrincipals().contains(identity.provider().arn()) || revoked.contains(roleArn)
                || !OidcProviders.subjectAllowed(role, identity.subject())) {
            throw StsError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        int seconds = requested == null ? 3600 : requested;
        if (seconds > role.maxSessionDurationSeconds()) {
            throw StsError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        SessionAttributes attributes = new SessionAttributes(identity.sourceIdentity(), Map.of(), java.util.Set.of(),
                requestedAttributes.policyArns(), requestedAttributes.policy());
        Principal session = Principal.roleSession(role, sessionName, false, false, attributes);
        IssuedCredentials creds = issue(session, scaled(seconds), null);
        String provider = identity.provider().issuer().substring("https://".length());
        LOG.debug("AssumeRoleWithWebIdentity {} through {} ({} s)", roleArn, identity.provider().arn(), seconds);
        return "<AssumeRoleWithWebIdentityResult>"
                + "<SubjectFromWebIdentityToken>" + Xml.escape(identity.subject()) + "</SubjectFromWebIdentityToken>"
                + "<Audience>" + Xml.escape(identity.audience()) + "</Audience>"
                + assumedRoleUserXml(session) + credentialsXml(creds)
                + "<Provider>" + Xml.escape(provider) + "</Provider>"
                + (identity.sourceIdentity() == null ? ""
                        : "<SourceIdentity>" + Xml.escape(identity.sourceIdentity()) + "</SourceIdentity>")
                + "</AssumeRoleWithWebIdentityResult>";
    }

    /** Credentials of the EC2 instance role, as the metadata service hands them out: six hours (scaled). */
    IssuedCredentials instanceRoleCredentials(SandboxModel.Role role) {
        return issue(Principal.roleSession(role, "i-0sandbox00000000", false, false), scaled(21600), null);
    }

    String getCallerIdentity(Principal caller) {
        return "<GetCallerIdentityResult><Arn>" + Xml.escape(caller.arn()) + "</Arn><UserId>"
                + Xml.escape(caller.userId()) + "</UserId><Account>" + caller.account()
                + "</Account></GetCallerIdentityResult>";
    }

    /** {@code getSigninToken}: the JSON answer for valid role-session credentials. */
    String signinToken(Map<String, String> params) {
        String session = params.get("Session");
        if (session == null) {
            throw federationError("MissingParameter", "Session is required");
        }
        JsonNode json;
        try {
            json = JSON.readTree(session);
        } catch (JsonProcessingException e) {
            throw federationError("InvalidSession", "Session is not JSON");
        }
        if (json == null || !json.isObject() || !json.path("sessionId").isTextual() || !json.path("sessionKey").isTextual()
                || !json.path("sessionToken").isTextual()) {
            throw federationError("InvalidSession", "Session needs sessionId, sessionKey and sessionToken");
        }
        IssuedCredentials creds = issued.get(json.get("sessionId").asText());
        if (creds == null || !constantTimeEquals(creds.secretAccessKey(), json.get("sessionKey").asText())
                || !constantTimeEquals(creds.sessionToken(), json.get("sessionToken").asText())) {
            throw federationError("InvalidSession", "The session credentials are not valid temporary credentials");
        }
        Instant now = clock.instant();
        if (!now.isBefore(creds.expiration())) {
            throw federationError("ExpiredToken", "The session credentials have expired");
        }
        if (creds.principal().kind() != Principal.Kind.ROLE_SESSION) {
            throw federationError("InvalidSession", "Only role session credentials can sign in to the console");
        }
        int seconds = 43200;
        String duration = params.get("SessionDuration");
        if (duration != null) {
            try {
                seconds = Integer.parseInt(duration);
            } catch (NumberFormatException e) {
                throw federationError("InvalidSessionDuration", "SessionDuration must be a whole number of seconds");
            }
            if (seconds < 900 || seconds > 43200) {
                throw federationError("InvalidSessionDuration", "SessionDuration must be 900 to 43200");
            }
            if (creds.principal().chained() && seconds > 3600) {
                throw federationError("InvalidSessionDuration",
                        "SessionDuration cannot exceed 3600 for credentials obtained by role chaining");
            }
        } else if (creds.principal().chained()) {
            seconds = 3600;
        }
        String token = randomToken(96);
        signinTokens.put(token, new SigninGrant(creds.principal(), now.plus(scaled((int) SIGNIN_TOKEN_LIFETIME.toSeconds())),
                now.plus(scaled(seconds))));
        return "{\"SigninToken\":\"" + token + "\"}";
    }

    /** {@code login}: a small page naming the role session, for a valid sign-in token. */
    String login(Map<String, String> params) {
        String token = params.get("SigninToken");
        SigninGrant grant = token == null ? null : signinTokens.get(token);
        if (grant == null) {
            throw federationError("InvalidSigninToken", "The sign-in token is not valid");
        }
        if (!clock.instant().isBefore(grant.tokenExpires())) {
            signinTokens.remove(token);
            throw federationError("InvalidSigninToken", "The sign-in token has expired");
        }
        String destination = params.getOrDefault("Destination", "https://console.aws.amazon.com/");
        return "<!DOCTYPE html>\n<html><head><title>AWS console (sandbox)</title></head><body>\n"
                + "<h1>Signed in (sandbox)</h1>\n<p id=\"principal\">" + Xml.escape(grant.principal().arn()) + "</p>\n"
                + "<p id=\"account\">" + grant.principal().account() + "</p>\n"
                + "<p id=\"destination\">" + Xml.escape(destination) + "</p>\n"
                + "<p id=\"session-expires\">" + grant.consoleExpires().truncatedTo(ChronoUnit.SECONDS) + "</p>\n"
                + "</body></html>\n";
    }

    String totp(String mfaSerial, Instant at) {
        SandboxModel.User user = model.userByMfaSerial(mfaSerial)
                .orElseThrow(() -> new IllegalArgumentException("no MFA device " + mfaSerial + " in the model"));
        return Totp.code(user.totpSecret(), at);
    }

    private void checkMfa(Principal caller, Mfa mfa) {
        SandboxModel.User user = caller.user();
        if (user == null || user.mfaSerial() == null || !user.mfaSerial().equals(mfa.serial())) {
            throw StsError.accessDenied(StsError.MFA_UNKNOWN_DEVICE);
        }
        byte[] seed = Totp.decodeBase32(user.totpSecret());
        long now = Totp.step(clock.instant());
        synchronized (spentSteps) {
            TreeSet<Long> spent = spentSteps.computeIfAbsent(user.mfaSerial(), k -> new TreeSet<>());
            spent.headSet(now - 2).clear();
            for (long step = now - 1; step <= now + 1; step++) {
                boolean match = constantTimeEquals(Totp.codeAtStep(seed, step), mfa.code());
                if (match && spent.add(step)) {
                    return;
                }
            }
        }
        throw StsError.accessDenied(StsError.MFA_INVALID);
    }

    private Mfa mfaParams(Map<String, String> params) {
        String serial = params.get("SerialNumber");
        String code = params.get("TokenCode");
        if (serial != null) {
            constraint(serial.length() >= 9, serial, "serialNumber", "Member must have length greater than or equal to 9");
            constraint(serial.length() <= 256, serial, "serialNumber", "Member must have length less than or equal to 256");
            constraint(SERIAL_NUMBER.matcher(serial).matches(), serial, "serialNumber",
                    "Member must satisfy regular expression pattern: [\\w+=/:,.@-]*");
        }
        if (code != null) {
            // The code is a secret: it is not quoted back.
            constraint(code.length() == 6, "******", "tokenCode", code.length() < 6
                    ? "Member must have length greater than or equal to 6" : "Member must have length less than or equal to 6");
            constraint(TOKEN_CODE.matcher(code).matches(), "******", "tokenCode",
                    "Member must satisfy regular expression pattern: [\\d]*");
        }
        if (serial == null && code == null) {
            return null;
        }
        if (serial == null || code == null) {
            throw StsError.accessDenied("MultiFactorAuthentication failed: SerialNumber and TokenCode go together.");
        }
        return new Mfa(serial, code);
    }

    private int durationSeconds(Map<String, String> params, int max, int dflt) {
        String text = params.get("DurationSeconds");
        if (text == null) {
            return dflt;
        }
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw StsError.sender(400, "MalformedInput", "Invalid value for parameter DurationSeconds: must be an integer");
        }
        constraint(value >= 900, text, "durationSeconds", "Member must have value greater than or equal to 900");
        constraint(value <= max, text, "durationSeconds", "Member must have value less than or equal to " + max);
        return value;
    }

    private static String roleArn(Map<String, String> params) {
        String arn = required(params, "RoleArn", "roleArn");
        constraint(arn.length() >= 20, arn, "roleArn", "Member must have length greater than or equal to 20");
        constraint(arn.length() <= 2048, arn, "roleArn", "Member must have length less than or equal to 2048");
        if (!SandboxModel.ROLE_ARN.matcher(arn).matches()) {
            throw StsError.validation(arn + " is invalid");
        }
        return arn;
    }

    private static String roleSessionName(Map<String, String> params) {
        String sessionName = required(params, "RoleSessionName", "roleSessionName");
        constraint(sessionName.length() >= 2, sessionName, "roleSessionName", "Member must have length greater than or equal to 2");
        constraint(sessionName.length() <= 64, sessionName, "roleSessionName", "Member must have length less than or equal to 64");
        constraint(SESSION_NAME.matcher(sessionName).matches(), sessionName, "roleSessionName",
                "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        return sessionName;
    }

    private static String required(Map<String, String> params, String name, String member) {
        String value = params.get(name);
        if (value == null) {
            throw StsError.validation("1 validation error detected: Value null at '" + member
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    /** AWS's ValidationError for a member that breaks a constraint, quoting at most 100 characters of the value. */
    static void constraint(boolean ok, String shownValue, String member, String constraint) {
        if (!ok) {
            String shown = shownValue.length() > 100 ? shownValue.substring(0, 100) + "..." : shownValue;
            throw StsError.validation("1 validation error detected: Value '" + shown + "' at '" + member
                    + "' failed to satisfy constraint: " + constraint);
        }
    }

    /**
     * Role credentials for an Identity Center user's permission set in an account (the portal's
     * GetRoleCredentials): a session of the role {@code AWSReservedSSO_<PermissionSet>_<suffix>} (under the
     * path {@code aws-reserved/sso.amazonaws.com/}) named after the user, valid here like any role session,
     * for one hour (scaled).
     */
    IssuedCredentials issueIdentityCenterSession(String accountId, String permissionSet, String user) {
        String suffix;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((accountId + "/" + permissionSet).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            suffix = java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        SandboxModel.Role role = new SandboxModel.Role("arn:aws:iam::" + accountId
                + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_" + permissionSet + "_" + suffix,
                java.util.List.of(), false, null, 3600);
        return issue(Principal.roleSession(role, user, false, false), scaled(3600), null);
    }

    Duration scaled(int seconds) {
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000.0 * durationScale)));
    }

    private IssuedCredentials issue(Principal principal, Duration lifetime, Instant notAfter) {
        Instant expiration = clock.instant().plus(lifetime);
        if (notAfter != null && notAfter.isBefore(expiration)) {
            expiration = notAfter;
        }
        // STS reports whole seconds; the credentials really end at the reported instant.
        expiration = expiration.truncatedTo(ChronoUnit.SECONDS);
        StringBuilder keyId = new StringBuilder("ASIA");
        for (int i = 0; i < 16; i++) {
            keyId.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
        }
        IssuedCredentials creds = new IssuedCredentials(keyId.toString(), randomToken(30),
                "FwoGZXIvYXdzE" + randomToken(180), principal, expiration);
        issued.put(creds.accessKeyId(), creds);
        if (issuedCount.incrementAndGet() % 4096 == 0) {
            forgetLongExpired();
        }
        return creds;
    }

    /** A long-running standalone sandbox would otherwise grow without bound; a day is plenty to answer ExpiredToken. */
    private void forgetLongExpired() {
        Instant horizon = clock.instant().minus(Duration.ofDays(1));
        issued.values().removeIf(c -> c.expiration().isBefore(horizon));
        signinTokens.values().removeIf(g -> g.tokenExpires().isBefore(horizon));
    }

    private String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw).replace('/', 'x').replace('+', 'z');
    }

    private static String credentialsXml(IssuedCredentials c) {
        return "<Credentials><AccessKeyId>" + c.accessKeyId() + "</AccessKeyId><SecretAccessKey>" + c.secretAccessKey()
                + "</SecretAccessKey><SessionToken>" + c.sessionToken() + "</SessionToken><Expiration>"
                + c.expiration() + "</Expiration></Credentials>";
    }

    private static String assumedRoleUserXml(Principal session) {
        return "<AssumedRoleUser><AssumedRoleId>" + Xml.escape(session.assumedRoleId()) + "</AssumedRoleId><Arn>"
                + Xml.escape(session.arn()) + "</Arn></AssumedRoleUser>";
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static StsError federationError(String code, String message) {
        return StsError.sender(400, code, message);
    }

    private record Mfa(String serial, String code) {
        @Override
        public String toString() {
            return "Mfa[serial=" + serial + "]";
        }
    }

    private record SigninGrant(Principal principal, Instant tokenExpires, Instant consoleExpires) {
    }
}
