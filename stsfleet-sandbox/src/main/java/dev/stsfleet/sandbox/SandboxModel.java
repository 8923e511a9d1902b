package dev.stsfleet.sandbox;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The IAM world a sandbox serves: users with access keys and virtual MFA devices, roles with a trust
 * (principals, MFA, external id) and a maximum session duration, and SAML providers. Immutable and
 * thread-safe; validated when built, so a sandbox never starts on a model it would misread.
 *
 * <p>JSON field names are fixed ({@code users}, {@code roles}, {@code samlProviders}; see MODEL.md)
 * because outside tools read them.
 */
public final class SandboxModel {
    static final Pattern USER_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):user/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");
    static final Pattern ROOT_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):root");
    static final Pattern MFA_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):mfa/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    static final Pattern SAML_PROVIDER_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):saml-provider/[\\w.-]{1,128}");
    static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    static final Pattern OIDC_PROVIDER_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):oidc-provider/([A-Za-z0-9.-]+(?::\\d+)?(?:/[\\w.~-]+)*)");
    static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern LONG_TERM_KEY_ID = Pattern.compile("AKIA[A-Z0-9]{12,124}");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final List<User> users;
    private final List<Role> roles;
    private final List<SamlProvider> samlProviders;
    private final List<OidcProvider> oidcProviders;
    private final IdentityCenter identityCenter;
    static final Pattern SSO_USER = Pattern.compile("[\\w+=,.@-]{2,64}");
    static final Pattern PERMISSION_SET = Pattern.compile("[\\w+=,.@-]{1,32}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

    private SandboxModel(List<User> users, List<Role> roles, List<SamlProvider> samlProviders,
                         List<OidcProvider> oidcProviders, IdentityCenter identityCenter) {
        this.users = List.copyOf(users);
        this.roles = List.copyOf(roles);
        this.samlProviders = List.copyOf(samlProviders);
        this.oidcProviders = List.copyOf(oidcProviders);
        this.identityCenter = identityCenter;
        validate();
        OidcProviders.validate(this.oidcProviders, this.roles);
        if (identityCenter != null) {
            validateIdentityCenter(identityCenter);
        }
    }

    /**
     * The built-in model: user alice in 111111111111 with a virtual MFA device; roles Deploy
     * (222222222222, MFA), ReadOnly (333333333333, MFA), Audit (444444444444, external id, no MFA, also
     * trusting Deploy for role chaining) and SamlAdmin (111111111111, trusting the SAML provider
     * TestIdP, which checks structure only); an Identity Center instance (start URL
     * {@code https://sandbox.awsapps.com/start}, us-east-1) where alice has AdministratorAccess and ReadOnlyAccess
     * in 222222222222 (deploy) and ReadOnlyAccess in 333333333333 (readonly), and bob ReadOnlyAccess in 333333333333.
     */
    public static SandboxModel demo() {
        String root = "arn:aws:iam::111111111111:root";
        return builder()
                .user(new User("arn:aws:iam::111111111111:user/alice", "AKIASANDBOXALICE0001",
                        "sandboxAliceSecretKey/doNotUseInAws+0001", "arn:aws:iam::111111111111:mfa/alice",
                        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
                .role(new Role("arn:aws:iam::222222222222:role/Deploy", List.of(root), true, null, 43200))
                .role(new Role("arn:aws:iam::333333333333:role/ReadOnly", List.of(root), true, null, 3600))
                .role(new Role("arn:aws:iam::444444444444:role/Audit",
                        List.of(root, "arn:aws:iam::222222222222:role/Deploy"), false, "audit-external-id", 3600))
                .role(new Role("arn:aws:iam::111111111111:role/SamlAdmin",
                        List.of("arn:aws:iam::111111111111:saml-provider/TestIdP"), false, null, 3600))
                .samlProvider(new SamlProvider("arn:aws:iam::111111111111:saml-provider/TestIdP", null))
                .identityCenter(new IdentityCenter("https://sandbox.awsapps.com/start", "us-east-1",
                        List.of(new SsoUser("alice"), new SsoUser("bob")),
                        List.of(new SsoAccount("222222222222", "deploy", "deploy@example.com"),
                                new SsoAccount("333333333333", "readonly", "readonly@example.com")),
                        List.of(new SsoAssignment("alice", "222222222222", "AdministratorAccess"),
                                new SsoAssignment("alice", "222222222222", "ReadOnlyAccess"),
                                new SsoAssignment("alice", "333333333333", "ReadOnlyAccess"),
                                new SsoAssignment("bob", "333333333333", "ReadOnlyAccess"))))
                .build();
    }

    /** Reads and validates a model file. @throws SandboxModelException naming the field and the problem */
    public static SandboxModel load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SandboxModelException("model: cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        return parse(text);
    }

    /** Parses and validates model JSON. @throws SandboxModelException naming the field and the problem */
    public static SandboxModel parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the offending token, which could be a secret: give the place only.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "duplicate field" : "not valid JSON";
            throw new SandboxModelException("model: " + what + where, e);
        }
        if (root == null || !root.isObject()) {
            throw new SandboxModelException("model: must be a JSON object with users, roles and samlProviders");
        }
        onlyFields(root, "", Set.of("users", "roles", "samlProviders", "oidcProviders", "identityCenter"));
        Builder builder = builder();
        list(root, "users", (node, path) -> {
            onlyFields(node, path, Set.of("arn", "accessKeyId", "secretAccessKey", "mfaSerial", "totpSecret"));
            return new User(text(node, path, "arn"), text(node, path, "accessKeyId"),
                    text(node, path, "secretAccessKey"), text(node, path, "mfaSerial"), text(node, path, "totpSecret"));
        }).forEach(builder::user);
        list(root, "roles", (node, path) -> {
            onlyFields(node, path, Set.of("arn", "trustedPrincipals", "requireMfa", "externalId",
                    "maxSessionDurationSeconds", "webIdentitySubjects"));
            List<String> principals = new ArrayList<>();
            JsonNode trusted = node.get("trustedPrincipals");
            if (trusted != null && !trusted.isNull()) {
                if (!trusted.isArray()) {
                    throw new SandboxModelException("model: " + path + ".trustedPrincipals: must be a list of ARNs");
                }
                for (int i = 0; i < trusted.size(); i++) {
                    if (!trusted.get(i).isTextual()) {
                        throw new SandboxModelException("model: " + path + ".trustedPrincipals[" + i + "]: must be a string");
                    }
                    principals.add(trusted.get(i).asText());
                }
            }
            JsonNode mfa = node.get("requireMfa");
            if (mfa != null && !mfa.isNull() && !mfa.isBoolean()) {
                throw new SandboxModelException("model: " + path + ".requireMfa: must be true or false");
            }
            JsonNode max = node.get("maxSessionDurationSeconds");
            int maxSeconds = 3600;
            if (max != null && !max.isNull()) {
                if (!max.isInt()) {
                    throw new SandboxModelException("model: " + path + ".maxSessionDurationSeconds: must be a whole number of seconds");
                }
                maxSeconds = max.intValue();
            }
            return new Role(text(node, path, "arn"), principals, mfa != null && mfa.asBoolean(),
                    text(node, path, "externalId"), maxSeconds, OidcProviders.strings(node, path, "webIdentitySubjects"));
        }).forEach(builder::role);
        list(root, "samlProviders", (node, path) -> {
            onlyFields(node, path, Set.of("arn", "certificatePem"));
            return new SamlProvider(text(node, path, "arn"), text(node, path, "certificatePem"));
        }).forEach(builder::samlProvider);
        list(root, "oidcProviders", (node, path) -> {
            onlyFields(node, path, Set.of("arn", "issuer", "audiences", "publicKeyPem"));
            return new OidcProvider(text(node, path, "arn"), text(node, path, "issuer"),
                    OidcProviders.strings(node, path, "audiences"), text(node, path, "publicKeyPem"));
        }).forEach(builder::oidcProvider);
        JsonNode ic = root.get("identityCenter");
        if (ic != null && !ic.isNull()) {
            if (!ic.isObject()) {
                throw new SandboxModelException("model: identityCenter: must be an object");
            }
            onlyFields(ic, "identityCenter", Set.of("startUrl", "region", "users", "accounts", "assignments"));
            List<SsoUser> ssoUsers = list(ic, "users", (node, path) -> {
                onlyFields(node, "identityCenter." + path, Set.of("name"));
                return new SsoUser(text(node, "identityCenter." + path, "name"));
            });
            List<SsoAccount> accounts = list(ic, "accounts", (node, path) -> {
                onlyFields(node, "identityCenter." + path, Set.of("accountId", "accountName", "emailAddress"));
                return new SsoAccount(text(node, "identityCenter." + path, "accountId"),
                        text(node, "identityCenter." + path, "accountName"),
                        text(node, "identityCenter." + path, "emailAddress"));
            });
            List<SsoAssignment> assignments = list(ic, "assignments", (node, path) -> {
                onlyFields(node, "identityCenter." + path, Set.of("user", "accountId", "permissionSet"));
                return new SsoAssignment(text(node, "identityCenter." + path, "user"),
                        text(node, "identityCenter." + path, "accountId"),
                        text(node, "identityCenter." + path, "permissionSet"));
            });
            builder.identityCenter(new IdentityCenter(text(ic, "identityCenter", "startUrl"),
                    text(ic, "identityCenter", "region"), ssoUsers, accounts, assignments));
        }
        return builder.build();
    }

    /** The model as JSON, in the format {@link #parse(String)} reads. It contains the users' secrets. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode userNodes = root.putArray("users");
        for (User u : users) {
            userNodes.addObject().put("arn", u.arn()).put("accessKeyId", u.accessKeyId())
                    .put("secretAccessKey", u.secretAccessKey()).put("mfaSerial", u.mfaSerial())
                    .put("totpSecret", u.totpSecret());
        }
        ArrayNode roleNodes = root.putArray("roles");
        for (Role r : roles) {
            ObjectNode node = roleNodes.addObject().put("arn", r.arn());
            r.trustedPrincipals().forEach(node.putArray("trustedPrincipals")::add);
            node.put("requireMfa", r.requireMfa()).put("externalId", r.externalId())
                    .put("maxSessionDurationSeconds", r.maxSessionDurationSeconds());
            if (r.webIdentitySubjects() != null) {
                r.webIdentitySubjects().forEach(node.putArray("webIdentitySubjects")::add);
            }
        }
        ArrayNode providerNodes = root.putArray("samlProviders");
        for (SamlProvider p : samlProviders) {
            providerNodes.addObject().put("arn", p.arn()).put("certificatePem", p.certificatePem());
        }
        if (!oidcProviders.isEmpty()) {
            ArrayNode oidcNodes = root.putArray("oidcProviders");
            for (OidcProvider p : oidcProviders) {
                ObjectNode node = oidcNodes.addObject().put("arn", p.arn()).put("issuer", p.issuer());
                p.audiences().forEach(node.putArray("audiences")::add);
                node.put("publicKeyPem", p.publicKeyPem());
            }
        }
        if (identityCenter != null) {
            ObjectNode ic = root.putObject("identityCenter").put("startUrl", identityCenter.startUrl())
                    .put("region", identityCenter.region());
            ArrayNode icUsers = ic.putArray("users");
            identityCenter.users().forEach(u -> icUsers.addObject().put("name", u.name()));
            ArrayNode icAccounts = ic.putArray("accounts");
            identityCenter.accounts().forEach(a -> icAccounts.addObject().put("accountId", a.accountId())
                    .put("accountName", a.accountName()).put("emailAddress", a.emailAddress()));
            ArrayNode icAssignments = ic.putArray("assignments");
            identityCenter.assignments().forEach(a -> icAssignments.addObject().put("user", a.user())
                    .put("accountId", a.accountId()).put("permissionSet", a.permissionSet()));
        }
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<User> users() {
        return users;
    }

    public List<Role> roles() {
        return roles;
    }

    public List<SamlProvider> samlProviders() {
        return samlProviders;
    }

    public List<OidcProvider> oidcProviders() {
        return oidcProviders;
    }

    /** The OIDC provider whose issuer is {@code issuer} (a token's {@code iss}), if any. */
    Optional<OidcProvider> oidcProviderByIssuer(String issuer) {
        return oidcProviders.stream().filter(p -> p.issuer().equals(issuer)).findFirst();
    }

    /** The IAM Identity Center instance, if the model has one. */
    public Optional<IdentityCenter> identityCenter() {
        return Optional.ofNullable(identityCenter);
    }

    public static Builder builder() {
        return new Builder();
    }

    Optional<User> userByAccessKeyId(String accessKeyId) {
        return users.stream().filter(u -> u.accessKeyId().equals(accessKeyId)).findFirst();
    }

    Optional<User> userByMfaSerial(String mfaSerial) {
        return users.stream().filter(u -> mfaSerial.equals(u.mfaSerial())).findFirst();
    }

    Optional<Role> role(String arn) {
        return roles.stream().filter(r -> r.arn().equals(arn)).findFirst();
    }

    Optional<SamlProvider> samlProvider(String arn) {
        return samlProviders.stream().filter(p -> p.arn().equals(arn)).findFirst();
    }

    @Override
    public String toString() {
        return "SandboxModel[" + users.size() + " users, " + roles.size() + " roles, "
                + samlProviders.size() + " SAML providers, " + oidcProviders.size() + " OIDC providers]";
    }

    private static void validateIdentityCenter(IdentityCenter ic) {
        String at = "identityCenter";
        require(ic.startUrl() != null, at + ".startUrl", "missing");
        require(ic.startUrl().matches("https?://[^\\s@/]+(/\\S*)?"), at + ".startUrl",
                "not an http(s) URL: " + quote(ic.startUrl()));
        require(ic.region() != null, at + ".region", "missing");
        require(REGION.matcher(ic.region()).matches(), at + ".region", "not a region name: " + quote(ic.region()));
        require(!ic.users().isEmpty(), at + ".users", "must name at least one user");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ic.users().size(); i++) {
            SsoUser u = ic.users().get(i);
            String path = at + ".users[" + i + "].name";
            requireMatch(u.name(), SSO_USER, path, "not a user name (2 to 64 of [A-Za-z0-9_+=,.@-])");
            requireUnique(seen, "user " + u.name(), path, u.name());
        }
        for (int i = 0; i < ic.accounts().size(); i++) {
            SsoAccount a = ic.accounts().get(i);
            String path = at + ".accounts[" + i + "]";
            requireMatch(a.accountId(), ACCOUNT_ID, path + ".accountId", "not a 12-digit account id");
            requireUnique(seen, "account " + a.accountId(), path + ".accountId", a.accountId());
            require(a.accountName() != null && !a.accountName().isBlank() && a.accountName().length() <= 50,
                    path + ".accountName", "missing, blank or longer than 50 characters");
        }
        for (int i = 0; i < ic.assignments().size(); i++) {
            SsoAssignment a = ic.assignments().get(i);
            String path = at + ".assignments[" + i + "]";
            require(a.user() != null && seen.contains("user " + a.user()), path + ".user",
                    "not a user of identityCenter.users: " + quote(a.user()));
            require(a.accountId() != null && seen.contains("account " + a.accountId()), path + ".accountId",
                    "not an account of identityCenter.accounts: " + quote(a.accountId()));
            requireMatch(a.permissionSet(), PERMISSION_SET, path + ".permissionSet",
                    "not a permission set name (1 to 32 of [A-Za-z0-9_+=,.@-])");
            require(seen.add("assignment " + a.user() + "/" + a.accountId() + "/" + a.permissionSet()), path,
                    "duplicate assignment");
        }
    }

    private void validate() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            User u = users.get(i);
            String path = "users[" + i + "]";
            require(u != null, path, "must not be null");
            requireMatch(u.arn(), USER_ARN, path + ".arn", "not a user ARN");
            requireUnique(seen, "user " + u.arn(), path + ".arn", u.arn());
            require(u.accessKeyId() != null, path + ".accessKeyId", "missing");
            require(LONG_TERM_KEY_ID.matcher(u.accessKeyId()).matches(), path + ".accessKeyId",
                    "not a long-term access key id (AKIA followed by 12 to 124 capital letters or digits)");
            require(seen.add("key " + u.accessKeyId()), path + ".accessKeyId", "used by another user");
            require(u.secretAccessKey() != null && !u.secretAccessKey().isBlank(), path + ".secretAccessKey", "missing");
            require(u.secretAccessKey().length() >= 16, path + ".secretAccessKey", "shorter than 16 characters");
            if (u.mfaSerial() != null) {
                requireMatch(u.mfaSerial(), MFA_ARN, path + ".mfaSerial", "not a virtual MFA device ARN");
                require(account(MFA_ARN, u.mfaSerial()).equals(account(USER_ARN, u.arn())), path + ".mfaSerial",
                        "not in the user's account");
                requireUnique(seen, "mfa " + u.mfaSerial(), path + ".mfaSerial", u.mfaSerial());
                require(u.totpSecret() != null, path + ".totpSecret", "missing (the device needs a base32 TOTP seed)");
                byte[] seed;
                try {
                    seed = Totp.decodeBase32(u.totpSecret());
                } catch (IllegalArgumentException e) {
                    throw new SandboxModelException("model: " + path + ".totpSecret: " + e.getMessage());
                }
                require(seed.length >= 10, path + ".totpSecret", "shorter than 80 bits");
            } else {
                require(u.totpSecret() == null, path + ".totpSecret", "set without an mfaSerial");
            }
        }
        for (int i = 0; i < roles.size(); i++) {
            Role r = roles.get(i);
            String path = "roles[" + i + "]";
            require(r != null, path, "must not be null");
            requireMatch(r.arn(), ROLE_ARN, path + ".arn", "not a role ARN");
            requireUnique(seen, "role " + r.arn(), path + ".arn", r.arn());
            require(!r.trustedPrincipals().isEmpty(), path + ".trustedPrincipals", "must name at least one principal");
            for (int j = 0; j < r.trustedPrincipals().size(); j++) {
                String p = r.trustedPrincipals().get(j);
                require(p != null && (ROOT_ARN.matcher(p).matches() || USER_ARN.matcher(p).matches()
                                || ROLE_ARN.matcher(p).matches() || SAML_PROVIDER_ARN.matcher(p).matches()
                                || OIDC_PROVIDER_ARN.matcher(p).matches()
                                || ACCOUNT_ID.matcher(p).matches()),
                        path + ".trustedPrincipals[" + j + "]",
                        "not an account id or an account root, user, role, SAML or OIDC provider ARN: " + quote(p));
            }
            if (r.externalId() != null) {
                requireMatch(r.externalId(), EXTERNAL_ID, path + ".externalId",
                        "not 2 to 1224 characters of [\\w+=,.@:/-]");
            }
            require(r.maxSessionDurationSeconds() >= 3600 && r.maxSessionDurationSeconds() <= 43200,
                    path + ".maxSessionDurationSeconds", "must be 3600 to 43200, not " + r.maxSessionDurationSeconds());
        }
        for (int i = 0; i < samlProviders.size(); i++) {
            SamlProvider p = samlProviders.get(i);
            String path = "samlProviders[" + i + "]";
            require(p != null, path, "must not be null");
            requireMatch(p.arn(), SAML_PROVIDER_ARN, path + ".arn", "not a SAML provider ARN");
            requireUnique(seen, "saml " + p.arn(), path + ".arn", p.arn());
            if (p.certificatePem() != null) {
                try {
                    p.certificate();
                } catch (CertificateException | RuntimeException e) {
                    throw new SandboxModelException("model: " + path + ".certificatePem: not a PEM X.509 certificate");
                }
            }
        }
    }

    static void requireField(boolean ok, String field, String problem) {
        require(ok, field, problem);
    }

    static String account(Pattern pattern, String arn) {
        var m = pattern.matcher(arn);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an ARN of the expected kind");
        }
        return m.group(1);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new SandboxModelException("model: " + field + ": " + problem);
        }
    }

    private static void requireMatch(String value, Pattern pattern, String field, String problem) {
        require(value != null, field, "missing");
        require(pattern.matcher(value).matches(), field, problem + ": " + quote(value));
    }

    private static void requireUnique(Set<String> seen, String key, String field, String value) {
        require(seen.add(key), field, "duplicate: " + quote(value));
    }

    private static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static void onlyFields(JsonNode node, String path, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new SandboxModelException("model: " + (path.isEmpty() ? "" : path + ".") + name
                        + ": unknown field (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new SandboxModelException("model: " + path + "." + field + ": must be a string");
        }
        return value.asText();
    }

    private interface NodeReader<T> {
        T read(JsonNode node, String path);
    }

    private static <T> List<T> list(JsonNode root, String field, NodeReader<T> reader) {
        JsonNode array = root.get(field);
        List<T> out = new ArrayList<>();
        if (array == null || array.isNull()) {
            return out;
        }
        if (!array.isArray()) {
            throw new SandboxModelException("model: " + field + ": must be a list");
        }
        for (int i = 0; i < array.size(); i++) {
            String path = field + "[" + i + "]";
            if (!array.get(i).isObject()) {
                throw new SandboxModelException("model: " + path + ": must be an object");
            }
            out.add(reader.read(array.get(i), path));
        }
        return out;
    }

    /** Builds a model; {@link #build()} validates it. Not thread-safe. */
    public static final class Builder {
        private final List<User> users = new ArrayList<>();
        private final List<Role> roles = new ArrayList<>();
        private final List<SamlProvider> samlProviders = new ArrayList<>();
        private final List<OidcProvider> oidcProviders = new ArrayList<>();
        private IdentityCenter identityCenter;

        private Builder() {
        }

        /** Adds an OIDC provider (AssumeRoleWithWebIdentity). Default: none. */
        public Builder oidcProvider(OidcProvider provider) {
            oidcProviders.add(provider);
            return this;
        }

        /** Sets the IAM Identity Center instance. Default: none. */
        public Builder identityCenter(IdentityCenter identityCenter) {
            this.identityCenter = identityCenter;
            return this;
        }

        /** Adds a user. Default: none. */
        public Builder user(User user) {
            users.add(user);
            return this;
        }

        /** Adds a role. Default: none. */
        public Builder role(Role role) {
            roles.add(role);
            return this;
        }

        /** Adds a SAML provider. Default: none. */
        public Builder samlProvider(SamlProvider provider) {
            samlProviders.add(provider);
            return this;
        }

        /** @throws SandboxModelException naming the field and the problem */
        public SandboxModel build() {
            return new SandboxModel(users, roles, samlProviders, oidcProviders, identityCenter);
        }
    }

    /**
     * An IAM user with one long-term access key and optionally one virtual MFA device.
     * {@link #toString()} hides the secret key and the TOTP seed.
     */
    public record User(String arn, String accessKeyId, String secretAccessKey, String mfaSerial, String totpSecret) {
        public String account() {
            return SandboxModel.account(USER_ARN, arn);
        }

        @Override
        public String toString() {
            String key = accessKeyId == null ? "null"
                    : accessKeyId.length() <= 4 ? "****" : "****" + accessKeyId.substring(accessKeyId.length() - 4);
            return "User[arn=" + arn + ", accessKeyId=" + key + ", mfaSerial=" + mfaSerial + "]";
        }
    }

    /**
     * A role and its trust: who may assume it ({@code trustedPrincipals}: account ids or root, user, role
     * or SAML provider ARNs), whether MFA is required, the external id required (or null) and the longest
     * session it allows (3600 to 43200 seconds).
     */
    public record Role(String arn, List<String> trustedPrincipals, boolean requireMfa, String externalId,
                       int maxSessionDurationSeconds, List<String> webIdentitySubjects) {
        public Role {
            trustedPrincipals = trustedPrincipals == null ? List.of()
                    : java.util.Collections.unmodifiableList(new ArrayList<>(trustedPrincipals));
            webIdentitySubjects = webIdentitySubjects == null ? null
                    : java.util.Collections.unmodifiableList(new ArrayList<>(webIdentitySubjects));
        }

        /** A role whose trust puts no condition on a web identity's subject. */
        public Role(String arn, List<String> trustedPrincipals, boolean requireMfa, String externalId,
                    int maxSessionDurationSeconds) {
            this(arn, trustedPrincipals, requireMfa, externalId, maxSessionDurationSeconds, null);
        }

        public String account() {
            return SandboxModel.account(ROLE_ARN, arn);
        }

        /** The role's name: the last part of its ARN's path. */
        public String name() {
            var m = ROLE_ARN.matcher(arn);
            if (!m.matches()) {
                throw new IllegalStateException("not a role ARN");
            }
            return m.group(2);
        }
    }

    /**
     * An OpenID Connect identity provider (AssumeRoleWithWebIdentity): its IAM ARN, the issuer its tokens name
     * ({@code iss}), the audiences (client ids) it accepts, and the RSA public key its tokens are signed with (RS256).
     */
    public record OidcProvider(String arn, String issuer, List<String> audiences, String publicKeyPem) {
        public OidcProvider {
            audiences = audiences == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(audiences));
        }
    }

    /**
     * An IAM Identity Center instance: its AWS access portal URL and home region, its users, the accounts it
     * gives access to and which user has which permission set in which account.
     */
    public record IdentityCenter(String startUrl, String region, List<SsoUser> users, List<SsoAccount> accounts,
                                 List<SsoAssignment> assignments) {
        public IdentityCenter {
            users = users == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(users));
            accounts = accounts == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(accounts));
            assignments = assignments == null ? List.of()
                    : java.util.Collections.unmodifiableList(new ArrayList<>(assignments));
        }
    }

    /** An Identity Center user; its name is the role session name of the credentials it gets. */
    public record SsoUser(String name) {
    }

    /** An account of the AWS access portal. */
    public record SsoAccount(String accountId, String accountName, String emailAddress) {
    }

    /** A permission set assigned to a user in an account. */
    public record SsoAssignment(String user, String accountId, String permissionSet) {
    }

    /** A SAML identity provider; with a certificate, assertions must be signed by its key. */
    public record SamlProvider(String arn, String certificatePem) {
        X509Certificate certificate() throws CertificateException {
            String body = certificatePem.contains("-----BEGIN")
                    ? certificatePem
                    : "-----BEGIN CERTIFICATE-----\n" + certificatePem + "\n-----END CERTIFICATE-----\n";
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
