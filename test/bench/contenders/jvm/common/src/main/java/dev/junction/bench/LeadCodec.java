package dev.junction.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The same work as Junction's lead-scoring stages, as a JVM engineer writes it: decode a LeadCreated
 * in the Confluent wire format (magic 0, 4-byte schema id, Avro binary; writer schema from the
 * registry, resolved to our reader schema), the one-row OIP v2 request of its features, and the
 * LeadScored result encoded the same way. One instance per task/thread (Avro readers are not shared).
 */
public final class LeadCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Registry registry;
  private final Schema leadCreated;
  private final Schema leadScored;
  private final int resultId;
  private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
  private final GenericDatumWriter<GenericRecord> writer;
  private BinaryDecoder decoder;
  private BinaryEncoder encoder;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

  /** A lead as the call needs it. */
  public static final class Lead {
    public String leadId;
    public String eventId;
    /** The OIP v2 request body for this lead (one row). */
    public String request;
  }

  public LeadCodec(Registry registry, Path schemaDir, String outputTopic) {
    this.registry = registry;
    try {
      this.leadCreated = new Schema.Parser().parse(Files.readString(schemaDir.resolve("crm.lead.created.v1.avsc")));
      this.leadScored = new Schema.Parser().parse(Files.readString(schemaDir.resolve("crm.lead.scored.v1.avsc")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.resultId = registry.register(outputTopic + "-value", leadScored);
    this.writer = new GenericDatumWriter<>(leadScored);
  }

  public Lead decode(byte[] value) {
    if (value == null || value.length < 5 || value[0] != 0) throw new IllegalArgumentException("not in the Confluent wire format");
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id, k -> new GenericDatumReader<>(registry.schemaById(k), leadCreated));
    decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
    GenericRecord r;
    try {
      r = reader.read(null, decoder);
    } catch (IOException e) {
      throw new IllegalArgumentException("undecodable LeadCreated: " + e.getMessage(), e);
    }
    GenericRecord company = (GenericRecord) r.get("company");
    GenericRecord activity = (GenericRecord) r.get("activity");
    GenericRecord contact = (GenericRecord) r.get("contact");
    Object title = contact.get("title");
    // the model's input row, as features() in services/lead-scoring names it
    ObjectNode body = JSON.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    num(inputs, "employees", ((Number) company.get("employees")).doubleValue());
    num(inputs, "page_views", ((Number) activity.get("pageViews")).doubleValue());
    num(inputs, "email_opens", ((Number) activity.get("emailOpens")).doubleValue());
    num(inputs, "form_submissions", ((Number) activity.get("formSubmissions")).doubleValue());
    num(inputs, "meetings_booked", ((Number) activity.get("meetingsBooked")).doubleValue());
    text(inputs, "source_channel", String.valueOf(r.get("sourceChannel")));
    text(inputs, "industry", String.valueOf(company.get("industry")));
    text(inputs, "title", title == null ? "" : title.toString());
    Lead lead = new Lead();
    lead.leadId = r.get("leadId").toString();
    lead.eventId = r.get("eventId").toString();
    lead.request = body.toString();
    return lead;
  }

  private static void num(ArrayNode inputs, String name, double v) {
    ObjectNode o = inputs.addObject().put("name", name).put("datatype", "FP32");
    o.putArray("shape").add(1);
    o.putArray("data").add(v);
  }

  private static void text(ArrayNode inputs, String name, String v) {
    ObjectNode o = inputs.addObject().put("name", name).put("datatype", "BYTES");
    o.putArray("shape").add(1);
    o.putArray("data").add(v);
  }

  /** The LeadScored result of a model answer, in the wire format under the output subject's id. */
  public byte[] encodeScored(String leadId, String eventId, String response) {
    JsonNode res;
    try {
      res = JSON.readTree(response);
    } catch (IOException e) {
      throw new IllegalArgumentException("model answer is not JSON", e);
    }
    double score = Double.NaN;
    List<GenericRecord> factors = new ArrayList<>();
    Schema factorSchema = leadScored.getField("topFactors").schema().getElementType();
    for (JsonNode o : res.path("outputs")) {
      String name = o.path("name").asText();
      if (name.equals("score")) score = o.path("data").path(0).asDouble();
      else if (name.equals("factors") && o.path("data").path(0).isTextual()) {
        try {
          for (JsonNode f : JSON.readTree(o.path("data").path(0).asText())) {
            GenericRecord fr = new GenericData.Record(factorSchema);
            fr.put("feature", f.path("feature").asText());
            fr.put("contribution", f.path("contribution").asDouble());
            factors.add(fr);
          }
        } catch (IOException e) {
          throw new IllegalArgumentException("factors are not JSON", e);
        }
      }
    }
    if (Double.isNaN(score)) throw new IllegalArgumentException("model answer without a score: " + response);
    GenericRecord s = new GenericData.Record(leadScored);
    s.put("leadId", leadId);
    s.put("sourceEventId", eventId);
    s.put("score", score);
    s.put("band", new GenericData.EnumSymbol(leadScored.getField("band").schema(), score >= 0.7 ? "HOT" : score >= 0.4 ? "WARM" : "COLD"));
    s.put("topFactors", factors);
    s.put("modelName", res.path("model_name").asText());
    s.put("modelVersion", res.path("model_version").asText("unknown"));
    s.put("degraded", false);
    s.put("scoredAt", System.currentTimeMillis());
    out.reset();
    out.write(0);
    out.write(resultId >>> 24);
    out.write(resultId >>> 16);
    out.write(resultId >>> 8);
    out.write(resultId);
    encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    try {
      writer.write(s, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The headers that join a result to its source record (the names Junction uses). */
  public static final String SOURCE_PARTITION = "junction-source-partition";
  public static final String SOURCE_OFFSET = "junction-source-offset";
}
