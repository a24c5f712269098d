import type { Kafka, ITopicConfig } from 'kafkajs';
import { retryTransient } from './retry';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  /** Topic-level configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Record<string, string>;
}

/** Creates the topics that do not exist yet and waits for their leaders; existing topics are left alone. */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = specs
      .filter((s) => !existing.has(s.topic))
      .map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions ?? 1,
        replicationFactor: s.replicationFactor ?? -1,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      }));
    if (missing.length > 0) {
      const names = missing.map((t) => t.topic);
      await admin.createTopics({ topics: missing, waitForLeaders: false });
      // Waited for here rather than by kafkajs's waitForLeaders, which gives up on the first "does not
      // host this topic-partition" a broker answers while the new topic's metadata spreads (seen on a
      // loaded machine).
      await retryTransient(`waiting for the leaders of ${names.join(', ')}`, async () => {
        const meta = await admin.fetchTopicMetadata({ topics: names });
        const ready = meta.topics.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        );
        if (!ready) throw Object.assign(new Error('leaders not elected yet'), { retriable: true });
      });
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
