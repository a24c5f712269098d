import kafkajs, { type Kafka } from 'kafkajs';
import { retryTransient, type TopicSpec } from '@junction/kafka';

// kafkajs is CommonJS and this constant is not visible to ESM named-import detection
const { ConfigResourceTypes } = kafkajs;

export interface TopicChange {
  topic: string;
  action: 'created' | 'updated' | 'unchanged' | 'mismatch';
  detail?: string;
}

/**
 * Makes the cluster match the specs, idempotently: creates missing topics, adds partitions when a spec
 * asks for more (never removes them: that would reshuffle keys; reported as a mismatch instead), and
 * sets topic configs that differ.
 */
export async function applyTopics(
  kafka: Kafka,
  specs: TopicSpec[],
  options: { dryRun?: boolean } = {},
): Promise<TopicChange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await retryTransient('listing topics', () => admin.listTopics()));
    const changes: TopicChange[] = [];
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length && !options.dryRun) {
      await retryTransient('creating topics', () =>
        admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions ?? 1,
            replicationFactor: s.replicationFactor ?? -1,
            configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
          })),
        }),
      );
    }
    for (const s of missing)
      changes.push({ topic: s.topic, action: 'created', detail: `${s.partitions ?? 1} partitions` });

    const present = specs.filter((s) => existing.has(s.topic));
    if (present.length === 0) return changes;
    const meta = await retryTransient('reading topic metadata', () =>
      admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) }),
    );
    const described = await retryTransient('reading topic configs', () =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((s) => ({
          type: ConfigResourceTypes.TOPIC,
          name: s.topic,
          configNames: Object.keys(s.config ?? {}),
        })),
      }),
    );
    for (const s of present) {
      const notes: string[] = [];
      let action: TopicChange['action'] = 'unchanged';
      const have = meta.topics.find((t) => t.name === s.topic)?.partitions.length ?? 0;
      const want = s.partitions ?? have;
      if (want > have) {
        if (!options.dryRun)
          await admin.createPartitions({ topicPartitions: [{ topic: s.topic, count: want }] });
        notes.push(`partitions ${have} -> ${want}`);
        action = 'updated';
      } else if (want < have) {
        notes.push(`has ${have} partitions, spec says ${want}; partitions are never removed`);
        action = 'mismatch';
      }
      const current = described.resources.find((r) => r.resourceName === s.topic)?.configEntries ?? [];
      const differing = Object.entries(s.config ?? {}).filter(
        ([k, v]) => current.find((c) => c.configName === k)?.configValue !== v,
      );
      if (differing.length) {
        if (!options.dryRun) {
          await admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: ConfigResourceTypes.TOPIC,
                name: s.topic,
                // AlterConfigs replaces the topic's whole set: send every setting the spec names
                configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
              },
            ],
          });
        }
        notes.push(differing.map(([k, v]) => `${k}=${v}`).join(', '));
        if (action === 'unchanged') action = 'updated';
      }
      changes.push({ topic: s.topic, action, ...(notes.length ? { detail: notes.join('; ') } : {}) });
    }
    return changes;
  } finally {
    await admin.disconnect();
  }
}
