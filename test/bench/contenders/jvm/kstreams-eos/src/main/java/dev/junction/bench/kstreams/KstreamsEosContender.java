package dev.junction.bench.kstreams;

import dev.junction.bench.Bench;
import dev.junction.bench.LeadCodec;
import dev.junction.bench.Registry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * kstreams-eos: the Kafka Streams app a stream engineer writes: exactly_once_v2, a processor that
 * decodes the lead, calls the model synchronously (a processor returns when its record is done),
 * encodes the LeadScored and forwards it to the output topic.
 */
public final class KstreamsEosContender {
  public static void main(String[] args) throws Exception {
    Bench b = new Bench();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, b.group);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, b.brokers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // one stream thread per core: a thread is the unit of CPU work in Kafka Streams
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(Bench.env("BENCH_KSTREAMS_THREADS", String.valueOf(b.cores))));
    p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bench-kstreams").toString());
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    p.put(StreamsConfig.CLIENT_ID_CONFIG, "bench-kstreams");
    // commit.interval.ms stays at its exactly-once default (100 ms)

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(b.source, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .process(() -> new Score(b))
        .to(b.output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));

    KafkaStreams streams = new KafkaStreams(builder.build(), p);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) running.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("stream thread failed: " + e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Bench.onStop(() -> streams.close(Duration.ofSeconds(8)));
    streams.start();
    running.await();
    Bench.signal("started", Map.of("threads", p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)));
  }

  static final class Score implements Processor<byte[], byte[], byte[], byte[]> {
    private final Bench b;
    private ProcessorContext<byte[], byte[]> ctx;
    private LeadCodec codec;
    private HttpClient http;
    private URI uri;

    Score(Bench b) {
      this.b = b;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> ctx) {
      this.ctx = ctx;
      codec = new LeadCodec(new Registry(b.registryUrl), b.schemaDir, b.output);
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      uri = URI.create(b.inferUrl());
    }

    @Override
    public void process(Record<byte[], byte[]> r) {
      Bench.firstConsume();
      LeadCodec.Lead lead = codec.decode(r.value());
      HttpRequest req = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(10))
          .header("content-type", "application/json")
          .header("idempotency-key", lead.eventId)
          .POST(HttpRequest.BodyPublishers.ofString(lead.request))
          .build();
      HttpResponse<String> res;
      try {
        res = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new IllegalStateException("model call failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (res.statusCode() != 200) throw new IllegalStateException("model answered " + res.statusCode() + ": " + res.body());
      RecordMetadata m = ctx.recordMetadata().orElseThrow();
      RecordHeaders headers = new RecordHeaders();
      headers.add(LeadCodec.SOURCE_PARTITION, String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
      headers.add(LeadCodec.SOURCE_OFFSET, String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
      ctx.forward(new Record<>(r.key(), codec.encodeScored(lead.leadId, lead.eventId, res.body()), System.currentTimeMillis(), headers));
    }
  }
}
