package dev.stsfleet.sts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

class SdkClientsTest {
    @Test
    void oneConnection_getsTheUrlConnectionClient_aPool_getsApaches() {
        try (SdkHttpClient one = SdkClients.httpClient(CallLimits.DEFAULT, 1).buildWithDefaults(AttributeMap.empty());
             SdkHttpClient pool = SdkClients.httpClient(CallLimits.DEFAULT, 64).buildWithDefaults(AttributeMap.empty())) {
            assertThat(one).isInstanceOf(UrlConnectionHttpClient.class);
            assertThat(pool).isInstanceOf(ApacheHttpClient.class);
        }
    }
}
