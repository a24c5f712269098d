import {
  retryTransient,
  TOPIC_CONFIG_RESOURCE,
  type KafkaAdmin,
  type KafkaClient,
  type TopicSpec,
} from '@junction/kafka';
import { validateTopicSpecs } from './fleet-topics';

/** DescribeConfigs `configSource` of a setting stored on the topic itself (not a broker or default value). */
const DYNAMIC_TOPIC_CONFIG = 1;

export interface ConfigChange {
  name: string;
  /** The value on the topic before, or undefined when the broker default applied. */
  from?: string;
  to: string;
}

export interface TopicChange {
  topic: string;
  /**
   * `created`: the topic did not exist; `updated`: partitions added or configs set; `unchanged`; `mismatch`:
   * the topic has more partitions than the spec asks for (never decreased: that would move keys).
   */
  action: 'created' | 'updated' | 'unchanged' | 'mismatch';
  partitions?: { from: number; to: number };
  configs?: ConfigChange[];
  /** One human line: what changed or what is wrong. */
  detail?: string;
}

export interface ApplyOptions {
  /** Work out the changes and report them, change nothing. */
  dryRun?: boolean;
}

/** `compact,delete` and `delete, compact` are the same list. */
function sameValue(name: string, a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (name === 'cleanup.policy') {
    const norm = (v: string) =>
      v
        .split(',')
        .map((x) => x.trim())
        .sort()
        .join(',');
    return norm(a) === norm(b);
  }
  return a.trim() === b.trim();
}

/**
 * Makes the cluster match the specs, idempotently: creates missing topics, adds partitions when a spec
 * asks for more (never removes them: that would reshuffle keys; reported as a mismatch instead), and
 * sets topic configs that differ. Settings stored on a topic that the spec does not name are kept.
 */
export async function applyTopics(
  kafka: KafkaClient,
  specs: TopicSpec[],
  options: ApplyOptions = {},
): Promise<TopicChange[]> {
  validateTopicSpecs(specs);
  const dryRun = options.dryRun ?? false;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await retryTransient('listing topics', () => admin.listTopics()));
    const missing = specs.filter((s) => !existing.has(s.topic));
    const present = specs.filter((s) => existing.has(s.topic));
    if (missing.length && !dryRun) await createTopics(admin, missing);
    const changes = new Map<string, TopicChange>();
    for (const s of missing) {
      const config = Object.entries(s.config ?? {}).map(([k, v]) => `${k}=${v}`);
      changes.set(s.topic, {
        topic: s.topic,
        action: 'created',
        detail: [`${s.partitions ?? 1} partitions`, ...config].join(', '),
      });
    }
    for (const change of await reconcile(admin, present, dryRun)) changes.set(change.topic, change);
    return specs.map((s) => changes.get(s.topic)!);
  } finally {
    await admin.disconnect();
  }
}

async function createTopics(admin: KafkaAdmin, specs: TopicSpec[]): Promise<void> {
  await retryTransient('creating topics', () =>
    admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions ?? 1,
        replicationFactor: s.replicationFactor ?? -1,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    }),
  );
}

async function reconcile(admin: KafkaAdmin, specs: TopicSpec[], dryRun: boolean): Promise<TopicChange[]> {
  if (specs.length === 0) return [];
  const meta = await retryTransient('reading topic metadata', () =>
    admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) }),
  );
  // every config of each topic: the spec's to compare, the topic's other own settings to keep
  const described = await retryTransient('reading topic configs', () =>
    admin.describeConfigs({
      includeSynonyms: false,
      resources: specs.map((s) => ({ type: TOPIC_CONFIG_RESOURCE, name: s.topic })),
    }),
  );
  const changes: TopicChange[] = [];
  for (const s of specs) {
    const change: TopicChange = { topic: s.topic, action: 'unchanged' };
    const notes: string[] = [];

    const have = meta.topics.find((t) => t.name === s.topic)?.partitions.length ?? 0;
    const want = s.partitions ?? have;
    if (want > have) {
      if (!dryRun)
        await retryTransient(`adding partitions to ${s.topic}`, () =>
          admin.createPartitions({ topicPartitions: [{ topic: s.topic, count: want }] }),
        );
      change.partitions = { from: have, to: want };
      change.action = 'updated';
      notes.push(`partitions ${have} -> ${want}`);
    } else if (want < have) {
      change.action = 'mismatch';
      notes.push(`has ${have} partitions, the spec says ${want}: partitions are never removed`);
    }

    const entries = described.resources.find((r) => r.resourceName === s.topic)?.configEntries ?? [];
    const current = (name: string) => entries.find((e) => e.configName === name);
    const differing: ConfigChange[] = Object.entries(s.config ?? {})
      .filter(([name, value]) => !sameValue(name, current(name)?.configValue, value))
      .map(([name, to]) => {
        const from = current(name);
        return { name, to, ...(from && !from.isDefault ? { from: from.configValue } : {}) };
      });
    if (differing.length) {
      if (!dryRun) {
        // AlterConfigs (kafkajs has no incremental variant) replaces the topic's whole set of settings:
        // send the spec's plus every other setting stored on the topic, so only the differing ones move
        const kept = entries
          .filter((e) => e.configSource === DYNAMIC_TOPIC_CONFIG && !(e.configName in (s.config ?? {})))
          .map((e) => ({ name: e.configName, value: e.configValue }));
        await retryTransient(`updating the configs of ${s.topic}`, () =>
          admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: TOPIC_CONFIG_RESOURCE,
                name: s.topic,
                configEntries: [
                  ...Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
                  ...kept,
                ],
              },
            ],
          }),
        );
      }
      change.configs = differing;
      if (change.action === 'unchanged') change.action = 'updated';
      notes.push(differing.map((c) => `${c.name} ${c.from ?? '(default)'} -> ${c.to}`).join(', '));
    }
    if (notes.length) change.detail = notes.join('; ');
    changes.push(change);
  }
  return changes;
}

/** Counts per action, e.g. `{ created: 2, updated: 0, unchanged: 10, mismatch: 0 }`. */
export function countChanges(changes: TopicChange[]): Record<TopicChange['action'], number> {
  const counts = { created: 0, updated: 0, unchanged: 0, mismatch: 0 };
  for (const c of changes) counts[c.action]++;
  return counts;
}
