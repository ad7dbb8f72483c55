package io.meshinfer.server.metrics;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusRegistryTest {
    @Test
    void countersAreWrittenWithTheirExactNameAndSortedEscapedLabels() {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.increment("te_request_count", "requests", Map.of("method", "single", "a", "x\"y\\z\nw"), 2);
        registry.increment("te_request_count", "requests", Map.of("method", "single", "a", "x\"y\\z\nw"), 3);
        String text = registry.scrape();
        assertTrue(text.contains("# HELP te_request_count requests\n# TYPE te_request_count counter\n"), text);
        assertTrue(text.contains("te_request_count{a=\"x\\\"y\\\\z\\nw\",method=\"single\"} 5\n"), text);
    }

    @Test
    void histogramsAreCumulativeWithSumAndCount() {
        PrometheusRegistry registry = new PrometheusRegistry();
        double[] buckets = {0.001, 0.01, 0.1};
        registry.observe("te_request_duration", "seconds", Map.of(), buckets, 0.005);
        registry.observe("te_request_duration", "seconds", Map.of(), buckets, 0.05);
        registry.observe("te_request_duration", "seconds", Map.of(), buckets, 5);
        String text = registry.scrape();
        assertTrue(text.contains("te_request_duration_bucket{le=\"0.001\"} 0\n"), text);
        assertTrue(text.contains("te_request_duration_bucket{le=\"0.01\"} 1\n"), text);
        assertTrue(text.contains("te_request_duration_bucket{le=\"0.1\"} 2\n"), text);
        assertTrue(text.contains("te_request_duration_bucket{le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("te_request_duration_sum 5.055\n"), text);
        assertTrue(text.contains("te_request_duration_count 3\n"), text);
    }

    @Test
    void gaugesAreReadAtScrapeTime() {
        PrometheusRegistry registry = new PrometheusRegistry();
        int[] depth = {1};
        registry.gauge("te_queue_size", "queued", Map.of("model", "m"), () -> depth[0]);
        depth[0] = 7;
        assertTrue(registry.scrape().contains("te_queue_size{model=\"m\"} 7\n"));
    }

    @Test
    void familiesAppearInTheOrderTheyWereFirstUsed() {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.increment("b_total", "b", Map.of(), 1);
        registry.increment("a_total", "a", Map.of(), 1);
        String text = registry.scrape();
        assertTrue(text.indexOf("b_total") < text.indexOf("a_total"), text);
    }
}
