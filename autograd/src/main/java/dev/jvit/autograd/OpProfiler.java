package dev.jvit.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time per op, forward and backward, for finding where a training step goes: run with
 * {@code -Djvit.profile.ops=true} (e.g. {@code JVIT_JAVA_OPTS=-Djvit.profile.ops=true ./jvit train ...}) and the
 * table is printed to stderr when the JVM exits, or read with {@link #report()}. Times are wall clock around
 * each {@link Function#forward} and {@link Function#backward} call (an op's own threads included; a GC pause
 * lands on the op that triggered it), plus the engine's gradient accumulation. Off, it costs one boolean test
 * per op. {@link #enable} turns it on from code (a benchmark after its warm-up).
 */
public final class OpProfiler {
    /** Read on every op: a plain field (a stale value for a moment after {@link #enable} is harmless). */
    static boolean ENABLED = Boolean.getBoolean("jvit.profile.ops");

    /** Nanoseconds and calls of one op in one direction. */
    private record Entry(LongAdder nanos, LongAdder calls) {
        Entry() {
            this(new LongAdder(), new LongAdder());
        }
    }

    private static final Map<String, Entry> ENTRIES = new ConcurrentHashMap<>();

    static {
        if (ENABLED) Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.print(report()), "jvit-op-profile"));
    }

    /** Turns timing on or off from now on (the system property sets the start value). */
    public static void enable(boolean on) {
        ENABLED = on;
    }

    private OpProfiler() {}

    /** Whether timing is on. */
    public static boolean enabled() {
        return ENABLED;
    }

    static void record(String op, String direction, long nanos) {
        Entry e = ENTRIES.computeIfAbsent(op + " " + direction, k -> new Entry());
        e.nanos.add(nanos);
        e.calls.increment();
    }

    /** Forgets what was recorded (e.g. after a warm-up). */
    public static void reset() {
        ENTRIES.clear();
    }

    /** The table, longest total first: op and direction, total ms, share of the recorded total, calls, us per call. */
    public static String report() {
        List<Map.Entry<String, Entry>> rows = new ArrayList<>(ENTRIES.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue().nanos.sum(), a.getValue().nanos.sum()));
        double total = rows.stream().mapToLong(r -> r.getValue().nanos.sum()).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-34s %10s %7s %9s %10s%n", "op", "total ms", "share", "calls", "us/call"));
        for (var r : rows) {
            long ns = r.getValue().nanos.sum(), calls = r.getValue().calls.sum();
            sb.append(String.format(Locale.ROOT, "%-34s %10.1f %6.1f%% %9d %10.1f%n", r.getKey(), ns / 1e6,
                    100 * ns / Math.max(total, 1), calls, ns / 1e3 / Math.max(calls, 1)));
        }
        return sb.toString();
    }
}
