// The CLI as a user runs it: flags checked with what is expected, exit codes 0 / 1 / 2 / 3 as documented.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@junction/local-stack';
import { testStack, uniqueSuffix } from '@junction/testing';

const MAIN = join(repoRoot(), 'libs/cli/src/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dirs: string[] = [];
const subjects: string[] = [];

function junction(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, MAIN, ...args],
      {
        cwd: repoRoot(),
        env: { ...process.env, KAFKA_BROKERS: undefined, SCHEMA_REGISTRY_URL: undefined, ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of subjects)
    for (const q of ['', '?permanent=true'])
      await fetch(`${testStack().schemaRegistryUrl}/subjects/${s}${q}`, { method: 'DELETE' }).catch(() => {});
});

describe('junction CLI: usage errors exit 2 and say what is expected', () => {
  it.each([
    [
      ['topics', 'apply', '--brokers', 'not a broker'],
      'expected comma-separated host:port, e.g. 127.0.0.1:9092.',
    ],
    [['schemas', 'register', '--registry', 'ftp://x'], 'expected an http(s) URL.'],
    [['demo', '--duration', '0'], 'expected a positive whole number.'],
    [['logs', 'nope'], 'expected one of: model-server, lead-scoring, ticket-triage, simulator.'],
    [['status', '--jsn'], "unknown option '--jsn'"],
    [['scale', 'lead-scoring', '0'], 'expected a positive whole number.'],
    [['up', '--replicas', 'lead-scoring'], 'expected <service>=<n> with n >= 1, e.g. lead-scoring=2.'],
  ])('junction %j', async (args, expected) => {
    const r = await junction(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
  });
});

describe('junction topics and schemas', () => {
  it('lists the fleet topics against the cluster and dry-runs apply without changing anything', async () => {
    const brokers = testStack().brokers.join(',');
    const list = await junction(['topics', 'list', '--json', '--brokers', brokers]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { topic: string; partitions: number; state: string }[];
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ topic: 'crm.lead.created.v1', partitions: 12 });
    for (const r of rows) expect(['ok', 'missing', 'differs', 'mismatch']).toContain(r.state);

    const dry = await junction(['topics', 'apply', '--dry-run', '--brokers', brokers]);
    // 1 only if someone gave a fleet topic more partitions than its spec, which apply reports
    expect(dry.code === 0 || dry.stderr.includes('partitions are never removed')).toBe(true);
    expect(dry.stdout).toMatch(/^12 topics: \d+ to create, \d+ to update, \d+ unchanged/m);
  });

  it('fails at once, with what to do, when nothing answers at the brokers', async () => {
    const port = await freePort();
    const r = await junction(['topics', 'apply'], {
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`junction: no Kafka answers at 127.0.0.1:${port} (from KAFKA_BROKERS)`);
  });

  it('checks, registers, and exits 1 naming the file when a schema is incompatible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-cli-schemas-'));
    dirs.push(dir);
    const topic = `test.cli.schema.v1.${uniqueSuffix()}`;
    subjects.push(`${topic}-value`);
    const file = join(dir, `${topic}.avsc`);
    const write = (type: string) =>
      writeFileSync(
        file,
        JSON.stringify({
          type: 'record',
          name: 'C',
          namespace: 'junction.test',
          fields: [{ name: 'id', type }],
        }),
      );
    const registry = ['--registry', testStack().schemaRegistryUrl, '--dir', dir];

    write('string');
    const check = await junction(['schemas', 'check', ...registry]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`would-register ${topic}-value  ${topic}.avsc`);
    const register = await junction(['schemas', 'register', '--json', ...registry]);
    expect(register.code).toBe(0);
    expect((JSON.parse(register.stdout) as { changes: { action: string }[] }).changes[0]!.action).toBe(
      'registered',
    );

    write('long');
    const refused = await junction(['schemas', 'register', ...registry]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`incompatible   ${topic}-value  ${topic}.avsc`);
    expect(refused.stdout).toContain(`registry: not BACKWARD compatible with version 1`);
    expect(refused.stderr).toContain(`junction: 1 schema(s) refused (${topic}.avsc); nothing was registered`);
  });
});

describe('junction status', () => {
  it('prints every process and endpoint as JSON and exits 3 when Kafka is down', async () => {
    const port = await freePort();
    const r = await junction(['status', '--json'], {
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
      JUNCTION_MODEL_SERVER_PORT: String(await freePort()),
    });
    expect(r.code).toBe(3);
    const status = JSON.parse(r.stdout) as {
      stack: string;
      kafka: { up: boolean; bootstrap: string };
      schemaRegistry: { up: boolean };
      endpoints: { modelServerUrl: string; services: Record<string, string> };
      processes: { name: string }[];
    };
    expect(status.stack).toBe('external');
    expect(status.kafka).toEqual({ bootstrap: `127.0.0.1:${port}`, up: false });
    expect(status.schemaRegistry.up).toBe(true);
    expect(status.endpoints.modelServerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(status.endpoints.services)).toEqual(['lead-scoring', 'ticket-triage']);
    expect(status.processes.map((p) => p.name)).toEqual([
      'model-server',
      'lead-scoring',
      'ticket-triage',
      'simulator',
    ]);
  });
});
