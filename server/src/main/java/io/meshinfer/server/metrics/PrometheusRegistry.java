package io.meshinfer.server.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;

/**
 * Counters, gauges and histograms with labels, written in the Prometheus text format (version 0.0.4).
 *
 * <p>Metric names are exactly the ones given (TEI's {@code te_*} names), with no scope prefix or tag added, so
 * dashboards built for TEI work unchanged. A series is found by its labels once: hot paths keep the {@link Counter} or
 * {@link Histogram} handle. Thread-safe and lock-free on the recording path.
 */
public final class PrometheusRegistry {
    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    private sealed interface Family permits CounterFamily, GaugeFamily, HistogramFamily {
        String help();

        void write(String name, StringBuilder out);
    }

    /** Adds {@code amount} to a counter. */
    public void increment(String name, String help, Map<String, String> labels, long amount) {
        counter(name, help, labels).add(amount);
    }

    /** The counter series with these labels, created at 0 when new. */
    public Counter counter(String name, String help, Map<String, String> labels) {
        CounterFamily family = (CounterFamily) family(name, () -> new CounterFamily(help));
        return family.values.computeIfAbsent(labelText(labels), k -> new Counter());
    }

    /** Registers a gauge read when metrics are scraped. */
    public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
        GaugeFamily family = (GaugeFamily) family(name, () -> new GaugeFamily(help));
        family.values.put(labelText(labels), value);
    }

    /** Records one observation (in seconds, or a count) in a histogram with the given bucket bounds. */
    public void observe(String name, String help, Map<String, String> labels, double[] buckets, double value) {
        histogram(name, help, labels, buckets).record(value);
    }

    /** The histogram series with these labels, empty when new; the family's buckets are the first ones given. */
    public Histogram histogram(String name, String help, Map<String, String> labels, double[] buckets) {
        HistogramFamily family = (HistogramFamily) family(name, () -> new HistogramFamily(help, buckets));
        return family.byLabels.computeIfAbsent(labelText(labels), k -> new Histogram(family.buckets));
    }

    /** The text exposition of every metric. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (String name : order) {
            Family family = families.get(name);
            String type = switch (family) {
                case CounterFamily c -> "counter";
                case GaugeFamily g -> "gauge";
                case HistogramFamily h -> "histogram";
            };
            out.append("# HELP ").append(name).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            family.write(name, out);
        }
        return out.toString();
    }

    private Family family(String name, java.util.function.Supplier<Family> create) {
        Family family = families.get(name);
        if (family != null) {
            return family;
        }
        return families.computeIfAbsent(name, n -> {
            order.add(n);
            return create.get();
        });
    }

    private static String labelText(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            sb.append(sb.isEmpty() ? "" : ",").append(e.getKey()).append("=\"")
                    .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
        }
        return sb.toString();
    }

    private static String series(String name, String labels, String extra) {
        String all = labels.isEmpty() ? extra : extra.isEmpty() ? labels : labels + "," + extra;
        return all.isEmpty() ? name : name + "{" + all + "}";
    }

    private static String number(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.isFinite(v) ? BigDecimal.valueOf(v).toPlainString() : Double.toString(v);
    }

    private record CounterFamily(String help, Map<String, Counter> values) implements Family {
        CounterFamily(String help) {
            this(help, new ConcurrentHashMap<>());
        }

        @Override
        public void write(String name, StringBuilder out) {
            new TreeMap<>(values).forEach((labels, v) -> out.append(series(name, labels, "")).append(' ')
                    .append(v.value.get()).append('\n'));
        }
    }

    private record GaugeFamily(String help, Map<String, DoubleSupplier> values) implements Family {
        GaugeFamily(String help) {
            this(help, new ConcurrentHashMap<>());
        }

        @Override
        public void write(String name, StringBuilder out) {
            new TreeMap<>(values).forEach((labels, v) -> out.append(series(name, labels, "")).append(' ')
                    .append(number(v.getAsDouble())).append('\n'));
        }
    }

    private record HistogramFamily(String help, double[] buckets, Map<String, Histogram> byLabels) implements Family {
        HistogramFamily(String help, double[] buckets) {
            this(help, buckets.clone(), new ConcurrentHashMap<>());
        }

        @Override
        public void write(String name, StringBuilder out) {
            new TreeMap<>(byLabels).forEach((labels, h) -> {
                long cumulative = 0;
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < buckets.length; i++) {
                    cumulative += h.counts.get(i);
                    lines.add(series(name + "_bucket", labels, "le=\"" + number(buckets[i]) + "\"") + " "
                                      + cumulative);
                }
                long count = h.count.get();
                lines.add(series(name + "_bucket", labels, "le=\"+Inf\"") + " " + count);
                lines.add(series(name + "_sum", labels, "") + " " + number(h.sum.sum()));
                lines.add(series(name + "_count", labels, "") + " " + count);
                lines.forEach(l -> out.append(l).append('\n'));
            });
        }
    }

    /** One counter series. */
    public static final class Counter {
        private final AtomicLong value = new AtomicLong();

        private Counter() {
        }

        public void add(long amount) {
            value.addAndGet(amount);
        }
    }

    /** One histogram series. */
    public static final class Histogram {
        private final double[] bounds;
        private final AtomicLongArray counts;
        private final AtomicLong count = new AtomicLong();
        private final DoubleAdder sum = new DoubleAdder();

        private Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new AtomicLongArray(bounds.length);
        }

        public void record(double value) {
            record(value, 1);
        }

        /** Records {@code value} {@code times} times. */
        public void record(double value, long times) {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    counts.addAndGet(i, times);
                    break;
                }
            }
            count.addAndGet(times);
            sum.add(value * times);
        }
    }
}
