import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The floor under stsfleet's cold commands (bench scenario 7), run on the JVM, flags and class archive that
 * bin/stsfleet gives them. No arguments: an empty main (the JVM alone). ENDPOINT ROLE_ARN: the AWS SDK alone
 * making one AssumeRole with an STS client as lean as the SDK makes one (explicit region, endpoint and
 * credentials from the environment, the URL-connection HTTP client). ENDPOINT ROLE_ARN...: one AssumeRole per
 * role on 10 threads (as the boto3 script), through Apache's pooled client. Prints each assumed role's ARN.
 * No command line, profile files, plan, cache or output formatting: what remains is what any SDK-based tool
 * pays on this JVM.
 */
public final class SdkFloor {
    private SdkFloor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            return;
        }
        List<String> roles = Arrays.asList(args).subList(1, args.length);
        var builder = StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(args[0]))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create());
        builder.httpClientBuilder(roles.size() == 1 ? UrlConnectionHttpClient.builder()
                : ApacheHttpClient.builder().maxConnections(10));
        try (StsClient sts = builder.build()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(10, roles.size()));
            List<Future<String>> arns = new ArrayList<>();
            for (String role : roles) {
                arns.add(pool.submit(() -> sts.assumeRole(r -> r.roleArn(role).roleSessionName("sdk-floor"))
                        .assumedRoleUser().arn()));
            }
            for (Future<String> arn : arns) {
                System.out.println(arn.get());
            }
            pool.shutdown();
        }
    }
}
