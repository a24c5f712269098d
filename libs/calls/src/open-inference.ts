// Open Inference Protocol v2 (KServe, Triton, MLServer): each call is one row of named inputs; the
// batcher stacks rows into tensors of shape [batch, ...rowShape] and hands every caller its row of
// each output tensor.
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

/** One input value of a row: a scalar or a flat vector of numbers. */
export type OipValue = number | number[] | string | boolean;
/** One row of named inputs. */
export type OipRequest = Record<string, OipValue>;
/**
 * That row's slice of each output tensor: a scalar when the tensor's shape is [batch], else the row's
 * elements flattened row-major (a [batch, 1] output of labels gives a one-element string[]).
 */
export type OipOutputValue = number | number[] | string | string[] | boolean | boolean[];
export type OipResponse = Record<string, OipOutputValue>;

export type OipDatatype = 'FP32' | 'BYTES' | 'BOOL';

export interface OpenInferenceOptions extends ResilienceOptions {
  /** Logical name for breaker and metrics; defaults to the model name. */
  endpoint?: string;
  baseUrl: string;
  model: string;
  version?: string;
  batch?: BatchOptions;
  headers?: Record<string, string>;
}

/** The wire form of one tensor (request or response). */
export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
  parameters?: Record<string, unknown>;
}

export interface OipInferRequestBody {
  id: string;
  inputs: OipTensor[];
  parameters: { idempotency_keys: string[] };
}

interface InputSpec {
  name: string;
  datatype: OipDatatype;
  rowShape: number[];
}

interface Member {
  row: OipRequest;
  specs: InputSpec[];
  key: string;
  traceparent?: string | undefined;
}

function describeValue(endpoint: string, name: string, value: unknown): InputSpec {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${endpoint}: input '${name}' is not a finite number`);
      return { name, datatype: 'FP32', rowShape: [] };
    case 'string':
      return { name, datatype: 'BYTES', rowShape: [] };
    case 'boolean':
      return { name, datatype: 'BOOL', rowShape: [] };
    default:
      if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        return { name, datatype: 'FP32', rowShape: [value.length] };
      }
      throw new TypeError(
        `${endpoint}: input '${name}' must be a finite number, an array of them, a string or a boolean`,
      );
  }
}

/** The tensor specs of one row, in the row's key order. Throws TypeError for anything the protocol mapping cannot send. */
export function describeRow(endpoint: string, row: OipRequest): InputSpec[] {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new TypeError(`${endpoint}: request must be an object of named inputs`);
  const names = Object.keys(row);
  if (names.length === 0) throw new TypeError(`${endpoint}: request has no inputs`);
  return names.map((name) => describeValue(endpoint, name, row[name]));
}

/**
 * Rows batch together only when their inputs have the same names, datatypes and shapes. In the
 * row's own key order: rows from one mapping function share it, and two orders of the same inputs
 * only make two batches (sorting per call cost more than that ever saves).
 */
function signature(specs: InputSpec[]): string {
  let sig = '';
  for (const s of specs) sig += `${s.name}:${s.datatype}:${s.rowShape.length ? s.rowShape.join('x') : ''}|`;
  return sig;
}

/** Stacks rows (all with the same signature) into one request body. */
export function buildInferRequest(
  rows: readonly OipRequest[],
  specs: readonly InputSpec[],
  keys: string[],
): OipInferRequestBody {
  return {
    id: batchIdempotencyKey(keys),
    inputs: specs.map((s) => ({
      name: s.name,
      shape: [rows.length, ...s.rowShape],
      datatype: s.datatype,
      data: rows.flatMap((r) => {
        const v = r[s.name];
        return Array.isArray(v) ? v : [v];
      }),
    })),
    parameters: { idempotency_keys: keys },
  };
}

function badResponse(what: string, message: string): CallError {
  return new CallError({ code: 'bad-response', message: `${what}: ${message}` });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sliceOutput(
  what: string,
  output: unknown,
  batchSize: number,
): { name: string; rows: OipOutputValue[] } {
  if (!isRecord(output) || typeof output.name !== 'string') throw badResponse(what, 'an output has no name');
  const { name, shape } = output;
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
  ) {
    throw badResponse(what, `output '${name}' has no valid shape`);
  }
  const dims = shape as number[];
  if (dims[0] !== batchSize)
    throw badResponse(what, `output '${name}' has shape[0]=${dims[0]}, expected the batch size ${batchSize}`);
  if (!Array.isArray(output.data)) throw badResponse(what, `output '${name}' has no data array`);
  const data: unknown[] = output.data.flat(Infinity);
  const perRow = dims.slice(1).reduce((a, b) => a * b, 1);
  if (data.length !== batchSize * perRow) {
    throw badResponse(what, `output '${name}' has ${data.length} elements for shape [${dims.join(',')}]`);
  }
  const kind = typeof data[0];
  if (data.length > 0 && kind !== 'number' && kind !== 'string' && kind !== 'boolean') {
    throw badResponse(what, `output '${name}' holds ${kind} values`);
  }
  if (!data.every((d) => typeof d === kind)) throw badResponse(what, `output '${name}' mixes value types`);
  const rows: OipOutputValue[] = [];
  for (let i = 0; i < batchSize; i++) {
    rows.push((dims.length === 1 ? data[i] : data.slice(i * perRow, (i + 1) * perRow)) as OipOutputValue);
  }
  return { name, rows };
}

/** Splits a response body into one result per row; throws a 'bad-response' CallError when it does not fit the batch. */
export function parseInferResponse(
  what: string,
  body: unknown,
  batchSize: number,
  fallbackModel: ModelInfo,
): CallResult<OipResponse>[] {
  if (!isRecord(body) || !Array.isArray(body.outputs))
    throw badResponse(what, 'response has no outputs array');
  const sliced = body.outputs.map((o) => sliceOutput(what, o, batchSize));
  const model: ModelInfo =
    typeof body.model_name === 'string'
      ? {
          name: body.model_name,
          ...(typeof body.model_version === 'string' ? { version: body.model_version } : {}),
        }
      : fallbackModel;
  const results: CallResult<OipResponse>[] = [];
  for (let i = 0; i < batchSize; i++) {
    const output: OipResponse = {};
    for (const s of sliced) output[s.name] = s.rows[i] as OipOutputValue;
    results.push({ output, model });
  }
  return results;
}

/** Open Inference Protocol v2 (KServe/Triton/MLServer): POST {baseUrl}/v2/models/{model}[/versions/{v}]/infer */
export function openInference(opts: OpenInferenceOptions): Caller<OipRequest, OipResponse> {
  const endpoint = opts.endpoint ?? opts.model;
  const path = `/v2/models/${encodeURIComponent(opts.model)}${opts.version ? `/versions/${encodeURIComponent(opts.version)}` : ''}/infer`;
  const fallbackModel: ModelInfo = { name: opts.model, ...(opts.version ? { version: opts.version } : {}) };
  const http = new HttpClient({ endpoint, baseUrl: opts.baseUrl, headers: opts.headers });
  const resilience = createResilience(endpoint, opts);

  const batcher = new MicroBatcher<Member, CallResult<OipResponse>>({
    ...opts.batch,
    keyOf: (m) => signature(m.specs),
    flush: (members) => {
      const keys = members.map((m) => m.key);
      const first = members[0];
      if (!first) return Promise.resolve([]);
      const body = buildInferRequest(
        members.map((m) => m.row),
        first.specs,
        keys,
      );
      return resilience.execute(async ({ signal }) => {
        const res = await http.send({
          method: 'POST',
          path,
          body,
          idempotencyKey: body.id,
          traceparent: members.find((m) => m.traceparent)?.traceparent,
          signal,
        });
        return parseInferResponse(`${endpoint}: POST ${path}`, res.body, members.length, fallbackModel);
      });
    },
  });

  return assembleCaller({
    endpoint,
    http,
    resilience,
    call: (row: OipRequest, ctx: CallContext) => {
      const specs = describeRow(endpoint, row);
      return batcher
        .add({ row, specs, key: ctx.idempotencyKey, traceparent: ctx.traceparent }, ctx.signal)
        .catch((err: unknown) => Promise.reject(batchMemberError(endpoint, err, ctx.signal)));
    },
    drain: () => batcher.close(),
  });
}
