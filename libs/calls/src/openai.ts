// OpenAI-compatible HTTP APIs (OpenAI, vLLM, Ollama, hosted gateways): chat completions, one request per
// call, and embeddings, batched into one `input: string[]` request.
import { CallError } from './call-error';
import {
  assembleCaller,
  batchIdempotencyKey,
  batchMemberError,
  type CallContext,
  type CallResult,
  type Caller,
  type ModelInfo,
} from './caller';
import { HttpClient } from './http-client';
import { MicroBatcher, type BatchOptions } from './micro-batcher';
import { createResilience, type ResilienceOptions } from './resilience';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  responseFormat?: 'json_object';
}

export interface ChatResponse {
  content: string;
  finishReason?: string;
  usage?: { promptTokens: number; completionTokens: number };
}

export interface OpenAiChatOptions extends ResilienceOptions {
  /** Logical name for breaker and metrics; defaults to the model name. */
  endpoint?: string;
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface OpenAiEmbeddingsOptions extends ResilienceOptions {
  /** Logical name for breaker and metrics; defaults to the model name. */
  endpoint?: string;
  baseUrl: string;
  model: string;
  apiKey?: string;
  batch?: BatchOptions;
  headers?: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badResponse(what: string, message: string): CallError {
  return new CallError({ code: 'bad-response', message: `${what}: ${message}` });
}

function authHeaders(
  apiKey: string | undefined,
  headers: Record<string, string> | undefined,
): Record<string, string> {
  return { ...headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
}

function modelOf(body: Record<string, unknown>, configured: string): ModelInfo {
  return { name: typeof body.model === 'string' && body.model !== '' ? body.model : configured };
}

/** The chat/completions request body for one call. */
export function buildChatBody(model: string, req: ChatRequest): Record<string, unknown> {
  return {
    model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    ...(req.responseFormat ? { response_format: { type: req.responseFormat } } : {}),
    stream: false,
  };
}

export function parseChatResponse(
  what: string,
  body: unknown,
  configuredModel: string,
): CallResult<ChatResponse> {
  if (!isRecord(body) || !Array.isArray(body.choices)) throw badResponse(what, 'response has no choices');
  const choice: unknown = body.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message) || typeof choice.message.content !== 'string') {
    throw badResponse(what, 'first choice has no message content');
  }
  const output: ChatResponse = { content: choice.message.content };
  if (typeof choice.finish_reason === 'string') output.finishReason = choice.finish_reason;
  const usage = body.usage;
  if (
    isRecord(usage) &&
    typeof usage.prompt_tokens === 'number' &&
    typeof usage.completion_tokens === 'number'
  ) {
    output.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  }
  return { output, model: modelOf(body, configuredModel) };
}

function checkChatRequest(endpoint: string, req: ChatRequest): void {
  if (!isRecord(req) || !Array.isArray(req.messages) || req.messages.length === 0) {
    throw new TypeError(`${endpoint}: request needs a non-empty messages array`);
  }
  for (const m of req.messages) {
    if (!isRecord(m) || !['system', 'user', 'assistant'].includes(m.role) || typeof m.content !== 'string') {
      throw new TypeError(
        `${endpoint}: every message needs a role (system|user|assistant) and string content`,
      );
    }
  }
}

/** OpenAI-compatible chat completions: POST {baseUrl}/v1/chat/completions (vLLM, Ollama, hosted). No batching (one request per call). */
export function openAiChat(opts: OpenAiChatOptions): Caller<ChatRequest, ChatResponse> {
  const endpoint = opts.endpoint ?? opts.model;
  const path = '/v1/chat/completions';
  const what = `${endpoint}: POST ${path}`;
  const http = new HttpClient({
    endpoint,
    baseUrl: opts.baseUrl,
    headers: authHeaders(opts.apiKey, opts.headers),
  });
  const resilience = createResilience(endpoint, opts);
  return assembleCaller({
    endpoint,
    http,
    resilience,
    call: (req: ChatRequest, ctx: CallContext) => {
      checkChatRequest(endpoint, req);
      const body = buildChatBody(opts.model, req);
      return resilience.execute(async ({ signal }) => {
        const res = await http.send({
          method: 'POST',
          path,
          body,
          idempotencyKey: ctx.idempotencyKey,
          traceparent: ctx.traceparent,
          signal,
        });
        return parseChatResponse(what, res.body, opts.model);
      }, ctx.signal);
    },
  });
}

/** Splits an embeddings response into one vector per input, ordered by each item's `index`. */
export function parseEmbeddingsResponse(
  what: string,
  body: unknown,
  count: number,
  configuredModel: string,
): CallResult<number[]>[] {
  if (!isRecord(body) || !Array.isArray(body.data)) throw badResponse(what, 'response has no data array');
  if (body.data.length !== count)
    throw badResponse(what, `response has ${body.data.length} embeddings for ${count} inputs`);
  const vectors: (number[] | undefined)[] = new Array<number[] | undefined>(count).fill(undefined);
  body.data.forEach((item: unknown, position: number) => {
    if (!isRecord(item)) throw badResponse(what, 'an embedding item is not an object');
    const index = item.index === undefined ? position : item.index;
    if (
      !Number.isInteger(index) ||
      (index as number) < 0 ||
      (index as number) >= count ||
      vectors[index as number]
    ) {
      throw badResponse(what, `embedding index ${String(index)} is out of range or repeated`);
    }
    const embedding = item.embedding;
    if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number')) {
      throw badResponse(
        what,
        `embedding ${String(index)} is not an array of numbers (encoding_format float expected)`,
      );
    }
    vectors[index as number] = embedding as number[];
  });
  const model = modelOf(body, configuredModel);
  return vectors.map((v) => ({ output: v ?? [], model }));
}

interface EmbeddingMember {
  input: string;
  key: string;
  traceparent?: string | undefined;
}

/** OpenAI-compatible embeddings: POST {baseUrl}/v1/embeddings, batched (input: string[]). */
export function openAiEmbeddings(opts: OpenAiEmbeddingsOptions): Caller<string, number[]> {
  const endpoint = opts.endpoint ?? opts.model;
  const path = '/v1/embeddings';
  const what = `${endpoint}: POST ${path}`;
  const http = new HttpClient({
    endpoint,
    baseUrl: opts.baseUrl,
    headers: authHeaders(opts.apiKey, opts.headers),
  });
  const resilience = createResilience(endpoint, opts);
  const batcher = new MicroBatcher<EmbeddingMember, CallResult<number[]>>({
    ...opts.batch,
    flush: (members) => {
      const keys = members.map((m) => m.key);
      const body = { model: opts.model, input: members.map((m) => m.input), encoding_format: 'float' };
      const idempotencyKey = batchIdempotencyKey(keys);
      return resilience.execute(async ({ signal }) => {
        const res = await http.send({
          method: 'POST',
          path,
          body,
          idempotencyKey,
          traceparent: members.find((m) => m.traceparent)?.traceparent,
          signal,
        });
        return parseEmbeddingsResponse(what, res.body, members.length, opts.model);
      });
    },
  });
  return assembleCaller({
    endpoint,
    http,
    resilience,
    call: (input: string, ctx: CallContext) => {
      if (typeof input !== 'string' || input === '')
        throw new TypeError(`${endpoint}: input must be a non-empty string`);
      return batcher
        .add({ input, key: ctx.idempotencyKey, traceparent: ctx.traceparent }, ctx.signal)
        .catch((err: unknown) => Promise.reject(batchMemberError(endpoint, err, ctx.signal)));
    },
    drain: () => batcher.close(),
  });
}
