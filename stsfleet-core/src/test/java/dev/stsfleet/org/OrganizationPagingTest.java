package dev.stsfleet.org;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Paging against a loopback fake speaking the Organizations JSON protocol (awsJson1_1): pages of 20 with an
 * empty page (and a next token) in the middle, a TooManyRequestsException now and then, and accounts whose
 * {@code State} and {@code Status} disagree. Every account is still found, and State decides.
 */
class OrganizationPagingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANAGEMENT = "100000000000";
    private HttpServer server;
    private final List<ObjectNode> accounts = new ArrayList<>();
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final AtomicInteger throttleEvery = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        accounts.add(account(MANAGEMENT, "management", "ACTIVE", "ACTIVE"));
        for (int i = 1; i <= 95; i++) {
            accounts.add(account(String.valueOf(100000000000L + i), "acct-" + i, "ACTIVE", "ACTIVE"));
        }
        // State wins over the retired Status: one suspended by State only, one active by State only.
        accounts.set(10, account(accounts.get(10).get("Id").asText(), "suspended", "SUSPENDED", "ACTIVE"));
        accounts.set(11, account(accounts.get(11).get("Id").asText(), "pending", "PENDING_CLOSURE", "ACTIVE"));
        accounts.set(12, account(accounts.get(12).get("Id").asText(), "active-by-state", "ACTIVE", "SUSPENDED"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static ObjectNode account(String id, String name, String state, String status) {
        return JSON.createObjectNode().put("Id", id).put("Name", name).put("State", state).put("Status", status)
                .put("Arn", "arn:aws:organizations::" + MANAGEMENT + ":account/o-example/" + id);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target == null ? "" : target.substring(target.indexOf('.') + 1);
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        int n = calls.merge(action, 1, Integer::sum);
        if (throttleEvery.get() > 0 && n % throttleEvery.get() == 0) {
            send(exchange, 400, JSON.createObjectNode().put("__type", "TooManyRequestsException")
                    .put("Message", "AWS Organizations can't complete your request because another request is already in progress."));
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        switch (action) {
            case "DescribeOrganization" -> out.putObject("Organization").put("Id", "o-example")
                    .put("MasterAccountId", MANAGEMENT).put("FeatureSet", "ALL");
            case "ListAccounts" -> {
                int page = request.hasNonNull("NextToken") ? Integer.parseInt(request.get("NextToken").asText().substring(5)) : 0;
                // Pages 0, 1, 2 hold 20 accounts each; page 3 is empty but has a next token; then the rest by 20.
                int from = page < 3 ? page * 20 : page == 3 ? 60 : 60 + (page - 4) * 20;
                int to = page == 3 ? 60 : Math.min(accounts.size(), from + 20);
                ArrayNode list = out.putArray("Accounts");
                accounts.subList(from, to).forEach(list::add);
                if (page == 3 || to < accounts.size()) {
                    out.put("NextToken", "page-" + (page + 1));
                }
            }
            case "ListTagsForResource" -> {
                // Two pages per account, the first empty: tags are found on the second.
                ArrayNode tags = out.putArray("Tags");
                String id = request.get("ResourceId").asText();
                if (!request.hasNonNull("NextToken")) {
                    out.put("NextToken", "tags-2");
                } else if (Long.parseLong(id) % 2 == 0) {
                    tags.addObject().put("Key", "env").put("Value", "prod");
                }
            }
            default -> {
                send(exchange, 400, JSON.createObjectNode().put("__type", "InvalidInputException").put("Message", action));
                return;
            }
        }
        send(exchange, 200, out);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (exchange; OutputStream o = exchange.getResponseBody()) {
            o.write(bytes);
        }
    }

    private OrganizationAccounts client() {
        return OrganizationAccounts.builder()
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAPAGINGTEST000001", "pagingSecret")))
                .endpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .maxBackoff(Duration.ofMillis(50))
                .build();
    }

    @Test
    void everyPageIsFollowed_anEmptyPageInTheMiddleIncluded_andStateDecides() {
        try (OrganizationAccounts org = client()) {
            OrganizationAccounts.Resolution r = org.resolve(OrganizationSelection.everyAccount());

            assertThat(r.listed()).isEqualTo(96);
            assertThat(calls.get("ListAccounts")).isEqualTo(6);
            assertThat(r.managementAccountId()).isEqualTo(MANAGEMENT);
            assertThat(r.accounts()).extracting(TargetAccount::name)
                    .doesNotContain("management", "suspended", "pending").contains("active-by-state", "acct-95");
            assertThat(r.accounts()).hasSize(93);
            assertThat(r.inactive()).isEqualTo(2);
        }
    }

    @Test
    void tooManyRequests_isRetried_andTagsOnALaterPageAreFound() {
        throttleEvery.set(4);
        try (OrganizationAccounts org = client()) {
            OrganizationAccounts.Resolution r = org.resolve(new OrganizationSelection(true, List.of(),
                    Map.of("env", "prod"), Set.of(), false));

            assertThat(r.accounts()).isNotEmpty().allSatisfy(a -> assertThat(Long.parseLong(a.id()) % 2).isZero());
            assertThat(r.accounts().size() + r.withoutTags()).isEqualTo(93);
        }
    }
}
