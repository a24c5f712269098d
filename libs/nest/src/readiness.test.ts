import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunnerHealth } from '@junction/pipeline';
import { checkRegistry, evaluateReadiness, type RegistryCheck } from './readiness';

const registryUp: RegistryCheck = { ok: true, url: 'http://registry', status: 200, latencyMs: 3 };

function runner(overrides: Partial<RunnerHealth> = {}): RunnerHealth {
  return {
    running: true,
    kafkaConnected: true,
    assignedPartitions: ['t:0'],
    pausedPartitions: 0,
    inFlight: 2,
    buffered: 5,
    circuit: 'closed',
    ...overrides,
  };
}

function verdict(pipelines: Record<string, RunnerHealth>, registry = registryUp, stopping = false) {
  return evaluateReadiness({ brokers: ['k:9092'], registry, pipelines, stopping });
}

describe('evaluateReadiness', () => {
  it('is ready when every pipeline runs connected with a closed circuit and the registry answers', () => {
    expect(verdict({ a: runner(), b: runner({ assignedPartitions: [], circuit: 'half-open' }) })).toEqual({
      status: 'ready',
      checks: {
        kafka: { ok: true, brokers: ['k:9092'] },
        registry: registryUp,
        pipelines: {
          a: {
            running: true,
            kafkaConnected: true,
            assignedPartitions: ['t:0'],
            inFlight: 2,
            circuit: 'closed',
            ok: true,
          },
          b: {
            running: true,
            kafkaConnected: true,
            assignedPartitions: [],
            inFlight: 2,
            circuit: 'half-open',
            ok: true,
          },
        },
      },
    });
  });

  it('is not ready while a circuit is open, and says so for that pipeline', () => {
    const r = verdict({ a: runner(), b: runner({ circuit: 'open' }) });
    expect(r.status).toBe('not-ready');
    expect(r.checks.kafka.ok).toBe(true);
    expect(r.checks.pipelines.a?.ok).toBe(true);
    expect(r.checks.pipelines.b).toMatchObject({
      ok: false,
      circuit: 'open',
      reason: expect.stringMatching(/circuit open/),
    });
  });

  it('is not ready when a pipeline is not running or its consumer is disconnected', () => {
    const r = verdict({
      a: runner({ running: false, kafkaConnected: false }),
      b: runner({ kafkaConnected: false }),
    });
    expect(r.status).toBe('not-ready');
    expect(r.checks.kafka).toEqual({ ok: false, brokers: ['k:9092'], reason: 'not connected: a, b' });
    expect(r.checks.pipelines.a?.reason).toBe('not running; Kafka consumer not connected');
    expect(r.checks.pipelines.b?.reason).toBe('Kafka consumer not connected');
  });

  it('is not ready when the registry does not answer', () => {
    const registry = {
      ok: false,
      url: 'http://registry',
      latencyMs: 2000,
      reason: 'no answer within 2000 ms',
    };
    const r = verdict({ a: runner() }, registry);
    expect(r.status).toBe('not-ready');
    expect(r.checks.registry).toBe(registry);
    expect(r.checks.pipelines.a?.ok).toBe(true);
  });

  it('is not ready once the host is stopping, even while the runners still run', () => {
    const r = verdict({ a: runner() }, registryUp, true);
    expect(r.status).toBe('not-ready');
    expect(r.checks.pipelines.a).toMatchObject({ running: true, ok: false, reason: 'stopping' });
  });

  it('depends on the registry alone without pipelines', () => {
    expect(verdict({}).status).toBe('ready');
  });
});

describe('checkRegistry', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  });

  async function registry(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('is ok when GET /subjects answers 2xx', async () => {
    const paths: string[] = [];
    const url = await registry((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json').end('[]');
    });
    expect(await checkRegistry(`${url}/apis/ccompat/v7`)).toMatchObject({
      ok: true,
      status: 200,
      url: `${url}/apis/ccompat/v7`,
    });
    expect(paths).toEqual(['GET /apis/ccompat/v7/subjects']);
  });

  it('reports the status of an error answer', async () => {
    const url = await registry((_req, res) => res.writeHead(503).end('down'));
    expect(await checkRegistry(url)).toMatchObject({ ok: false, status: 503, reason: 'HTTP 503' });
  });

  it('gives up after the timeout', async () => {
    const url = await registry(() => {}); // never answers
    const started = Date.now();
    const check = await checkRegistry(url, { timeoutMs: 150 });
    expect(check).toMatchObject({ ok: false, reason: 'no answer within 150 ms' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reports an unreachable registry', async () => {
    const url = await registry(() => {});
    await new Promise((r) => server!.close(r));
    server = undefined;
    expect(await checkRegistry(url)).toMatchObject({ ok: false, reason: 'unreachable: ECONNREFUSED' });
  });

  it('sends credentials of the URL as basic auth and masks them in the report', async () => {
    let auth: string | undefined;
    const url = await registry((req, res) => {
      auth = req.headers.authorization;
      res.end('[]');
    });
    const withCredentials = url.replace('http://', 'http://svc:p%40ss@');
    const check = await checkRegistry(withCredentials);
    expect(check).toMatchObject({ ok: true, url: url.replace('http://', 'http://svc:***@') });
    expect(auth).toBe(`Basic ${Buffer.from('svc:p@ss').toString('base64')}`);
  });
});
