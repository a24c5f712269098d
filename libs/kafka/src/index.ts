/**
 * kafkajs behind Junction's own small interface.
 *
 * ```ts
 * import { createKafka, ensureTopics } from '@junction/kafka';
 * const kafka = createKafka({ brokers: ['127.0.0.1:9092'] });
 * await ensureTopics(kafka, [{ topic: 'crm.lead.created.v1', partitions: 12 }]);
 * ```
 */
export {
  createKafka,
  KafkaLogLevel,
  TOPIC_CONFIG_RESOURCE,
  type KafkaConnection,
  type KafkaClient,
  type KafkaAdmin,
  type KafkaConsumer,
  type KafkaProducer,
} from './client';
export { ensureTopics, type TopicSpec } from './topics';
export { retryTransient } from './retry';
export { kafkaLogCreator, type KafkaLogSink } from './log';
export { PartitionReader, type PartitionReaderOptions, type PartitionRecord } from './partition-reader';
export {
  kafkaSettingsFromEnv,
  toLibrdkafkaConfig,
  toKafkajsConfig,
  describeKafkaSettings,
  KafkaSettingsError,
  SECURITY_PROTOCOLS,
  SASL_MECHANISMS,
  type KafkaConnectionSettings,
  type KafkajsConnectionConfig,
  type LibrdkafkaConfig,
  type SaslSettings,
  type TlsSettings,
  type SecurityProtocol,
  type SaslMechanism,
} from './connection-settings';
export {
  H,
  JUNCTION_FAILURE_HEADERS,
  int32,
  int64,
  headerText,
  headerBuffer,
  headerNumber,
  readRetryState,
  originalHeaders,
  deadLetterHeaders,
  retryHeaders,
  resultHeaders,
  type IHeaders,
  type FailureHeaderFields,
  type FailureContext,
  type ResultContext,
  type Origin,
  type RetryState,
} from './header-contract';
export {
  createClient,
  type Client,
  type Producer,
  type Consumer,
  type Admin,
  type KafkaMessage,
  type EachBatchPayload,
  type TopicPartition,
} from './confluent-client';
export {
  transactionalProducer,
  readCommittedConsumer,
  isFenced,
  requiresAbort,
  type TransactionalProducerOptions,
  type ReadCommittedConsumerOptions,
  type RebalanceHooks,
} from './transactions';
