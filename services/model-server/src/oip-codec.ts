/** Open Inference Protocol v2 request/response <-> columns, with error messages that say what is expected. */
import type { Columns, Model, Outputs, TensorSpec, Value } from './models/model';

/** A request the protocol or the model cannot take: answered 400 with its message. */
export class BadRequestError extends Error {}

export interface InferRequest {
  id?: unknown;
  inputs?: unknown;
  outputs?: unknown;
  parameters?: unknown;
}

export interface DecodedRequest {
  id: string | undefined;
  rows: number;
  columns: Columns;
  /** Output names asked for (`outputs` in the request), else all the model's. */
  outputs: readonly TensorSpec[];
  /** Per-row idempotency keys the Junction client sends in `parameters.idempotency_keys`. */
  memberKeys: readonly string[] | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const VALUE_CHECKS: Record<TensorSpec['datatype'], [(v: unknown) => boolean, string]> = {
  FP32: [(v) => typeof v === 'number' && Number.isFinite(v), 'finite numbers'],
  INT64: [(v) => typeof v === 'number' && Number.isInteger(v), 'integers'],
  BYTES: [(v) => typeof v === 'string', 'strings'],
  BOOL: [(v) => typeof v === 'boolean', 'booleans'],
};

/** Checks the request's tensors against the model's inputs; one value per row per input. */
export function decodeRequest(model: Model, body: unknown): DecodedRequest {
  if (!isRecord(body)) throw new BadRequestError('expected a JSON object with "inputs"');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0)
    throw new BadRequestError(
      'expected "inputs": a non-empty array of tensors {name, shape, datatype, data}',
    );
  if (body.id !== undefined && typeof body.id !== 'string')
    throw new BadRequestError('"id" must be a string');
  let rows: number | undefined;
  const columns: Record<string, Value[]> = {};
  for (const t of body.inputs as unknown[]) {
    if (!isRecord(t) || typeof t.name !== 'string' || t.name === '')
      throw new BadRequestError('every input tensor needs a "name"');
    const name = t.name;
    const spec = model.inputs.find((i) => i.name === name);
    if (!spec)
      throw new BadRequestError(
        `unexpected input "${name}"; ${model.name} takes ${model.inputs.map((i) => i.name).join(', ')}`,
      );
    if (columns[name]) throw new BadRequestError(`input "${name}" appears twice`);
    const shape = t.shape;
    if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new BadRequestError(
        `input "${name}": "shape" must be an array of non-negative integers, e.g. [N] or [N, 1]`,
      );
    const dims = shape as number[];
    const n = dims[0]!;
    if (dims.slice(1).some((d) => d !== 1))
      throw new BadRequestError(
        `input "${name}": one value per row expected, shape [N] or [N, 1]; got ${JSON.stringify(dims)}`,
      );
    if (t.datatype !== spec.datatype)
      throw new BadRequestError(
        `input "${name}": "datatype" must be ${spec.datatype}, got ${JSON.stringify(t.datatype)}`,
      );
    if (!Array.isArray(t.data))
      throw new BadRequestError(`input "${name}": "data" must be an array of ${n} values (row-major)`);
    const data = (t.data as unknown[]).some(Array.isArray)
      ? (t.data as unknown[]).flat(Infinity)
      : (t.data as unknown[]);
    if (data.length !== n)
      throw new BadRequestError(
        `input "${name}": "data" must hold ${n} values for shape ${JSON.stringify(dims)}, got ${data.length}`,
      );
    const [valid, what] = VALUE_CHECKS[spec.datatype];
    for (let i = 0; i < n; i++) {
      if (!valid(data[i]))
        throw new BadRequestError(
          `input "${name}" (${spec.datatype}): values must be ${what}; element ${i} is ${JSON.stringify(data[i]) ?? String(data[i])}`,
        );
    }
    if (rows !== undefined && n !== rows)
      throw new BadRequestError(`input "${name}": batch size ${n} differs from the other inputs' ${rows}`);
    rows = n;
    columns[name] = data as Value[];
  }
  for (const spec of model.inputs) {
    if (!spec.optional && !columns[spec.name])
      throw new BadRequestError(`missing input "${spec.name}" (${spec.datatype}, shape [N])`);
  }

  let outputs: readonly TensorSpec[] = model.outputs;
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw new BadRequestError('"outputs" must be an array of {name}');
    outputs = (body.outputs as unknown[]).map((o) => {
      const spec = isRecord(o) ? model.outputs.find((s) => s.name === o.name) : undefined;
      if (!spec)
        throw new BadRequestError(
          `requested output ${JSON.stringify(isRecord(o) ? o.name : o)} is not one of ${model.outputs.map((s) => s.name).join(', ')}`,
        );
      return spec;
    });
  }

  const params = isRecord(body.parameters) ? body.parameters : undefined;
  const keys = params?.idempotency_keys;
  const memberKeys =
    Array.isArray(keys) && keys.length === rows && keys.every((k) => typeof k === 'string')
      ? (keys as string[])
      : undefined;
  return { id: body.id as string | undefined, rows: rows ?? 0, columns, outputs, memberKeys };
}

/** The protocol's response body: one tensor per requested output, shape [N]. */
export function encodeResponse(model: Model, request: DecodedRequest, outputs: Outputs): string {
  return JSON.stringify({
    model_name: model.name,
    model_version: model.version,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: request.outputs.map((o) => ({
      name: o.name,
      datatype: o.datatype,
      shape: [request.rows],
      data: outputs[o.name] ?? [],
    })),
  });
}

/** Model metadata: name, versions, platform, the input and output tensors, and the training figures. */
export function metadata(model: Model) {
  return {
    name: model.name,
    versions: [model.version],
    platform: model.platform,
    inputs: model.inputs,
    outputs: model.outputs,
    parameters: model.parameters,
  };
}
