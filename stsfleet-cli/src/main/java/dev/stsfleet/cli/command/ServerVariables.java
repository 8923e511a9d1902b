package dev.stsfleet.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stsfleet.server.ContainerCredentialsServer;
import java.io.PrintWriter;

/**
 * What {@code serve} and {@code sso serve} print on stdout once their server listens: per profile, the
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} a client sets.
 */
final class ServerVariables {
    /** The values of {@code --format}. */
    enum Format { text, env, json }

    private ServerVariables() {
    }

    /** The variables a client sets, per profile, in {@code format}. */
    static void print(ContainerCredentialsServer server, PrintWriter out, Format format) {
        String uriName = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
        String tokenName = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
        String token = server.authorizationToken();
        if (format == Format.json) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode();
            for (String p : server.profiles()) {
                root.putObject(p).put(uriName, server.uri(p).toString()).put(tokenName, token);
            }
            out.println(root.toPrettyString());
            return;
        }
        for (String p : server.profiles()) {
            out.println("# profile " + p);
            String q = format == Format.env ? "export " : "";
            String quote = format == Format.env ? "'" : "";
            out.println(q + uriName + "=" + quote + server.uri(p) + quote);
            out.println(q + tokenName + "=" + quote + token + quote);
        }
    }
}
