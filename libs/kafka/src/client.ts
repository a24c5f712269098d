import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { kafkaLogCreator, type KafkaLogSink } from './log';

// kafkajs prints a one-time notice about its v2 default partitioner on every producer; Junction
// always uses the default (murmur2, Java-compatible) partitioner, so the notice is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export interface KafkaConnection {
  brokers: string[];
  clientId?: string;
  /** TLS on the wire; `true` uses the system trust store. */
  ssl?: boolean;
  sasl?: SASLOptions;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs log level; defaults to WARN so a healthy client is quiet. */
  logLevel?: logLevel;
  /** Where kafkajs logs go (a pino logger); default: kafkajs's own JSON lines on stdout. */
  logger?: KafkaLogSink;
}

export function createKafka(conn: KafkaConnection): Kafka {
  const config: KafkaConfig = {
    clientId: conn.clientId ?? 'junction',
    brokers: conn.brokers,
    connectionTimeout: conn.connectionTimeoutMs ?? 3_000,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    logLevel: conn.logLevel ?? logLevel.WARN,
  };
  if (conn.logger) config.logCreator = kafkaLogCreator(conn.logger);
  if (conn.ssl) config.ssl = true;
  if (conn.sasl) config.sasl = conn.sasl;
  return new Kafka(config);
}
