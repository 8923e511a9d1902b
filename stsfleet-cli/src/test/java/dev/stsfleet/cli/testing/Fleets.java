package dev.stsfleet.cli.testing;

import dev.stsfleet.sandbox.SandboxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet to test with: one IAM user (alice, with an MFA device) and N roles spread over accounts,
 * as a sandbox model plus the matching AWS config and credentials files.
 */
public final class Fleets {
    public static final String USER_ARN = "arn:aws:iam::111111111111:user/alice";
    public static final String ACCESS_KEY = "AKIACLITESTFLEET0001";
    public static final String SECRET = "cliTestFleetSecretKey/doNotUseInAws+00001";
    public static final String MFA = "arn:aws:iam::111111111111:mfa/alice";
    public static final String TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    public static final String SOURCE = "alice";

    private final SandboxModel model;
    private final List<String> profiles;
    private final Path dir;

    private Fleets(SandboxModel model, List<String> profiles, Path dir) {
        this.model = model;
        this.profiles = profiles;
        this.dir = dir;
    }

    /**
     * {@code trusted} roles that trust alice's account and {@code locked} roles that do not, spread over
     * {@code accounts} accounts; every role profile has alice's mfa_serial when {@code mfa}.
     */
    public static Fleets create(Path dir, int trusted, int locked, int accounts, boolean mfa) throws IOException {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, ACCESS_KEY, SECRET, MFA, TOTP_SEED));
        StringBuilder config = new StringBuilder("[profile " + SOURCE + "]\nregion = us-east-1\n\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < trusted + locked; i++) {
            boolean trusts = i < trusted;
            String account = String.valueOf(200000000000L + (i % accounts) * 1111111L);
            String role = (trusts ? "Ops" : "Locked") + i;
            String arn = "arn:aws:iam::" + account + ":role/" + role;
            model.role(new SandboxModel.Role(arn,
                    List.of(trusts ? "arn:aws:iam::111111111111:root" : "arn:aws:iam::999999999999:root"),
                    mfa, null, 3600));
            String name = (trusts ? "ops" : "locked") + i;
            names.add(name);
            config.append("[profile ").append(name).append("]\nrole_arn = ").append(arn)
                    .append("\nsource_profile = ").append(SOURCE).append('\n');
            if (mfa) {
                config.append("mfa_serial = ").append(MFA).append('\n');
            }
            config.append('\n');
        }
        Files.writeString(dir.resolve("config"), config.toString());
        Files.writeString(dir.resolve("credentials"), "[" + SOURCE + "]\naws_access_key_id = " + ACCESS_KEY
                + "\naws_secret_access_key = " + SECRET + "\n");
        return new Fleets(model.build(), List.copyOf(names), dir);
    }

    public SandboxModel model() {
        return model;
    }

    /**
     * The sandbox model of a fleet of this shape, for a sandbox extension made before any test directory exists;
     * the files {@link #create} writes go to a temporary directory removed before this returns.
     */
    public static SandboxModel modelOf(int trusted, int locked, int accounts, boolean mfa) {
        try {
            Path dir = Files.createTempDirectory("stsfleet-model");
            try {
                return create(dir, trusted, locked, accounts, mfa).model();
            } finally {
                for (String file : List.of("config", "credentials")) {
                    Files.deleteIfExists(dir.resolve(file));
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public List<String> profiles() {
        return profiles;
    }

    public Path config() {
        return dir.resolve("config");
    }

    public Path credentials() {
        return dir.resolve("credentials");
    }

    /** The environment a user would have: the files and the endpoint; no AWS_PROFILE (roles name their source). */
    public Map<String, String> env(String endpoint) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", config().toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials().toString());
        env.put("AWS_ENDPOINT_URL_STS", endpoint);
        env.put("HOME", dir.toString());
        return env;
    }
}
