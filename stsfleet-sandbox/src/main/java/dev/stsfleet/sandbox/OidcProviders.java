package dev.stsfleet.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The model's OIDC providers: reading and checking them, and the trust of a role for a web identity. */
final class OidcProviders {
    private OidcProviders() {
    }

    static void validate(List<SandboxModel.OidcProvider> providers, List<SandboxModel.Role> roles) {
        Set<String> arns = new HashSet<>();
        Set<String> issuers = new HashSet<>();
        for (int i = 0; i < providers.size(); i++) {
            SandboxModel.OidcProvider p = providers.get(i);
            String path = "oidcProviders[" + i + "]";
            SandboxModel.requireField(p != null, path, "must not be null");
            SandboxModel.requireField(p.arn() != null && SandboxModel.OIDC_PROVIDER_ARN.matcher(p.arn()).matches(),
                    path + ".arn", "not an OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/HOST[/PATH])");
            SandboxModel.requireField(arns.add(p.arn()), path + ".arn", "duplicate");
            SandboxModel.requireField(p.issuer() != null && p.issuer().startsWith("https://"), path + ".issuer",
                    "must be an https:// URL");
            String host = SandboxModel.OIDC_PROVIDER_ARN.matcher(p.arn()).replaceFirst("$2");
            SandboxModel.requireField(p.issuer().equals("https://" + host), path + ".issuer",
                    "must be https:// followed by what the ARN names after oidc-provider/ (" + host + ")");
            SandboxModel.requireField(issuers.add(p.issuer()), path + ".issuer", "duplicate");
            SandboxModel.requireField(!p.audiences().isEmpty(), path + ".audiences", "must name at least one audience");
            SandboxModel.requireField(p.publicKeyPem() != null, path + ".publicKeyPem", "missing");
            try {
                publicKey(p.publicKeyPem());
            } catch (RuntimeException e) {
                throw new SandboxModelException("model: " + path + ".publicKeyPem: not a PEM RSA public key");
            }
        }
        for (int i = 0; i < roles.size(); i++) {
            List<String> subjects = roles.get(i).webIdentitySubjects();
            if (subjects != null) {
                SandboxModel.requireField(!subjects.isEmpty(), "roles[" + i + "].webIdentitySubjects",
                        "must name at least one subject (or be left out)");
            }
        }
    }

    /** A list of strings of a model node, or {@code null} when the field is absent. */
    static List<String> strings(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new SandboxModelException("model: " + path + "." + field + ": must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw new SandboxModelException("model: " + path + "." + field + "[" + i + "]: must be a string");
            }
            out.add(value.get(i).asText());
        }
        return out;
    }

    static RSAPublicKey publicKey(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("not a PEM RSA public key", e);
        }
    }

    /** Whether {@code subject} matches one of the role's patterns ({@code *}: any run of characters); no patterns: any. */
    static boolean subjectAllowed(SandboxModel.Role role, String subject) {
        if (role.webIdentitySubjects() == null) {
            return true;
        }
        for (String pattern : role.webIdentitySubjects()) {
            StringBuilder regex = new StringBuilder();
            for (String part : pattern.split("\\*", -1)) {
                if (!regex.isEmpty()) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(part));
            }
            if (subject.matches(regex.toString())) {
                return true;
            }
        }
        return false;
    }
}
