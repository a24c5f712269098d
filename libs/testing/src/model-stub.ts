/**
 * A small real HTTP model service speaking the Open Inference Protocol v2 for tests: it scores each row
 * deterministically, and can be told to fail, time out or slow down. It counts calls per
 * idempotency key so tests can assert that no event was sent to the model twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelStubOptions {
  /** Share of requests answered with 503 (0..1). */
  errorRate?: number;
  /** Share of requests that never answer (the client's timeout fires). */
  timeoutRate?: number;
  latencyMs?: number;
  /** Answer every request with 503 (the model is "down"). */
  down?: boolean;
  modelName?: string;
  modelVersion?: string;
}

interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

export interface ModelStub {
  url: string;
  options: ModelStubOptions;
  /** Successful inferences per member idempotency key. */
  calls: Map<string, number>;
  /** Every HTTP request received, including failed ones. */
  requests: number;
  close(): Promise<void>;
}

/** score = a logistic function of the row's numeric inputs (same inputs, same score). */
export function stubScore(row: Record<string, number>): number {
  const z = Object.values(row).reduce((s, v) => s + v, 0) / 50 - 1;
  return 1 / (1 + Math.exp(-z));
}

export async function startModelStub(options: ModelStubOptions = {}): Promise<ModelStub> {
  const stub: ModelStub = { url: '', options, calls: new Map(), requests: 0, close: async () => {} };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    stub.requests++;
    const o = stub.options;
    if (req.url === '/v2/health/ready') return void res.writeHead(o.down ? 503 : 200).end();
    if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
    if (o.down || Math.random() < (o.errorRate ?? 0)) {
      return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"injected failure"}');
    }
    if (Math.random() < (o.timeoutRate ?? 0)) {
      hanging.add(res);
      return;
    }
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?\/infer$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return void res.writeHead(404).end('{"error":"not found"}');
    let body: { id?: string; inputs: Tensor[]; parameters?: { idempotency_keys?: string[] } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return void res.writeHead(400).end('{"error":"invalid JSON"}');
    }
    const batch = body.inputs[0]?.shape[0] ?? 0;
    const rows: Record<string, number>[] = Array.from({ length: batch }, () => ({}));
    for (const t of body.inputs) {
      const width = t.data.length / batch;
      for (let i = 0; i < batch; i++) {
        const v = t.data[i * width];
        rows[i]![t.name] = typeof v === 'number' ? v : Number(v) || 0;
      }
    }
    const keys = body.parameters?.idempotency_keys ?? [String(req.headers['idempotency-key'] ?? '')];
    for (const k of keys) stub.calls.set(k, (stub.calls.get(k) ?? 0) + 1);
    const out = {
      model_name: o.modelName ?? m[1],
      model_version: o.modelVersion ?? '1',
      id: body.id,
      outputs: [{ name: 'score', shape: [batch, 1], datatype: 'FP32', data: rows.map(stubScore) }],
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = async () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return stub;
}
