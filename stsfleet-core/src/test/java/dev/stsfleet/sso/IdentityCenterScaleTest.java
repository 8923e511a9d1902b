package dev.stsfleet.sso;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stsfleet.FleetResult;
import dev.stsfleet.OutputFormat;
import dev.stsfleet.sandbox.SandboxModel;
import dev.stsfleet.sandbox.StsSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's scale proof: 300 accounts x 2 roles from one sign-in at the portal's 20 requests per second. About
 * 45 s (903 calls at 20/s), so in the scale suite ({@code -Pscale}); bench/sso.sh measures the same through the
 * command.
 */
@Tag("scale")
class IdentityCenterScaleTest {
    static SandboxModel model(int accounts, String... roles) {
        List<SandboxModel.SsoAccount> list = new ArrayList<>();
        List<SandboxModel.SsoAssignment> assignments = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            String id = String.format("%012d", 200000000000L + i);
            list.add(new SandboxModel.SsoAccount(id, "account-" + i, null));
            for (String r : roles) {
                assignments.add(new SandboxModel.SsoAssignment("alice", id, r));
            }
        }
        return SandboxModel.builder().identityCenter(new SandboxModel.IdentityCenter(IdentityCenterTest.SESSION.startUrl(),
                "us-east-1", List.of(new SandboxModel.SsoUser("alice")), list, assignments)).build();
    }

    @Test
    void threeHundredAccountsTimesTwoRoles_atTwentyPerSecond_zeroLost_within115PercentOfTheFloor() {
        try (StsSandbox s = StsSandbox.builder().model(model(300, "Admin", "ReadOnly")).ssoRps(20).ssoAutoApprove(true).start();
             SsoLogin login = SsoLogin.builder().endpoint(s.endpoint()).sleeper(d -> { }).build()) {
            SsoToken token = login.deviceLogin(IdentityCenterTest.SESSION, new IdentityCenterTest.Recorder());
            long t0 = System.nanoTime();
            try (IdentityCenterPortal portal = IdentityCenterPortal.builder().endpoint(s.endpoint())
                    .accessToken(token::accessToken).concurrency(8).build()) {
                FleetResult r = portal.generate(portal.select(null, null), p -> "sts-" + p.name(), OutputFormat.VAULT,
                        (x, d, t) -> { });
                Duration wall = Duration.ofNanos(System.nanoTime() - t0);
                long calls = s.stats().total("ListAccounts") + s.stats().total("ListAccountRoles")
                        + s.stats().total("GetRoleCredentials");
                long throttled = s.stats().errors("GetRoleCredentials").getOrDefault("TooManyRequestsException", 0L)
                        + s.stats().errors("ListAccountRoles").getOrDefault("TooManyRequestsException", 0L)
                        + s.stats().errors("ListAccounts").getOrDefault("TooManyRequestsException", 0L);
                long ok = calls - throttled;
                double floor = ok / 20.0;
                System.out.printf("sso scale: %d credentials, %d failures, %d calls (%d answered 429), wall %.1f s, "
                        + "floor %.1f s, ratio %.3f%n", r.succeeded(), r.failed(), calls, throttled,
                        wall.toMillis() / 1000.0, floor, wall.toMillis() / 1000.0 / floor);
                assertThat(r.succeeded()).isEqualTo(600);
                assertThat(r.failed()).isZero();
                assertThat(ok).isEqualTo(903); // 3 pages of accounts, 300 role lists, 600 credentials
                // The sandbox's bucket starts with one second of burst: the floor is (calls - 20) / 20 s.
                assertThat(wall.toMillis() / 1000.0).isLessThanOrEqualTo(1.15 * floor + 2.0);
            }
        }
    }
}
