// The mapped settings as the native client (librdkafka) takes them: against the test stack's plaintext
// broker, and with TLS/SASL properties librdkafka must accept at construction (a real CA file).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaJS, RdKafka } from '@confluentinc/kafka-javascript';
import { afterAll, describe, expect, it } from 'vitest';
import { testStack, uniqueTopic } from '@junction/testing';
import { createKafka } from './client';
import { kafkaSettingsFromEnv, toLibrdkafkaConfig } from './connection-settings';
import { ensureTopics } from './topics';

const dir = mkdtempSync(join(tmpdir(), 'junction-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error `connect` reports for these properties within a short timeout. */
function connectError(config: Record<string, string>): Promise<string> {
  const producer = new RdKafka.Producer(config);
  return new Promise<string>((resolve) =>
    producer.connect({ timeout: 1_500 }, (err) => {
      resolve(err ? err.message : 'connected');
      if (!err) producer.disconnect();
    }),
  );
}

describe('connection settings in the native client', () => {
  it('produces to the test stack with the mapped PLAINTEXT settings', async () => {
    const { brokers } = testStack();
    const topic = uniqueTopic('test.settings.native.v1');
    const kafkajs = createKafka({ brokers });
    await ensureTopics(kafkajs, [{ topic, partitions: 1 }]);
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: brokers.join(',') });
    const producer = new KafkaJS.Kafka({
      ...toLibrdkafkaConfig(settings),
      'client.id': 'settings-test',
    }).producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
    } finally {
      await producer.disconnect();
    }
    const admin = kafkajs.admin();
    await admin.connect();
    try {
      expect(await admin.fetchTopicOffsets(topic)).toEqual([
        expect.objectContaining({ partition: 0, high: '1' }),
      ]);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  }, 30_000);

  it('builds a SASL_SSL client librdkafka accepts, trusting a real CA file', async () => {
    const ca = join(dir, 'ca.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=junction-test-ca',
        '-keyout',
        join(dir, 'ca.key'),
        '-out',
        ca,
      ],
      { stdio: 'ignore' },
    );
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: '127.0.0.1:1',
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'lead-scoring',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_SSL_CA_LOCATION: ca,
    });
    // librdkafka checks the properties and loads the CA when the handle is created on connect: with a
    // nothing-listening port, an accepted configuration fails only as a transport failure.
    expect(await connectError(toLibrdkafkaConfig(settings))).toBe('broker transport failure');
    expect(
      await connectError({ ...toLibrdkafkaConfig(settings), 'ssl.ca.location': join(dir, 'ca.key.missing') }),
    ).toMatch(/^ssl\.ca\.location failed/);
  });
});
