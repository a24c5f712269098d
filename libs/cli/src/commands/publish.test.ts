import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '@junction/fleet-infra';
import { createKafka, ensureTopics } from '@junction/kafka';
import { RegistryClient } from '@junction/schemas';
import { readTopic, testStack, uniqueTopic } from '@junction/testing';
import { parseEvents } from './messages';

const root = workspaceRoot();
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const created: string[] = [];

afterAll(async () => {
  if (!created.length) return;
  const admin = createKafka({ brokers: testStack().brokers, clientId: 'publish-test' }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: created });
  await admin.disconnect();
});

describe('parseEvents', () => {
  it('takes one JSON document, even over several lines', () => {
    expect(parseEvents('{\n  "a": 1\n}\n')).toEqual([{ line: 1, event: { a: 1 } }]);
  });

  it('takes JSON lines, skipping blank ones, and names a bad line', () => {
    expect(parseEvents('{"a":1}\n\n{"a":2}\n')).toEqual([
      { line: 1, event: { a: 1 } },
      { line: 3, event: { a: 2 } },
    ]);
    expect(() => parseEvents('{"a":1}\n{"a":\n')).toThrow(/^line 2: not valid JSON/);
    expect(() => parseEvents('  \n')).toThrow('no event given: the input is empty');
  });
});

describe('junction publish', () => {
  it('sends thousands of JSON lines from stdin in one process, with keys from a field and headers', async () => {
    const { brokers, schemaRegistryUrl } = testStack();
    const topic = uniqueTopic('test.publish.event.v1');
    created.push(topic);
    const kafka = createKafka({ brokers, clientId: 'publish-test' });
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    await new RegistryClient({ url: schemaRegistryUrl }).register(`${topic}-value`, {
      type: 'record',
      name: 'PublishProbe',
      namespace: 'junction.test.v1',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'n', type: 'int' },
      ],
    });
    const n = 3000;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `p-${i}`, n: i })).join('\n');
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [
          '--import',
          tsx,
          join(root, 'libs/cli/src/main.ts'),
          'publish',
          topic,
          '--file',
          '-',
          '--key-field',
          'id',
          '--header',
          'source=bulk',
          '--header',
          'batch=b=1',
          '--brokers',
          brokers.join(','),
          '--registry',
          schemaRegistryUrl,
        ],
        { cwd: root },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      );
      child.stdin!.end(lines);
    });
    expect(stdout).toContain(`published ${n} events to ${topic}`);
    const records = await readTopic(kafka, topic, { expected: n });
    expect(records).toHaveLength(n);
    expect(new Set(records.map((r) => r.key?.toString())).size).toBe(n);
    expect(records[0]!.headers.source?.toString()).toBe('bulk');
    expect(records[0]!.headers.batch?.toString()).toBe('b=1');
  });
});
