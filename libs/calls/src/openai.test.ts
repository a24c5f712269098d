// OpenAI-compatible chat and embeddings against a small OpenAI-compatible server run here over real HTTP.
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallError } from './call-error';
import { batchIdempotencyKey, type Caller } from './caller';
import { openAiChat, openAiEmbeddings, type ChatRequest, type ChatResponse } from './openai';
import { sendJson, startTestServer, type RecordedRequest, type TestServer } from './test-http-server';

const API_KEY = 'sk-test-123';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function openAiError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error' } });
}

/** Just enough of the OpenAI API: bearer auth, body validation, deterministic answers. */
function openAiCompatible(req: RecordedRequest, res: ServerResponse): void {
  if (req.headers.authorization !== `Bearer ${API_KEY}`)
    return openAiError(res, 401, 'Incorrect API key provided');
  const body = req.body;
  if (!isRecord(body) || typeof body.model !== 'string') return openAiError(res, 400, 'model is required');

  if (req.method === 'POST' && req.url === '/v1/chat/completions') {
    const messages = body.messages;
    if (
      !Array.isArray(messages) ||
      !messages.every((m) => isRecord(m) && typeof m.role === 'string' && typeof m.content === 'string')
    ) {
      return openAiError(res, 400, 'messages must be [{role, content}]');
    }
    const last = messages.at(-1) as { content: string };
    const json = isRecord(body.response_format) && body.response_format.type === 'json_object';
    const content = json ? JSON.stringify({ echo: last.content }) : `echo: ${last.content}`;
    return sendJson(res, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: `${body.model}-2025-01-01`,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content },
          finish_reason: typeof body.max_tokens === 'number' && body.max_tokens < 5 ? 'length' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: messages.length * 10,
        completion_tokens: 7,
        total_tokens: messages.length * 10 + 7,
      },
    });
  }

  if (req.method === 'POST' && req.url === '/v1/embeddings') {
    const input = body.input;
    if (!Array.isArray(input) || !input.every((s) => typeof s === 'string' && s.length > 0)) {
      return openAiError(res, 400, 'input must be a non-empty array of strings');
    }
    // answered in reverse order: clients must use `index`
    const data = input
      .map((s: string, index) => ({
        object: 'embedding',
        index,
        embedding: [s.length, s.charCodeAt(0), index],
      }))
      .reverse();
    return sendJson(res, 200, {
      object: 'list',
      model: body.model,
      data,
      usage: { prompt_tokens: input.length, total_tokens: input.length },
    });
  }
  return openAiError(res, 404, `no route ${req.method} ${req.url}`);
}

let server: TestServer;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  server = await startTestServer(openAiCompatible);
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
  server.requests.length = 0;
  server.handler = openAiCompatible;
});

function chat(apiKey = API_KEY): Caller<ChatRequest, ChatResponse> {
  const c = openAiChat({
    endpoint: 'summariser',
    baseUrl: server.baseUrl,
    model: 'gpt-test',
    apiKey,
    headers: { 'X-Tenant': 'acme' },
    retry: { initialDelayMs: 5 },
  });
  closers.push(c);
  return c;
}

describe('openAiChat', () => {
  it('posts one chat completion per call and maps the answer', async () => {
    const c = chat();
    const r = await c.call(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Summarise ticket 42' },
        ],
        temperature: 0.2,
        maxTokens: 64,
        responseFormat: 'json_object',
      },
      { idempotencyKey: 'ticket-42', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    );
    expect(r.output).toEqual({
      content: '{"echo":"Summarise ticket 42"}',
      finishReason: 'stop',
      usage: { promptTokens: 20, completionTokens: 7 },
    });
    expect(r.model).toEqual({ name: 'gpt-test-2025-01-01' });

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['x-tenant']).toBe('acme');
    expect(req.headers['idempotency-key']).toBe('ticket-42');
    expect(req.headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(req.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Summarise ticket 42' },
      ],
      temperature: 0.2,
      max_tokens: 64,
      response_format: { type: 'json_object' },
      stream: false,
    });
  });

  it('does not batch: concurrent calls are separate requests', async () => {
    const c = chat();
    const rs = await Promise.all(
      ['a', 'b', 'c'].map((t) =>
        c.call({ messages: [{ role: 'user', content: t }], maxTokens: 2 }, { idempotencyKey: t }),
      ),
    );
    expect(rs.map((r) => r.output.content)).toEqual(['echo: a', 'echo: b', 'echo: c']);
    expect(rs[0]!.output.finishReason).toBe('length');
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((r) => r.headers['idempotency-key']).sort()).toEqual(['a', 'b', 'c']);
    expect(server.requests[0]!.body).not.toHaveProperty('response_format');
    expect(server.requests[0]!.body).not.toHaveProperty('temperature');
  });

  it('a wrong API key is a 401: not retried', async () => {
    const err = await chat('sk-wrong')
      .call({ messages: [{ role: 'user', content: 'hi' }] }, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'http', status: 401, retriable: false, attempts: 1 });
    expect((err as CallError).message).toContain('Incorrect API key');
    expect(server.requests).toHaveLength(1);
  });

  it('an answer without choices is a bad-response', async () => {
    server.handler = (_req, res) => sendJson(res, 200, { model: 'gpt-test', choices: [] });
    await expect(
      chat().call({ messages: [{ role: 'user', content: 'hi' }] }, { idempotencyKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'bad-response',
      retriable: false,
    });
  });
});

describe('openAiEmbeddings', () => {
  it('batches inputs into input: string[] and returns each caller its vector by index', async () => {
    const c = openAiEmbeddings({
      endpoint: 'embedder',
      baseUrl: server.baseUrl,
      model: 'text-embedding-test',
      apiKey: API_KEY,
      batch: { max: 3, lingerMs: 20 },
    });
    closers.push(c);
    const texts = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
    const rs = await Promise.all(texts.map((t, i) => c.call(t, { idempotencyKey: `doc-${i}` })));

    expect(server.requests).toHaveLength(3);
    rs.forEach((r, i) => {
      const t = texts[i]!;
      expect(r.output.slice(0, 2)).toEqual([t.length, t.charCodeAt(0)]);
      expect(r.model).toEqual({ name: 'text-embedding-test' });
    });
    for (const req of server.requests) {
      expect(req.url).toBe('/v1/embeddings');
      expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
      const body = req.body as { model: string; input: string[]; encoding_format: string };
      expect(body.model).toBe('text-embedding-test');
      expect(body.encoding_format).toBe('float');
      const keys = body.input.map((t) => `doc-${texts.indexOf(t)}`);
      expect(req.headers['idempotency-key']).toBe(batchIdempotencyKey(keys));
    }
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length).sort()).toEqual([
      1, 3, 3,
    ]);
  });

  it('a response with the wrong number of embeddings fails the whole batch', async () => {
    server.handler = (_req, res) => sendJson(res, 200, { model: 'm', data: [{ index: 0, embedding: [1] }] });
    const c = openAiEmbeddings({
      baseUrl: server.baseUrl,
      model: 'm',
      apiKey: API_KEY,
      batch: { max: 2, lingerMs: 5 },
    });
    closers.push(c);
    expect(c.endpoint).toBe('m');
    const settled = await Promise.allSettled([
      c.call('a', { idempotencyKey: '1' }),
      c.call('b', { idempotencyKey: '2' }),
    ]);
    const reasons = settled.map((s) => (s as PromiseRejectedResult).reason as CallError);
    expect(reasons[0]).toMatchObject({ code: 'bad-response' });
    expect(reasons[1]).toBe(reasons[0]);
    await expect(c.call('', { idempotencyKey: '3' })).rejects.toThrow(TypeError);
  });
});
