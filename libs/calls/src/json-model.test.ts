import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonModel } from './json-model';
import { sendJson, startTestServer, type TestServer } from './test-http-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('jsonModel', () => {
  it('reads <NAME>_URL, names the model and takes its version from the response', async () => {
    server.handler = (req, res) => sendJson(res, 200, { score: 0.4, version: '7', echo: req.body });
    const factory = jsonModel<{ amount: number }, { score: number }>('order-risk-model', {
      path: '/score',
      versionFrom: 'version',
    });
    const caller = factory({ ORDER_RISK_MODEL_URL: server.baseUrl });
    try {
      expect(caller.endpoint).toBe('order-risk-model');
      const r = await caller.call({ amount: 12 }, { idempotencyKey: 'e-1' });
      expect(r.output).toMatchObject({ score: 0.4, echo: { amount: 12 } });
      expect(r.model).toEqual({ name: 'order-risk-model', version: '7' });
      expect(server.requests.at(-1)).toMatchObject({ method: 'POST', url: '/score' });
    } finally {
      await caller.close();
    }
  });

  it('fails the start naming the variable when the URL is nowhere', () => {
    expect(() => jsonModel('order-risk-model', { path: '/score' })({})).toThrow(
      /ORDER_RISK_MODEL_URL is not set/,
    );
  });
});
