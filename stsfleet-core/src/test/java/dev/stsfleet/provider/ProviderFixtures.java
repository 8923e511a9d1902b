package dev.stsfleet.provider;

import dev.stsfleet.sandbox.SandboxModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** A base account, roles in many accounts, a clock tests move, and a capture of the debug log. */
final class ProviderFixtures {
    static final String BASE_ACCOUNT = "111111111111";
    static final String USER_ARN = "arn:aws:iam::111111111111:user/base";
    static final String KEY = "AKIAPROVIDERBASE0001";
    static final String SECRET = "providerBaseSecretKey/doNotUseInAws+0001";
    static final String MFA = "arn:aws:iam::111111111111:mfa/base";
    static final String TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    static final String EXTERNAL_ID = "ext-provider-31f7a";
    /** Roles named Audit that trust the base account; 999999999999 has one that does not. */
    static final String ROLE = "Audit";
    static final String UNTRUSTING_ACCOUNT = "999999999999";

    private ProviderFixtures() {
    }

    static AwsBasicCredentials baseKeys() {
        return AwsBasicCredentials.create(KEY, SECRET);
    }

    static String account(int i) {
        return String.format("%012d", 200000000000L + i * 1111L);
    }

    static List<String> accounts(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(account(i));
        }
        return ids;
    }

    /**
     * The base user (keys and an MFA device), {@code Audit} in {@code n} accounts trusting the base account
     * (up to 12 h sessions), {@code Audit} in {@link #UNTRUSTING_ACCOUNT} trusting another account, and
     * {@code Guarded} in the first account, requiring {@link #EXTERNAL_ID}.
     */
    static SandboxModel model(int n) {
        SandboxModel.Builder model = SandboxModel.builder()
                .user(new SandboxModel.User(USER_ARN, KEY, SECRET, MFA, TOTP_SEED));
        List<String> trust = List.of("arn:aws:iam::" + BASE_ACCOUNT + ":root");
        for (String account : accounts(n)) {
            model.role(new SandboxModel.Role("arn:aws:iam::" + account + ":role/" + ROLE, trust, false, null, 43200));
        }
        model.role(new SandboxModel.Role("arn:aws:iam::" + UNTRUSTING_ACCOUNT + ":role/" + ROLE,
                List.of("arn:aws:iam::888888888888:root"), false, null, 3600));
        model.role(new SandboxModel.Role("arn:aws:iam::" + account(0) + ":role/Guarded", trust, false, EXTERNAL_ID, 3600));
        return model.build();
    }

    /**
     * What stsfleet's loggers (debug in tests, see simplelogger.properties) wrote to System.err while
     * {@code block} ran. slf4j-simple looks System.err up on every line, so swapping it captures them.
     */
    static String logDuring(Runnable block) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            block.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
