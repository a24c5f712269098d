// Against the real broker: topics are created, then left alone, then changed where the spec changed.
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka, TOPIC_CONFIG_RESOURCE, type KafkaClient, type TopicSpec } from '@junction/kafka';
import { testStack, uniqueTopic } from '@junction/testing';
import { applyTopics, countChanges } from './apply-topics';

const created: string[] = [];

function kafka(): KafkaClient {
  return createKafka({ brokers: testStack().brokers, clientId: 'fleet-infra-test' });
}

function topics(base: string): { a: string; b: string } {
  const t = { a: uniqueTopic(`${base}.a.v1`), b: uniqueTopic(`${base}.b.v1`) };
  created.push(t.a, t.b);
  return t;
}

async function describeTopic(
  topic: string,
): Promise<{ partitions: number; configs: Record<string, string> }> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const cfg = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: TOPIC_CONFIG_RESOURCE, name: topic }],
    });
    const configs = Object.fromEntries(
      cfg.resources[0]!.configEntries.filter((e) => !e.isDefault).map((e) => [e.configName, e.configValue]),
    );
    return { partitions: meta.topics[0]!.partitions.length, configs };
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  const admin = kafka().admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: created.filter((t) => existing.has(t)) });
  await admin.disconnect();
});

describe('applyTopics', () => {
  it('creates missing topics, then a second run changes nothing', async () => {
    const { a, b } = topics('fleet.apply.twice');
    const specs: TopicSpec[] = [
      { topic: a, partitions: 3, config: { 'retention.ms': '86400000' } },
      { topic: b, partitions: 2, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': '3600000' } },
    ];
    const first = await applyTopics(kafka(), specs);
    expect(first.map((c) => [c.topic, c.action])).toEqual([
      [a, 'created'],
      [b, 'created'],
    ]);
    expect(await describeTopic(b)).toMatchObject({
      partitions: 2,
      configs: { 'cleanup.policy': 'compact,delete', 'retention.ms': '3600000' },
    });

    const second = await applyTopics(kafka(), specs);
    expect(second).toEqual([
      { topic: a, action: 'unchanged' },
      { topic: b, action: 'unchanged' },
    ]);
    expect(countChanges(second)).toEqual({ created: 0, updated: 0, unchanged: 2, mismatch: 0 });
  });

  it('applies a changed config and keeps settings the spec does not name', async () => {
    const { a } = topics('fleet.apply.config');
    await applyTopics(kafka(), [{ topic: a, partitions: 1, config: { 'retention.ms': '86400000' } }]);
    // a setting someone put on the topic by hand, outside the spec
    const admin = kafka().admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC_CONFIG_RESOURCE,
          name: a,
          configEntries: [
            { name: 'retention.ms', value: '86400000' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
    await admin.disconnect();

    const specs: TopicSpec[] = [
      {
        topic: a,
        partitions: 1,
        config: { 'retention.ms': '172800000', 'cleanup.policy': 'delete,compact' },
      },
    ];
    const [change] = await applyTopics(kafka(), specs);
    expect(change).toMatchObject({
      topic: a,
      action: 'updated',
      configs: [
        { name: 'retention.ms', from: '86400000', to: '172800000' },
        { name: 'cleanup.policy', to: 'delete,compact' },
      ],
    });
    expect(change!.detail).toContain('retention.ms 86400000 -> 172800000');
    expect((await describeTopic(a)).configs).toMatchObject({
      'retention.ms': '172800000',
      'max.message.bytes': '2000000',
    });
    // the broker may order the list differently: still the same policy, so nothing to do
    expect((await applyTopics(kafka(), specs))[0]!.action).toBe('unchanged');
  });

  it('adds partitions when the spec asks for more and reports, never applies, fewer', async () => {
    const { a } = topics('fleet.apply.partitions');
    await applyTopics(kafka(), [{ topic: a, partitions: 2 }]);
    const [more] = await applyTopics(kafka(), [{ topic: a, partitions: 4 }]);
    expect(more).toMatchObject({ action: 'updated', partitions: { from: 2, to: 4 } });
    expect((await describeTopic(a)).partitions).toBe(4);

    const [fewer] = await applyTopics(kafka(), [{ topic: a, partitions: 3 }]);
    expect(fewer!.action).toBe('mismatch');
    expect(fewer!.detail).toBe('has 4 partitions, the spec says 3: partitions are never removed');
    expect((await describeTopic(a)).partitions).toBe(4);
  });

  it('changes nothing on a dry run', async () => {
    const { a, b } = topics('fleet.apply.dry');
    await applyTopics(kafka(), [{ topic: a, partitions: 1, config: { 'retention.ms': '86400000' } }]);
    const changes = await applyTopics(
      kafka(),
      [
        { topic: a, partitions: 2, config: { 'retention.ms': '3600000' } },
        { topic: b, partitions: 1 },
      ],
      { dryRun: true },
    );
    expect(changes.map((c) => c.action)).toEqual(['updated', 'created']);
    expect(await describeTopic(a)).toMatchObject({ partitions: 1, configs: { 'retention.ms': '86400000' } });
    const admin = kafka().admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(b);
    await admin.disconnect();
  });
});
