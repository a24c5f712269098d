import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { KafkaConnection } from './client';

export type Client = KafkaJS.Kafka;
export type Producer = KafkaJS.Producer;
export type Consumer = KafkaJS.Consumer;
export type Admin = KafkaJS.Admin;
export type KafkaMessage = KafkaJS.KafkaMessage;
export type EachBatchPayload = KafkaJS.EachBatchPayload;
export type TopicPartition = KafkaJS.TopicPartition;

/**
 * The librdkafka client (@confluentinc/kafka-javascript, KafkaJS-compatible API): brokers, client id,
 * TLS and SASL passed through. Producers and consumers come from `transactionalProducer` /
 * `readCommittedConsumer` (transactions.ts), which add the exactly-once settings.
 */
export function createClient(conn: Omit<KafkaConnection, 'logLevel' | 'logger'>): Client {
  const kafkaJS: KafkaJS.KafkaConfig = {
    brokers: conn.brokers,
    clientId: conn.clientId ?? 'junction',
    connectionTimeout: conn.connectionTimeoutMs ?? 3_000,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    // librdkafka logs every reconnect at INFO; WARN keeps a healthy client quiet
    logLevel: KafkaJS.logLevel.WARN,
  };
  if (conn.ssl) kafkaJS.ssl = true;
  if (conn.sasl) kafkaJS.sasl = conn.sasl as KafkaJS.SASLOptions;
  return new KafkaJS.Kafka({ kafkaJS });
}
