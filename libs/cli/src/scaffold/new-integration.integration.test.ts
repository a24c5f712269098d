// The README's "add an integration" path, end to end on the real stack: `junction new integration`
// for a fresh domain, the mapping filled in, the types generated, and the new pipeline scoring events
// into its output and review topics. Everything it writes is under services/<name>/ and
// schemas/<domain>/ (removed again at the end); the test checks that nothing else changed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { registerSchemas, type FleetPlan, workspaceRoot } from '@junction/fleet-infra';
import { createKafka, ensureTopics } from '@junction/kafka';
import { AvroSerde, parseAvroSchema, RegistryClient } from '@junction/schemas';
import { readTopic, testStack } from '@junction/testing';

const run = promisify(execFile);
const root = workspaceRoot();
const domain = `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const name = `risk-${domain}`;
const topics = {
  source: `${domain}.order.created.v1`,
  output: `${domain}.order.flagged.v1`,
  review: `${domain}.order.review.v1`,
};
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const junction = (...args: string[]) =>
  run(process.execPath, ['--import', tsx, join(root, 'libs/cli/src/main.ts'), ...args], { cwd: root });
const gitStatus = async () =>
  (await run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root })).stdout
    .split('\n')
    .filter(Boolean)
    .sort();

const created: string[] = [];
let service: ChildProcess | undefined;
let model: Server | undefined;
let before: string[] = [];

afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((ok) => service!.once('exit', ok));
    service.kill('SIGTERM');
    await exited;
  }
  model?.close();
  if (created.length) {
    const admin = createKafka({ brokers: testStack().brokers, clientId: 'new-integration-test' }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  }
  rmSync(join(root, 'services', name), { recursive: true, force: true });
  rmSync(join(root, 'schemas', domain), { recursive: true, force: true });
  await run(process.execPath, ['--import', tsx, join(root, 'scripts/gen-schema-types.ts')], { cwd: root });
});

/** What `pnpm install` does for a new workspace package: link its workspace dependencies. */
function linkWorkspaceDeps(service: string): void {
  const pkg = JSON.parse(readFileSync(join(root, 'services', service, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const folders: Record<string, string> = {
    '@junction/calls': 'libs/calls',
    '@junction/nest': 'libs/nest',
    '@junction/pipeline': 'libs/pipeline',
    '@junction/schema-types': 'schemas',
  };
  const dir = join(root, 'services', service, 'node_modules', '@junction');
  mkdirSync(dir, { recursive: true });
  for (const dep of Object.keys(pkg.dependencies))
    symlinkSync(join(root, folders[dep]!), join(dir, dep.slice('@junction/'.length)));
}

describe('junction new integration', () => {
  it('scaffolds a pipeline for a fresh domain that scores events end to end, touching nothing else', async () => {
    before = await gitStatus();
    const { stdout } = await junction(
      'new',
      'integration',
      name,
      '--source',
      topics.source,
      '--output',
      topics.output,
      '--review',
      topics.review,
      '--protocol',
      'json',
    );
    expect(stdout).toContain(`created services/${name}/src/${name}.pipeline.ts`);

    // the README's step: a field of the user's own in the source schema, mapped into the request
    const sourceFile = join(root, 'schemas', domain, `${topics.source}.avsc`);
    const schema = JSON.parse(readFileSync(sourceFile, 'utf8')) as { fields: unknown[] };
    schema.fields.push({
      name: 'country',
      type: 'string',
      doc: 'ISO 3166-1 alpha-2 of the delivery address.',
    });
    writeFileSync(sourceFile, JSON.stringify(schema, null, 2));
    const pipelineFile = join(root, 'services', name, 'src', `${name}.pipeline.ts`);
    const code = readFileSync(pipelineFile, 'utf8');
    expect(code).toContain("request: pick('amount'),");
    writeFileSync(
      pipelineFile,
      code
        .replace(/Pick<(\w+), 'amount'>/, "Pick<$1, 'amount' | 'country'>")
        .replace("request: pick('amount'),", "request: pick('amount', 'country'),"),
    );
    await run(process.execPath, ['--import', tsx, join(root, 'scripts/gen-schema-types.ts')], { cwd: root });
    linkWorkspaceDeps(name);

    // only new folders, and nothing the fleet needs listed anywhere else
    const after = await gitStatus();
    const added = after.filter((l) => !before.includes(l));
    expect(added.length).toBeGreaterThan(0);
    for (const line of added)
      expect(line).toMatch(new RegExp(`^\\?\\? (services/${name}|schemas/${domain})/`));
    const plan = JSON.parse((await junction('topics', 'plan', '--json')).stdout) as FleetPlan;
    expect(plan.problems).toEqual([]);
    const mine = plan.pipelines.find((p) => p.pipeline === name)!;
    expect(mine).toMatchObject({
      source: topics.source,
      outputs: { output: topics.output, review: topics.review },
    });
    expect(plan.subjects[`${topics.output}-value`]).toBe(`schemas/${domain}/${topics.output}.avsc`);

    // the stack: topics as the plan says (fewer partitions: a test), schemas registered
    const { brokers, schemaRegistryUrl } = testStack();
    const kafka = createKafka({ brokers, clientId: 'new-integration-test' });
    const specs = plan.topics
      .filter((t) =>
        [mine.source, ...Object.values(mine.outputs), mine.retry, mine.dlq, mine.completed].includes(t.topic),
      )
      .map((t) => ({ ...t, partitions: 2 }));
    created.push(...specs.map((s) => s.topic));
    await ensureTopics(kafka, specs);
    const registered = await registerSchemas({
      registryUrl: schemaRegistryUrl,
      dir: join(root, 'schemas', domain),
    });
    expect(registered.map((r) => r.action)).toEqual(['registered', 'registered', 'registered']);

    // a JSON model of the user's own, outside the fleet: risky for one country, its version in the answer
    const calls: { amount: number; country: string }[] = [];
    model = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const r = JSON.parse(body) as { amount: number; country: string };
        calls.push(r);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ score: r.country === 'XX' ? 0.95 : 0.1, version: '7' }));
      });
    });
    await new Promise<void>((ok) => model!.listen(0, '127.0.0.1', ok));
    const modelVariable = `${name.toUpperCase().replace(/-/g, '_')}_MODEL_URL`;

    // the service as `junction up` starts it (its own process: it loads the freshly generated types)
    service = spawn(process.execPath, ['--import', tsx, join(root, 'services', name, 'src', 'main.ts')], {
      cwd: join(root, 'services', name),
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers.join(','),
        SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        [modelVariable]: `http://127.0.0.1:${(model.address() as AddressInfo).port}`,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });

    const registry = new RegistryClient({ url: schemaRegistryUrl });
    const encoder = await new AvroSerde(registry).encoder(
      `${topics.source}-value`,
      JSON.parse(readFileSync(sourceFile, 'utf8')) as Record<string, unknown>,
      { autoRegister: false },
    );
    const events = Array.from({ length: 12 }, (_, i) => ({
      eventId: `e-${i}`,
      orderId: `o-${i}`,
      createdAt: Date.now(),
      amount: 100 + i,
      contactEmail: `buyer${i}@example.com`,
      country: i % 4 === 0 ? 'XX' : 'DE',
    }));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: topics.source,
      messages: events.map((e) => ({ key: e.orderId, value: encoder.encode(e) })),
    });
    await producer.disconnect();

    const flagged = await readTopic(kafka, topics.output, { expected: 9, timeoutMs: 60_000 });
    const review = await readTopic(kafka, topics.review, { expected: 3 });
    const decode = async (value: Buffer | null) =>
      parseAvroSchema((await registry.getSchemaById(value!.readInt32BE(1))).schema).fromBuffer(
        value!.subarray(5),
      ) as {
        orderId: string;
        score: number;
        modelVersion: string;
        degraded: boolean;
        reason?: string;
      };
    const out = await Promise.all(flagged.map((r) => decode(r.value)));
    const rev = await Promise.all(review.map((r) => decode(r.value)));
    expect(out.map((r) => r.orderId).sort()).toEqual(
      events
        .filter((e) => e.country !== 'XX')
        .map((e) => e.orderId)
        .sort(),
    );
    expect(rev.map((r) => r.orderId).sort()).toEqual(['o-0', 'o-4', 'o-8']);
    expect(rev[0]).toMatchObject({
      score: 0.95,
      modelVersion: '7',
      degraded: false,
      reason: 'score 0.950 is above 0.8',
    });
    expect(flagged[0]!.headers['junction-model-name']?.toString()).toBe(`${name}-model`);
    expect(flagged[0]!.headers['junction-model-version']?.toString()).toBe('7');
    expect(calls.every((c) => typeof c.country === 'string')).toBe(true);
    expect(existsSync(join(root, 'services', name, 'src', `${name}.pipeline.test.ts`))).toBe(true);
  });
});
