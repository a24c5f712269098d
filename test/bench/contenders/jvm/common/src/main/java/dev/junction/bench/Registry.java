package dev.junction.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The schema registry's Confluent-compatible API, by hand: the Confluent serializer artifacts live
 * on Confluent's own Maven repository, so the contenders do what they do with Apache Avro alone.
 */
public final class Registry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String url;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

  public Registry(String url) {
    this.url = url.replaceAll("/+$", "");
  }

  /** The writer schema of a record, by the id in its wire-format prefix; cached. */
  public Schema schemaById(int id) {
    return byId.computeIfAbsent(id, k -> {
      JsonNode body = call(HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + k)).GET());
      return new Schema.Parser().parse(body.get("schema").asText());
    });
  }

  /** Registers (or finds) a schema under a subject and returns its id. */
  public int register(String subject, Schema schema) {
    String payload;
    try {
      payload = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    JsonNode body = call(HttpRequest.newBuilder(URI.create(url + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(payload)));
    return body.get("id").asInt();
  }

  private JsonNode call(HttpRequest.Builder req) {
    try {
      HttpResponse<String> res = http.send(req.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) throw new IllegalStateException("registry answered " + res.statusCode() + ": " + res.body());
      return JSON.readTree(res.body());
    } catch (IOException e) {
      throw new IllegalStateException("registry unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
