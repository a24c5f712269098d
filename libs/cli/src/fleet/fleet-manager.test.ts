// `up` / `status` / `down` with a fleet of tiny real processes against the test stack: the fleet manager
// starts them detached with pid and log files, waits for their health URL, and stops exactly them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createKafka } from '@junction/kafka';
import { isAlive, repoRoot } from '@junction/local-stack';
import { testStack, uniqueSuffix, uniqueTopic } from '@junction/testing';
import { parseFleet, type FleetEntry } from './fleet';
import { FleetManager, somethingDown } from './fleet-manager';

const FIXTURES = 'libs/cli/src/fleet/test-fixtures';
const topics: string[] = [];
/** Subjects beside each topic's own (`<topic>-value`). */
const subjects: string[] = [];
const managers: FleetManager[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A fleet manager on the test stack with its own folder, one unique topic and one unique schema. */
function manager(entries: FleetEntry[] | ((topic: string) => FleetEntry[])): {
  manager: FleetManager;
  dir: string;
  topic: string;
} {
  const { brokers, schemaRegistryUrl } = testStack();
  const dir = mkdtempSync(join(tmpdir(), 'junction-fleet-'));
  const schemas = join(dir, 'schemas');
  const topic = uniqueTopic('test.fleet.up.v1');
  topics.push(topic);
  mkdirSync(schemas);
  writeFileSync(
    join(schemas, `${topic}.avsc`),
    JSON.stringify({
      type: 'record',
      name: 'Up',
      namespace: 'junction.test',
      fields: [{ name: 'id', type: 'string' }],
    }),
  );
  const m = new FleetManager({
    members: parseFleet(typeof entries === 'function' ? entries(topic) : entries, {}),
    root: repoRoot(),
    dir,
    stack: { kind: 'external', brokers, registryUrl: schemaRegistryUrl },
    topics: [{ topic, partitions: 2, config: { 'retention.ms': '3600000' } }],
    schemasDir: schemas,
    readyTimeoutMs: 30_000,
    settleMs: 500,
    stopGraceMs: 5_000,
  });
  managers.push(m);
  return { manager: m, dir, topic };
}

afterEach(async () => {
  // whatever a failed assertion left running
  for (const m of managers.splice(0)) {
    await m.down();
    rmSync(m.dir, { recursive: true, force: true });
  }
});

afterAll(async () => {
  const { brokers, schemaRegistryUrl } = testStack();
  const admin = createKafka({ brokers }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) });
  await admin.disconnect();
  for (const t of [...topics, ...subjects])
    for (const q of ['', '?permanent=true'])
      await fetch(`${schemaRegistryUrl}/subjects/${t}-value${q}`, { method: 'DELETE' }).catch(() => {});
});

describe('FleetManager', () => {
  it('starts a member, reports it up and healthy, skips one not written yet, and stops it on down', async () => {
    const port = await freePort();
    const {
      manager: fleet,
      dir,
      topic,
    } = manager([
      {
        name: 'fixture-web',
        entry: `${FIXTURES}/health-server.ts`,
        cwd: 'libs/cli',
        port,
        health: '/health/ready',
        args: ['--rate', '{rate}'],
        env: { PORT: '{port}', KAFKA_BROKERS: '{kafka}' },
      },
      {
        name: `not-written-${uniqueSuffix()}`,
        entry: 'services/not-written-yet/src/main.ts',
        cwd: 'services/not-written-yet',
        port: await freePort(),
        health: '/health/ready',
      },
    ]);
    const lines: string[] = [];
    const up = await fleet.up({ log: (l) => lines.push(l) });
    expect(up.started).toEqual(['fixture-web']);
    expect(up.skipped).toHaveLength(1);
    expect(up.startedStack).toBe(false);
    expect(lines.join('\n')).toMatch(/skipped, services\/not-written-yet\/src\/main\.ts is not there yet/);
    expect(lines.join('\n')).toContain('topics: 1 created, 0 updated, 0 unchanged');
    expect(lines.join('\n')).toContain('schemas: 1 registered, 0 unchanged');

    // what `junction status --json` prints
    const status = JSON.parse(JSON.stringify(await fleet.status())) as Awaited<
      ReturnType<FleetManager['status']>
    >;
    const web = status.processes.find((p) => p.name === 'fixture-web')!;
    expect(web).toMatchObject({
      present: true,
      up: true,
      port,
      url: `http://127.0.0.1:${port}`,
      healthUrl: `http://127.0.0.1:${port}/health/ready`,
      healthy: true,
      log: join(dir, 'logs', 'fixture-web.log'),
    });
    expect(status.processes[1]).toMatchObject({ present: false, up: false });
    expect(status).toMatchObject({
      stack: 'external',
      kafka: { up: true, bootstrap: testStack().brokers.join(',') },
      schemaRegistry: { up: true, url: testStack().schemaRegistryUrl },
      endpoints: { services: { 'fixture-web': `http://127.0.0.1:${port}` } },
    });
    expect(somethingDown(status)).toBe(false);
    const pid = web.pid!;
    expect(readFileSync(join(dir, 'pids', 'fixture-web.pid'), 'utf8').trim()).toBe(String(pid));

    // the member got its placeholders filled
    const ready = (await (await fetch(web.healthUrl!)).json()) as { kafka: string; args: string[] };
    expect(ready).toEqual({ status: 'ok', kafka: testStack().brokers.join(','), args: ['--rate', '20'] });

    // idempotent: nothing started twice, topics and schemas unchanged
    lines.length = 0;
    const again = await fleet.up({ log: (l) => lines.push(l) });
    expect(again.started).toEqual([]);
    expect(again.status.processes[0]!.pid).toBe(pid);
    expect(lines.join('\n')).toContain('topics: 0 created, 0 updated, 1 unchanged');
    expect(lines.join('\n')).toContain('schemas: 0 registered, 1 unchanged');
    expect(lines.join('\n')).toContain(`fixture-web: already running (pid ${pid})`);

    expect(await fleet.down()).toEqual(['fixture-web']);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(dir, 'pids', 'fixture-web.pid'))).toBe(false);
    const after = await fleet.status();
    expect(after.processes[0]).toMatchObject({ up: false, healthy: false });
    expect(somethingDown(after)).toBe(true);
    expect(fleet.logs('fixture-web', 5).text).toContain(`health-server listening on ${port}`);
    expect(topic).toBeTruthy();
  });

  it('fails fast with the last log lines when a member dies during start-up', async () => {
    const { manager: fleet } = manager([
      {
        name: 'fixture-crash',
        entry: `${FIXTURES}/crash-on-start.ts`,
        cwd: 'libs/cli',
        port: await freePort(),
        health: '/health/ready',
      },
    ]);
    const started = Date.now();
    await expect(fleet.up()).rejects.toThrow(
      /fixture-crash exited during start-up; last lines of .*fixture-crash\.log:\n.*cannot start: FIXTURE_SETTING is missing/s,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fleet.lastUp.started).toEqual(['fixture-crash']);
  });

  it('refuses a port someone else holds, naming it', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const { manager: fleet } = manager([
        {
          name: 'fixture-web',
          entry: `${FIXTURES}/health-server.ts`,
          cwd: 'libs/cli',
          port,
          health: '/health/ready',
          env: { PORT: '{port}' },
        },
      ]);
      await expect(fleet.up()).rejects.toThrow(`port ${port} (fixture-web) is in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('FleetManager: replicas', () => {
  /** Members of the pipeline's consumer group once it is stable with `count` of them. */
  async function groupMembers(group: string, count: number): Promise<string[]> {
    const admin = createKafka({ brokers: testStack().brokers }).admin();
    await admin.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { groups } = await admin.describeGroups([group]);
        const g = groups[0]!;
        if (g.state === 'Stable' && g.members.length === count) return g.members.map((m) => m.clientId);
        if (Date.now() > deadline)
          throw new Error(`${group}: ${g.state} with ${g.members.length} members, expected ${count}`);
        await new Promise((ok) => setTimeout(ok, 250));
      }
    } finally {
      await admin.disconnect();
    }
  }

  it('scales a pipeline service to 2 replicas in one consumer group, each on its own port and log, and back to 1', async () => {
    const pipeline = `fleet-scale-${uniqueSuffix()}`;
    const name = 'fixture-pipeline';
    const [port, webPort] = [await freePort(), await freePort()];
    const {
      manager: fleet,
      dir,
      topic,
    } = manager((source): FleetEntry[] => [
      {
        name,
        entry: `${FIXTURES}/pipeline-service.ts`,
        cwd: 'libs/cli',
        port,
        health: '/health/ready',
        pipeline: true,
        env: {
          PORT: '{port}',
          KAFKA_BROKERS: '{kafka}',
          SCHEMA_REGISTRY_URL: '{registry}',
          FIXTURE_TOPIC: source,
          FIXTURE_PIPELINE: pipeline,
        },
      },
      {
        name: 'fixture-web',
        entry: `${FIXTURES}/health-server.ts`,
        cwd: 'libs/cli',
        port: webPort,
        health: '/health/ready',
        env: { PORT: '{port}' },
      },
    ]);
    topics.push(`${topic}.out`, ...['retry', 'dlq'].map((t) => `${topic}.${pipeline}.${t}`));
    topics.push(`junction.${pipeline}.completed`);
    subjects.push(`${topic}.out`);

    await fleet.up();
    const group = `junction.${pipeline}`;
    expect(await groupMembers(group, 1)).toHaveLength(1);

    const up = await fleet.scale(name, 2);
    expect(up).toEqual({ started: [`${name}#2`], stopped: [], replicas: [name, `${name}#2`] });
    expect(await groupMembers(group, 2)).toHaveLength(2);
    const status = JSON.parse(JSON.stringify(await fleet.status())) as Awaited<
      ReturnType<FleetManager['status']>
    >;
    const [first, second] = status.processes.filter((p) => p.name.startsWith(name));
    expect(first).toMatchObject({ name, up: true, healthy: true, log: join(dir, 'logs', `${name}.log`) });
    expect(second).toMatchObject({
      name: `${name}#2`,
      replicaOf: name,
      up: true,
      healthy: true,
      log: join(dir, 'logs', `${name}#2.log`),
    });
    expect(second!.port).not.toBe(first!.port);
    expect(second!.pid).not.toBe(first!.pid);
    expect(fleet.logs(`${name}#2`, 5).text).toContain(
      `pipeline-service ${pipeline} ready on ${second!.port}`,
    );

    // only pipeline services scale
    await expect(fleet.scale('fixture-web', 2)).rejects.toThrow(/fixture-web is not a pipeline service/);

    const down = await fleet.scale(name, 1);
    expect(down).toEqual({ started: [], stopped: [`${name}#2`], replicas: [name] });
    expect(isAlive(second!.pid!)).toBe(false);
    expect(await groupMembers(group, 1)).toHaveLength(1);
    expect((await fleet.status()).processes.map((p) => p.name)).toEqual([name, 'fixture-web']);

    await fleet.scale(name, 2);
    expect((await fleet.down()).sort()).toEqual(['fixture-web', name, `${name}#2`].sort());
    expect((await fleet.status()).processes.some((p) => p.up)).toBe(false);
  });
});
