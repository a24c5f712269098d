/**
 * What each pipeline did since a moment, read from Kafka itself:
 *
 * - events in: end offsets of the source topic now minus the pipeline's committed offsets at the start
 *   (the simulators' producers are not transactional, so one offset is one record). Results are
 *   committed in the same transaction as those offsets, so an event sent before the start and
 *   processed after it counts in "in" as its result counts in "out";
 * - results out, review, retry, DLQ: records counted by a read_committed consumer from the start offsets.
 *   These topics are written in transactions, and every commit puts a marker on each partition it touched,
 *   taking an offset: at demo rates nearly every result is its own transaction, so end offsets would
 *   count about twice the results;
 * - lag: end offsets of the source minus the pipeline group's committed offsets.
 */
import { hostname } from 'node:os';
import type { KafkaAdmin, KafkaClient, KafkaConsumer } from '@junction/kafka';
import type { PipelineTopicNames } from '@junction/fleet-infra';
import { consumerLag, offsetDelta, type PartitionOffsets, type PipelineSample } from './summary';

type Role = 'out' | 'review' | 'retry' | 'dlq';

function toOffsets(list: { partition: number; offset: string }[]): PartitionOffsets {
  return Object.fromEntries(list.map((p) => [p.partition, Number(p.offset)]));
}

export class PipelineCounters {
  private admin: KafkaAdmin | undefined;
  private consumer: KafkaConsumer | undefined;
  private readonly groupId: string;
  /** Source offsets the pipeline had committed at the start (the start of the topic where none), by pipeline. */
  private readonly startSource = new Map<string, PartitionOffsets>();
  /** Start offsets of the counted topics. */
  private readonly startCounted = new Map<string, PartitionOffsets>();
  /** Next offset to count, per `topic:partition` (a rejoin resumes there, so nothing is counted twice). */
  private readonly next = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private readonly roles: { topic: string; pipeline: string; role: Role }[];

  constructor(
    private readonly kafka: KafkaClient,
    private readonly pipelines: PipelineTopicNames[],
    options: { groupId?: string } = {},
  ) {
    this.groupId = options.groupId ?? `junction-demo.${hostname()}.${process.pid}.${Date.now()}`;
    this.roles = pipelines.flatMap((p) => [
      { topic: p.output, pipeline: p.pipeline, role: 'out' as const },
      ...(p.review ? [{ topic: p.review, pipeline: p.pipeline, role: 'review' as const }] : []),
      { topic: p.retry, pipeline: p.pipeline, role: 'retry' as const },
      { topic: p.dlq, pipeline: p.pipeline, role: 'dlq' as const },
    ]);
  }

  /** Takes the start offsets and starts counting. The topics must exist (`topics apply`). */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    for (const p of this.pipelines) {
      const bounds = await admin.fetchTopicOffsets(p.source);
      const [committed] = await admin.fetchOffsets({ groupId: p.group, topics: [p.source] });
      this.startSource.set(
        p.pipeline,
        Object.fromEntries(
          bounds.map((b) => {
            const c = Number(committed?.partitions.find((x) => x.partition === b.partition)?.offset ?? -1);
            return [b.partition, c >= 0 ? c : Number(b.low)];
          }),
        ),
      );
    }
    for (const { topic } of this.roles) {
      const offsets = toOffsets(await admin.fetchTopicOffsets(topic));
      this.startCounted.set(topic, offsets);
      this.counts.set(topic, 0);
    }

    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const offset =
            this.next.get(`${topic}:${partition}`) ?? this.startCounted.get(topic)?.[partition] ?? 0;
          consumer.seek({ topic, partition, offset: String(offset) });
        }
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.roles.map((r) => r.topic), fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const from = this.next.get(key) ?? this.startCounted.get(batch.topic)?.[batch.partition] ?? 0;
        const fresh = batch.messages.filter((m) => Number(m.offset) >= from);
        if (fresh.length) {
          this.counts.set(batch.topic, (this.counts.get(batch.topic) ?? 0) + fresh.length);
          this.next.set(key, Number(fresh[fresh.length - 1]!.offset) + 1);
        }
      },
    });
  }

  async sample(): Promise<PipelineSample[]> {
    const admin = this.admin;
    if (!admin) throw new Error('PipelineCounters.sample() before start()');
    return Promise.all(
      this.pipelines.map(async (p) => {
        const source = await admin.fetchTopicOffsets(p.source);
        const ends = toOffsets(source.map((s) => ({ partition: s.partition, offset: s.high })));
        const lows = toOffsets(source.map((s) => ({ partition: s.partition, offset: s.low })));
        const [group] = await admin.fetchOffsets({ groupId: p.group, topics: [p.source] });
        const count = (role: Role) =>
          this.roles
            .filter((r) => r.pipeline === p.pipeline && r.role === role)
            .reduce((sum, r) => sum + (this.counts.get(r.topic) ?? 0), 0);
        return {
          pipeline: p.pipeline,
          in: offsetDelta(this.startSource.get(p.pipeline) ?? {}, ends),
          out: count('out'),
          review: count('review'),
          retry: count('retry'),
          dlq: count('dlq'),
          lag: consumerLag(ends, toOffsets(group?.partitions ?? []), lows),
        };
      }),
    );
  }

  /** Stops counting and removes the counting group. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
    if (this.admin) {
      await this.admin.deleteGroups([this.groupId]).catch(() => {});
      await this.admin.disconnect().catch(() => {});
    }
    this.consumer = undefined;
    this.admin = undefined;
  }
}
