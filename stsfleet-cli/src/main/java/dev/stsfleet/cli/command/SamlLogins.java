package dev.stsfleet.cli.command;

import dev.stsfleet.RoleCredentials;
import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.CliContext;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.UsageException;
import dev.stsfleet.profile.SamlProfile;
import dev.stsfleet.provider.saml.IdpClient;
import dev.stsfleet.provider.saml.SamlProfileRunner;
import dev.stsfleet.provider.saml.SamlSessionProvider;
import dev.stsfleet.sts.StsGateway;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IdP logins of the SAML-backed profiles a {@code generate} run selected: one {@link SamlSessionProvider} per
 * distinct {@link SamlProfile.Idp}, so profiles sharing a login share one assertion. Passwords are read here,
 * before any call (stdin or a no-echo prompt per login), and zeroed once the IdP client holds its copy.
 * Closing closes every provider (zeroing the passwords) and the STS gateway. Not thread-safe.
 */
final class SamlLogins implements AutoCloseable {
    private final Map<SamlProfile.Idp, SamlSessionProvider> providers;
    private final StsGateway gateway;
    private final int concurrency;
    private final StsFleet fleet;

    private SamlLogins(Map<SamlProfile.Idp, SamlSessionProvider> providers, StsGateway gateway, int concurrency,
                       StsFleet fleet) {
        this.providers = providers;
        this.gateway = gateway;
        this.concurrency = concurrency;
        this.fleet = fleet;
    }

    /**
     * Reads the password of every distinct login and prepares its provider; makes no call.
     *
     * @throws UsageException {@code --password-stdin} with more than one login, or no terminal to prompt on
     */
    static SamlLogins open(List<SamlProfile> profiles, boolean passwordStdin, CliContext context, Output output,
                           StsFleet fleet) {
        int concurrency = fleet.concurrency();
        Set<SamlProfile.Idp> idps = new LinkedHashSet<>();
        profiles.forEach(p -> idps.add(p.idp()));
        if (passwordStdin && idps.size() > 1) {
            throw new UsageException("--password-stdin reads one password, but the selected SAML-backed profiles use "
                    + idps.size() + " IdP logins (URL and user); select one login's profiles, or answer the prompts");
        }
        Map<SamlProfile.Idp, IdpClient.Builder> builders = new LinkedHashMap<>();
        for (SamlProfile.Idp idp : idps) {
            IdpClient.Builder b = IdpClient.builder().url(URI.create(idp.url()))
                    .login(IdpClient.Login.named(idp.login()))
                    .username(idp.user());
            try {
                b.headers(idp.headers());
            } catch (IllegalArgumentException e) {
                throw new UsageException("x_stsfleet_saml_header_*: " + e.getMessage());
            }
            if (idp.caFile() != null) {
                b.sslContext(PemTrust.sslContext(Path.of(idp.caFile())));
            }
            if (!idp.verifyTls()) {
                output.warn("TLS verification of the IdP " + idp.url() + " is OFF (x_stsfleet_saml_verify_tls = false): "
                        + "use this only with a test IdP");
                b.verifyTls(false);
            }
            builders.put(idp, b);
        }
        Map<SamlProfile.Idp, SamlSessionProvider> providers = new LinkedHashMap<>();
        // Building the gateway makes no call; AssumeRoleWithSAML is unsigned, so it needs no credentials.
        StsGateway gateway = StsGateway.builder().region(fleet.region()).endpoint(fleet.endpoint().orElse(null))
                .maxConnections(concurrency).throttleControl(fleet.throttleControl()).callLimits(fleet.callLimits())
                .clock(context.clock()).build();
        try {
            for (Map.Entry<SamlProfile.Idp, IdpClient.Builder> e : builders.entrySet()) {
                char[] password = IdpPassword.read(context, passwordStdin,
                        "IdP password for " + e.getKey().user() + " at " + e.getKey().url() + ": ");
                IdpClient client;
                try {
                    client = e.getValue().password(password).build();
                } finally {
                    Arrays.fill(password, '\0');
                }
                providers.put(e.getKey(), SamlSessionProvider.builder().idp(client).gateway(gateway)
                        .clock(context.clock()).build());
            }
            return new SamlLogins(providers, gateway, concurrency, fleet);
        } catch (RuntimeException ex) {
            providers.values().forEach(SamlSessionProvider::close);
            gateway.close();
            throw ex;
        }
    }

    /** The credentials of one SAML-backed profile, through its login's provider (one IdP login per login). */
    RoleCredentials assume(SamlProfile profile) {
        SamlSessionProvider provider = providers.get(profile.idp());
        if (provider == null) {
            throw new IllegalArgumentException("profile " + profile.name() + ": no IdP login was prepared for it");
        }
        return SamlProfileRunner.assume(provider, profile);
    }

    @Override
    public void close() {
        providers.values().forEach(SamlSessionProvider::close);
        gateway.close();
    }
}
