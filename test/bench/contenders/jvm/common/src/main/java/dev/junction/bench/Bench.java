package dev.junction.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every contender shares with the Node ones (test/bench/contenders/common.ts): settings from
 * BENCH_* variables, and the JSON lines on stdout the orchestrator reads.
 */
public final class Bench {
  public final String brokers = need("BENCH_BROKERS");
  public final String registryUrl = need("BENCH_REGISTRY_URL");
  public final String source = need("BENCH_SOURCE");
  public final String output = need("BENCH_OUTPUT");
  public final String group = need("BENCH_GROUP");
  public final String modelUrl = need("BENCH_MODEL_URL");
  public final int partitions = Integer.parseInt(need("BENCH_PARTITIONS"));
  public final Path schemaDir = Path.of(need("BENCH_SCHEMA_DIR"));
  /** Junction's maxInFlight: the bound on concurrent model calls of one process. */
  public final int maxInFlight = Integer.parseInt(env("BENCH_MAX_IN_FLIGHT", "256"));
  public final int cores = Integer.parseInt(env("BENCH_CORES", String.valueOf(Runtime.getRuntime().availableProcessors())));

  public static String env(String k, String fallback) {
    String v = System.getenv(k);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private static String need(String k) {
    String v = System.getenv(k);
    if (v == null || v.isEmpty()) {
      System.err.println(k + " is not set (contenders are started by test/bench/run.ts)");
      System.exit(2);
    }
    return v;
  }

  public String inferUrl() {
    return modelUrl + "/v2/models/lead-conversion/infer";
  }

  /** One JSON line on stdout for the orchestrator. */
  public static synchronized void signal(String event, Map<String, ?> extra) {
    StringBuilder sb = new StringBuilder("{\"bench\":\"").append(event).append("\",\"at\":").append(System.currentTimeMillis());
    for (Map.Entry<String, ?> e : extra.entrySet()) sb.append(",\"").append(e.getKey()).append("\":").append(e.getValue());
    System.out.println(sb.append('}'));
    System.out.flush();
  }

  public static void signal(String event) {
    signal(event, Map.of());
  }

  private static final AtomicBoolean firstSeen = new AtomicBoolean();

  public static void firstConsume() {
    if (!firstSeen.get() && firstSeen.compareAndSet(false, true)) signal("first-consume");
  }

  // ---- memory: peaks (MB) sampled every 250 ms, like process.memoryUsage() in the Node contenders ----
  private static final Map<String, Long> peaks = new LinkedHashMap<>();
  private static final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-memory");
    t.setDaemon(true);
    return t;
  });
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  static {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    sampler.scheduleAtFixedRate(() -> {
      long mb = 1 << 20;
      peak("rss", rssKb() / 1024);
      peak("heapUsed", mem.getHeapMemoryUsage().getUsed() / mb);
      peak("heapCommitted", mem.getHeapMemoryUsage().getCommitted() / mb);
      peak("nonHeapUsed", mem.getNonHeapMemoryUsage().getUsed() / mb);
    }, 0, 250, TimeUnit.MILLISECONDS);
  }

  private static synchronized void peak(String k, long v) {
    peaks.merge(k, v, Math::max);
  }

  private static long rssKb() {
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc/self/status")));
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** On SIGTERM: report the memory peaks, then stop (at most 10 s, then the JVM halts). */
  public static void onStop(ThrowingRunnable stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (Bench.class) {
        signal("memory", new LinkedHashMap<>(peaks));
      }
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          return;
        }
        Runtime.getRuntime().halt(0);
      });
      halt.setDaemon(true);
      halt.start();
      try {
        stop.run();
      } catch (Exception e) {
        System.err.println("stopping: " + e);
      }
    }, "bench-stop"));
  }

  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
