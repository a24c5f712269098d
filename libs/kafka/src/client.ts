import kafkajs, { Kafka, logLevel, type Admin, type Consumer, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
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
  /** Retries of a failed request; default kafkajs's own (5). 0 for a one-shot probe. */
  retries?: number;
}

/** The client `createKafka` returns, and what it makes: the callers' types, so none imports the client. */
export type KafkaClient = Kafka;
export type KafkaAdmin = Admin;
export type KafkaConsumer = Consumer;
export type KafkaProducer = Producer;
export { logLevel as KafkaLogLevel };
// kafkajs is CommonJS and this constant is not visible to ESM named-import detection
/** The config resource type of a topic (DescribeConfigs / AlterConfigs). */
export const TOPIC_CONFIG_RESOURCE = kafkajs.ConfigResourceTypes.TOPIC;

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
  if (conn.retries !== undefined) config.retry = { retries: conn.retries };
  return new Kafka(config);
}
