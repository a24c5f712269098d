/** Open Inference Protocol v2 request/response <-> rows, with the protocol's error messages. */
import type { Model, Row, TensorSpec } from './models/model';

export class BadRequestError extends Error {}

interface InputTensor {
  name?: unknown;
  shape?: unknown;
  datatype?: unknown;
  data?: unknown;
}

export interface InferRequest {
  id?: string;
  inputs?: InputTensor[];
  parameters?: Record<string, unknown>;
}

/** Splits the request's tensors into one row per batch element, checking them against the model's inputs. */
export function decodeRows(model: Model, body: InferRequest): Row[] {
  if (!body || !Array.isArray(body.inputs) || body.inputs.length === 0)
    throw new BadRequestError('expected "inputs": a non-empty array of tensors');
  let batch: number | undefined;
  const columns = new Map<string, unknown[]>();
  for (const t of body.inputs) {
    const name = typeof t.name === 'string' ? t.name : undefined;
    if (!name) throw new BadRequestError('every input tensor needs a "name"');
    const spec: TensorSpec | undefined = model.inputs.find((i) => i.name === name);
    if (!spec)
      throw new BadRequestError(
        `unexpected input "${name}"; ${model.name} takes ${model.inputs.map((i) => i.name).join(', ')}`,
      );
    if (!Array.isArray(t.shape) || t.shape.length < 1 || t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new BadRequestError(
        `input "${name}": "shape" must be an array of non-negative integers, e.g. [N] or [N, 1]`,
      );
    }
    if (t.datatype !== spec.datatype)
      throw new BadRequestError(
        `input "${name}": datatype must be ${spec.datatype}, got ${String(t.datatype)}`,
      );
    const data = Array.isArray(t.data) ? t.data.flat(Infinity) : undefined;
    const n = t.shape[0] as number;
    const width = (t.shape as number[]).slice(1).reduce((a, b) => a * b, 1);
    if (!data || data.length !== n * width)
      throw new BadRequestError(
        `input "${name}": "data" must hold ${n * width} values for shape ${JSON.stringify(t.shape)}`,
      );
    if (width !== 1)
      throw new BadRequestError(`input "${name}": one value per row expected (shape [N] or [N, 1])`);
    if (batch !== undefined && n !== batch)
      throw new BadRequestError(`input "${name}": batch size ${n} differs from ${batch}`);
    batch = n;
    columns.set(name, data);
  }
  for (const spec of model.inputs) {
    if (!spec.optional && !columns.has(spec.name))
      throw new BadRequestError(`missing input "${spec.name}" (${spec.datatype})`);
  }
  const rows: Row[] = Array.from({ length: batch ?? 0 }, () => ({}));
  for (const [name, data] of columns) {
    for (let i = 0; i < rows.length; i++) rows[i]![name] = data[i] as number | string | boolean;
  }
  return rows;
}

export function encodeOutputs(
  model: Model,
  id: string | undefined,
  outputs: Record<string, (number | string)[]>,
) {
  return {
    model_name: model.name,
    model_version: model.version,
    ...(id !== undefined ? { id } : {}),
    outputs: model.outputs.map((o) => ({
      name: o.name,
      datatype: o.datatype,
      shape: [outputs[o.name]!.length],
      data: outputs[o.name]!,
    })),
  };
}

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
