/**
 * Model and system clients for the pipeline engine, over pooled HTTP (undici) with one resilience layer
 * (cockatiel: per-attempt timeout, jittered retries that honour Retry-After, a circuit breaker).
 *
 * ```ts
 * import { openInference, CallError } from '@junction/calls';
 *
 * const scorer = openInference({
 *   endpoint: 'lead-scorer',
 *   baseUrl: 'http://triton:8000',
 *   model: 'lead_scorer',
 *   batch: { max: 32, lingerMs: 5 },
 *   timeoutMs: 500,
 * });
 * try {
 *   // concurrent calls are batched: one POST /v2/models/lead_scorer/infer per 32 rows or 5 ms
 *   const { output, model } = await scorer.call(
 *     { features: [0.3, 1.2, 7], country: 'DE' },
 *     { idempotencyKey: `${topic}-${partition}-${offset}`, traceparent, signal },
 *   );
 *   console.log(output.score, model?.version);
 * } catch (err) {
 *   // retriable (timeout, connection, 429/5xx, circuit-open): send to a retry topic; otherwise dead-letter
 *   if (err instanceof CallError && err.retriable) console.warn(err.code, err.retryAfterMs);
 *   else throw err;
 * }
 * scorer.onCircuitChange((state) => metrics.circuit.set({ endpoint: scorer.endpoint }, state));
 * await scorer.close();
 * ```
 */
export type { CallContext, CallResult, Caller, ModelInfo } from './caller';
export { batchIdempotencyKey } from './caller';
export { CallError, isRetriableStatus, type CallErrorCode } from './call-error';
export type { CircuitState, ResilienceOptions } from './resilience';
export type { BatchOptions } from './micro-batcher';
export { parseRetryAfter } from './retry-after';
export {
  openInference,
  type OipRequest,
  type OipResponse,
  type OipValue,
  type OipOutputValue,
  type OpenInferenceOptions,
} from './open-inference';
export {
  openAiChat,
  openAiEmbeddings,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type OpenAiChatOptions,
  type OpenAiEmbeddingsOptions,
} from './openai';
export { jsonHttp, modelUrl, type JsonHttpOptions } from './json-http';
export { jsonModel, type JsonModelOptions } from './json-model';
