package dev.junction.bench.flink;

import dev.junction.bench.Bench;
import dev.junction.bench.LeadCodec;
import dev.junction.bench.Registry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * flink-async: the Flink job a stream engineer writes to put a model on a Kafka topic. A local
 * MiniCluster in this JVM, parallelism = cores; KafkaSource (read_committed) → decode against the
 * registry → AsyncDataStream.orderedWait calling the OIP v2 endpoint once per record (Flink's Async
 * I/O pattern: one request per element) → encode → KafkaSink, EXACTLY_ONCE, with checkpointing.
 */
public final class FlinkAsyncContender {
  /** A source record as the job carries it (a POJO, so Flink serializes it without Kryo). */
  public static final class Rec {
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    public String leadId;
    public String eventId;
    public String body;

    public Rec() {}
  }

  public static void main(String[] args) throws Exception {
    Bench b = new Bench();
    int parallelism = b.cores;
    long checkpointMs = Long.parseLong(Bench.env("BENCH_CHECKPOINT_MS", "100"));
    // Junction bounds one process to maxInFlight concurrent calls; capacity is per subtask
    int capacity = Math.max(1, (b.maxInFlight + parallelism - 1) / parallelism);

    Configuration conf = new Configuration();
    conf.setString("rest.bind-port", "0");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.enableCheckpointing(checkpointMs);
    env.getCheckpointConfig().setMinPauseBetweenCheckpoints(0);
    env.getCheckpointConfig().setMaxConcurrentCheckpoints(1);

    KafkaSource<Rec> source = KafkaSource.<Rec>builder()
        .setBootstrapServers(b.brokers)
        .setTopics(b.source)
        .setGroupId(b.group)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setProperty("isolation.level", "read_committed")
        .setProperty("client.id.prefix", "bench-flink")
        .setDeserializer(new KafkaRecordDeserializationSchema<Rec>() {
          @Override
          public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<Rec> out) {
            Bench.firstConsume();
            Rec x = new Rec();
            x.partition = r.partition();
            x.offset = r.offset();
            x.key = r.key();
            x.value = r.value();
            out.collect(x);
          }

          @Override
          public TypeInformation<Rec> getProducedType() {
            return TypeInformation.of(Rec.class);
          }
        })
        .build();

    DataStream<Rec> decoded = env.fromSource(source, WatermarkStrategy.noWatermarks(), "leads")
        .map(new Decode(b.registryUrl, b.schemaDir.toString(), b.output))
        .name("decode");

    // ordered: results leave in source order per subtask, so per-key order holds as it does in
    // Junction; with a fixed model latency the head-of-line cost over unorderedWait is small
    DataStream<Rec> scored = AsyncDataStream.orderedWait(decoded, new Infer(b.inferUrl()), 30, TimeUnit.SECONDS, capacity)
        .name("infer");

    Properties producer = new Properties();
    // below the broker's transaction.max.timeout.ms (15 min); Flink's default of 1 h is refused
    producer.setProperty("transaction.timeout.ms", "60000");
    KafkaSink<Rec> sink = KafkaSink.<Rec>builder()
        .setBootstrapServers(b.brokers)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix("bench-flink-" + b.group)
        // POOLING reuses transactional ids across checkpoints (connector 4.0+): with the default,
        // every checkpoint starts producers on new ids, an InitProducerId round per subtask each time
        .setTransactionNamingStrategy(TransactionNamingStrategy.valueOf(Bench.env("BENCH_FLINK_TXN_NAMING", "POOLING")))
        .setKafkaProducerConfig(producer)
        .setRecordSerializer(new Encode(b.registryUrl, b.schemaDir.toString(), b.output))
        .build();
    scored.sinkTo(sink).name("results");

    JobClient job = env.executeAsync("flink-async " + b.group);
    Bench.onStop(() -> job.cancel().get(8, TimeUnit.SECONDS));
    for (;;) {
      JobStatus s = job.getJobStatus().get();
      if (s == JobStatus.RUNNING) break;
      if (s.isGloballyTerminalState()) throw new IllegalStateException("job ended: " + s);
      Thread.sleep(50);
    }
    Bench.signal("started", Map.of("parallelism", parallelism, "capacity", capacity, "checkpointMs", checkpointMs));
    job.getJobExecutionResult().get();
  }

  static final class Decode extends RichMapFunction<Rec, Rec> {
    private final String registryUrl;
    private final String schemaDir;
    private final String output;
    private transient LeadCodec codec;

    Decode(String registryUrl, String schemaDir, String output) {
      this.registryUrl = registryUrl;
      this.schemaDir = schemaDir;
      this.output = output;
    }

    @Override
    public void open(OpenContext ctx) {
      codec = new LeadCodec(new Registry(registryUrl), java.nio.file.Path.of(schemaDir), output);
    }

    @Override
    public Rec map(Rec r) {
      LeadCodec.Lead lead = codec.decode(r.value);
      r.leadId = lead.leadId;
      r.eventId = lead.eventId;
      r.body = lead.request;
      r.value = null;
      return r;
    }
  }

  static final class Infer extends RichAsyncFunction<Rec, Rec> {
    private final String url;
    private transient HttpClient http;
    private transient URI uri;

    Infer(String url) {
      this.url = url;
    }

    @Override
    public void open(OpenContext ctx) {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      uri = URI.create(url);
    }

    @Override
    public void asyncInvoke(Rec r, ResultFuture<Rec> result) {
      HttpRequest req = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(10))
          .header("content-type", "application/json")
          .header("idempotency-key", r.eventId)
          .POST(HttpRequest.BodyPublishers.ofString(r.body))
          .build();
      http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((res, err) -> {
        if (err != null) result.completeExceptionally(err);
        else if (res.statusCode() != 200) result.completeExceptionally(new IllegalStateException("model answered " + res.statusCode() + ": " + res.body()));
        else {
          r.body = res.body();
          result.complete(Collections.singleton(r));
        }
      });
    }
  }

  // KafkaDatasetFacetProvider names the target topic, which the POOLING naming strategy requires
  static final class Encode implements KafkaRecordSerializationSchema<Rec>, KafkaDatasetFacetProvider {
    private final String registryUrl;
    private final String schemaDir;
    private final String output;
    private transient LeadCodec codec;

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
      return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(output))));
    }

    Encode(String registryUrl, String schemaDir, String output) {
      this.registryUrl = registryUrl;
      this.schemaDir = schemaDir;
      this.output = output;
    }

    @Override
    public void open(SerializationSchema.InitializationContext ctx, KafkaSinkContext sink) {
      codec = new LeadCodec(new Registry(registryUrl), java.nio.file.Path.of(schemaDir), output);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rec r, KafkaSinkContext ctx, Long timestamp) {
      ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(output, null, null, r.key, codec.encodeScored(r.leadId, r.eventId, r.body));
      out.headers().add(new RecordHeader(LeadCodec.SOURCE_PARTITION, String.valueOf(r.partition).getBytes(StandardCharsets.UTF_8)));
      out.headers().add(new RecordHeader(LeadCodec.SOURCE_OFFSET, String.valueOf(r.offset).getBytes(StandardCharsets.UTF_8)));
      return out;
    }
  }
}
