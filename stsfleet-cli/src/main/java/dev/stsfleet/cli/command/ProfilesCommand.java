package dev.stsfleet.cli.command;

import dev.stsfleet.StsFleet;
import dev.stsfleet.cli.ExitCode;
import dev.stsfleet.cli.FleetFactory;
import dev.stsfleet.cli.Output;
import dev.stsfleet.cli.CommandContext;
import dev.stsfleet.format.ProfilesJsonRenderer;
import dev.stsfleet.profile.RoleProfile;
import dev.stsfleet.profile.SamlProfile;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "profiles", mixinStandardHelpOptions = true,
        header = "Lists the role profiles of the AWS files, as JSON.",
        footer = {"", "Examples:",
            "  stsfleet profiles",
            "  stsfleet profiles --file team-roles.ini"},
        description = {"The role profiles (with role_arn, or SAML-backed with x_stsfleet_saml_url) of the AWS config and credentials files, or of FILE, as JSON.",
            "Makes no AWS call."})
public final class ProfilesCommand implements Callable<Integer> {
    private final CommandContext cli;

    public ProfilesCommand(CommandContext cli) {
        this.cli = cli;
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", paramLabel = "FILE",
            description = "Read the role profiles of FILE (any AWS config or credentials format file) instead.")
    private Path file;

    @Override
    public Integer call() {
        Output output = Output.of(spec.commandLine(), cli);
        Map<String, RoleProfile> profiles;
        Map<String, SamlProfile> saml;
        if (file != null) {
            profiles = StsFleet.loadProfiles(file);
            saml = StsFleet.loadSamlProfiles(file);
        } else {
            try (StsFleet fleet = FleetFactory.builder(cli).build()) {
                profiles = fleet.roleProfiles();
                saml = fleet.samlProfiles();
            }
        }
        ProfilesJsonRenderer.render(profiles, saml, output.stdout());
        output.info("stsfleet: " + profiles.size() + " role profile" + (profiles.size() == 1 ? "" : "s")
                + (saml.isEmpty() ? "" : " and " + saml.size() + " SAML-backed profile" + (saml.size() == 1 ? "" : "s"))
                + (file != null ? " in " + file : ""));
        output.flush();
        return ExitCode.OK;
    }
}
