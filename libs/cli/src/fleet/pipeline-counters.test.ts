// Counting from Kafka: source records from the pipeline's committed offsets at the start to the end
// offsets, results by a read_committed count (each transaction commit takes an offset too), lag from
// the pipeline group's committed offsets.
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '@junction/kafka';
import { eventually, testStack, uniqueGroup, uniqueSuffix, uniqueTopic } from '@junction/testing';
import type { PipelineTopicNames } from '@junction/fleet-infra';
import { PipelineCounters } from './pipeline-counters';

const kafka = () => createKafka({ brokers: testStack().brokers, clientId: 'counters-test' });
const created: string[] = [];

afterAll(async () => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics: created });
  await admin.disconnect();
});

describe('PipelineCounters', () => {
  it('counts what happened since the start, transactions counted by record, not by offset', async () => {
    const base = `test.counters.${uniqueSuffix()}`;
    const output = uniqueTopic(`${base}.output.v1`);
    const review = uniqueTopic(`${base}.review.v1`);
    const names: PipelineTopicNames = {
      pipeline: 'counted',
      group: uniqueGroup('junction.counted'),
      source: uniqueTopic(`${base}.source.v1`),
      outputs: { output, review },
      output,
      review,
      retry: uniqueTopic(`${base}.retry`),
      dlq: uniqueTopic(`${base}.dlq`),
      completed: uniqueTopic(`${base}.completed`),
    };
    const topics = [names.source, names.output, names.review!, names.retry, names.dlq];
    created.push(...topics);
    const k = kafka();
    await ensureTopics(
      k,
      topics.map((topic) => ({ topic, partitions: 2 })),
    );

    // results before the start are not counted; a source record the pipeline had not processed at the
    // start is (its result, whenever it comes, is counted too)
    const plain = k.producer({ idempotent: true, maxInFlightRequests: 1 });
    await plain.connect();
    await plain.send({ topic: names.source, messages: [{ key: 'old', value: 'x', partition: 1 }] });
    const tx = k.producer({
      transactionalId: `counters-test-${uniqueSuffix()}`,
      maxInFlightRequests: 1,
      idempotent: true,
    });
    await tx.connect();
    const inTransaction = async (topic: string, n: number, commit = true) => {
      for (let i = 0; i < n; i++) {
        const t = await tx.transaction();
        await t.send({ topic, messages: [{ key: `k${i}`, value: 'v' }] });
        await (commit ? t.commit() : t.abort());
      }
    };
    await inTransaction(names.output, 2);

    const expected = { pipeline: 'counted', in: 1 + 6, out: 4, review: 0, retry: 0, dlq: 1, lag: 1 + 4 };
    const outputEnd = async () => {
      const admin = k.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(names.output);
      await admin.disconnect();
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    };
    const outputAtStart = await outputEnd();
    const counters = new PipelineCounters(k, [names]);
    await counters.start();
    try {
      await plain.send({
        topic: names.source,
        messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: 'v', partition: i % 2 })),
      });
      await inTransaction(names.output, 4);
      await inTransaction(names.dlq, 1);
      await inTransaction(names.review!, 1, false); // aborted: never visible downstream
      // the pipeline's group has committed 2 of partition 0's records and nothing on partition 1
      const admin = k.admin();
      await admin.connect();
      const p0 = (await admin.fetchTopicOffsets(names.source)).find((p) => p.partition === 0)!;
      await admin.setOffsets({
        groupId: names.group,
        topic: names.source,
        partitions: [{ partition: 0, offset: String(Number(p0.high) - 1) }],
      });
      await admin.disconnect();

      // partition 0: 3 new records, 2 committed; partition 1: the old one and 3 new, none committed
      let last: unknown;
      await eventually(async () => {
        [last] = await counters.sample();
        return JSON.stringify(last) === JSON.stringify(expected);
      }, 'the counts').catch(() => {
        expect(last).toEqual(expected);
      });
      // why results are counted, not taken from end offsets: each commit marker took an offset
      expect((await outputEnd()) - outputAtStart).toBe(8);
    } finally {
      await counters.stop();
      await tx.disconnect();
      await plain.disconnect();
    }
  });
});
