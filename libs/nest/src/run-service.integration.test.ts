// runService as a service's main.ts uses it, in a child process: a bad configuration exits 1 with
// every problem and no stack trace; SIGTERM stops the pipelines gracefully and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '@junction/kafka';
import { eventually, testStack, uniqueSuffix, uniqueTopic } from '@junction/testing';

const main = fileURLToPath(new URL('./test-fixtures/fake-service.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: repoRoot,
    // only what is given: nothing of the test process's own settings leaks in
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

function logLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('runService', () => {
  it('exits 1 on a bad configuration, listing every problem without a stack trace', async () => {
    const child = startService({ SCHEMA_REGISTRY_URL: 'localhost:8080', PORT: 'eighty' });
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.stderr()).toBe(
      [
        'fake-service: invalid configuration (3 settings):',
        '  KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092',
        '  SCHEMA_REGISTRY_URL: expected an http(s) URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7; found "localhost:8080"',
        '  PORT: expected a TCP port 0-65535 (0 = any free port); found "eighty"',
        '',
      ].join('\n'),
    );
    expect(child.stdout()).toBe('');
  });

  it('stops the pipelines gracefully on SIGTERM, logs their stats and exits 0', async () => {
    const topic = uniqueTopic('test.sigterm.event.v1');
    const pipeline = `sigterm-${uniqueSuffix()}`;
    await ensureTopics(createKafka({ brokers: testStack().brokers }), [{ topic, partitions: 1 }]);
    const child = startService({
      KAFKA_BROKERS: testStack().brokers.join(','),
      SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      TEST_TOPIC: topic,
      TEST_PIPELINE: pipeline,
    });
    try {
      await eventually(
        () => logLines(child.stdout()).some((l) => l.msg === 'service listening'),
        'service listening',
        15_000,
      );
      const listening = logLines(child.stdout()).find((l) => l.msg === 'service listening')!;
      expect(listening).toMatchObject({ level: 'info', service: 'fake-service', pipelines: [pipeline] });
      const url = listening.url as string;
      await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 'ready');

      child.process.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      const lines = logLines(child.stdout());
      expect(lines.find((l) => l.msg === 'stopping pipelines')).toMatchObject({ reason: 'SIGTERM' });
      expect(lines.find((l) => l.msg === 'pipelines stopped')).toMatchObject({
        stats: { [pipeline]: expect.objectContaining({ consumed: 0, commits: expect.any(Number) }) },
      });
      expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
      expect(child.stderr()).toBe('');
    } finally {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
  });
});
