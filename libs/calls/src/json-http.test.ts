import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from './caller';
import { fillPathTemplate, jsonHttp, modelUrl } from './json-http';
import { sendJson, startTestServer, type TestServer } from './test-http-server';

let server: TestServer;
const callers: Caller<never, unknown>[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  server.requests.length = 0;
});

describe('fillPathTemplate', () => {
  it('fills placeholders from request fields, URI-encoded', () => {
    expect(fillPathTemplate('/accounts/{accountId}/leads/{leadId}', { accountId: 'a/b', leadId: 42 })).toBe(
      '/accounts/a%2Fb/leads/42',
    );
    expect(fillPathTemplate('/static', {})).toBe('/static');
    expect(() => fillPathTemplate('/leads/{leadId}', { id: 1 })).toThrow(/leadId/);
    expect(() => fillPathTemplate('/leads/{leadId}', { leadId: '' })).toThrow(/empty/);
  });
});

describe('jsonHttp', () => {
  it('sends the request as JSON with the method, templated path, headers and Idempotency-Key', async () => {
    server.handler = (req, res) => sendJson(res, 200, { updated: true, echo: req.body });
    const c = jsonHttp<{ leadId: string; score: number }, { updated: boolean }>({
      endpoint: 'crm',
      baseUrl: `${server.baseUrl}/api/`,
      method: 'PUT',
      path: '/leads/{leadId}/score',
      headers: { Authorization: 'Basic abc' },
    });
    callers.push(c);
    const r = await c.call(
      { leadId: 'L 1', score: 0.9 },
      { idempotencyKey: 'score-L1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01' },
    );
    expect(r.output).toEqual({ updated: true, echo: { leadId: 'L 1', score: 0.9 } });
    expect(r.model).toBeUndefined();
    const req = server.requests[0]!;
    expect(req).toMatchObject({
      method: 'PUT',
      url: '/api/leads/L%201/score',
      body: { leadId: 'L 1', score: 0.9 },
    });
    expect(req.headers).toMatchObject({
      authorization: 'Basic abc',
      'idempotency-key': 'score-L1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01',
      'content-type': 'application/json',
    });
  });

  it('takes a path function, and an empty 204 answer gives an undefined output', async () => {
    server.handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const c = jsonHttp<{ ticket: number }, undefined>({
      baseUrl: server.baseUrl,
      method: 'PATCH',
      path: (req) => `tickets/${req.ticket}`,
    });
    callers.push(c);
    expect(c.endpoint).toBe(new URL(server.baseUrl).host);
    const r = await c.call({ ticket: 7 }, { idempotencyKey: 'k' });
    expect(r.output).toBeUndefined();
    expect(server.requests[0]).toMatchObject({ method: 'PATCH', url: '/tickets/7' });
  });

  it('a 2xx answer that is not JSON is a bad-response', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    };
    const c = jsonHttp<object, unknown>({ baseUrl: server.baseUrl, path: '/x' });
    callers.push(c);
    await expect(c.call({}, { idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'bad-response',
      retriable: false,
      attempts: 1,
    });
  });

  it('names the model, its version read from the response where the model says it', async () => {
    server.handler = (_req, res) =>
      sendJson(res, 200, { risk: 0.9, meta: { model: { version: '2024-11' } } });
    const byPath = jsonHttp<object, { risk: number }>({
      baseUrl: server.baseUrl,
      path: '/score',
      model: { name: 'order-risk', version: { from: 'meta.model.version' } },
    });
    const fixed = jsonHttp<object, { risk: number }>({
      baseUrl: server.baseUrl,
      path: '/score',
      model: { name: 'order-risk', version: '3' },
    });
    const missing = jsonHttp<object, { risk: number }>({
      baseUrl: server.baseUrl,
      path: '/score',
      model: { name: 'order-risk', version: { from: 'nowhere.version' } },
    });
    callers.push(byPath, fixed, missing);
    expect((await byPath.call({}, { idempotencyKey: 'a' })).model).toEqual({
      name: 'order-risk',
      version: '2024-11',
    });
    expect((await fixed.call({}, { idempotencyKey: 'b' })).model).toEqual({
      name: 'order-risk',
      version: '3',
    });
    expect((await missing.call({}, { idempotencyKey: 'c' })).model).toEqual({ name: 'order-risk' });
  });
});

describe('modelUrl', () => {
  it('reads <NAME>_URL, else the fallback, else says which variable to set', () => {
    expect(modelUrl({ RISK_MODEL_URL: 'http://m:9000' }, 'risk-model')).toBe('http://m:9000');
    expect(modelUrl({}, 'risk-model', 'http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(() => modelUrl({ RISK_MODEL_URL: ' ' }, 'risk-model')).toThrow(
      'RISK_MODEL_URL is not set: the base URL of the risk-model model, e.g. http://127.0.0.1:9000',
    );
  });
});
