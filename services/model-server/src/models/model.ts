export interface TensorSpec {
  name: string;
  datatype: 'FP32' | 'BYTES' | 'INT64' | 'BOOL';
  shape: number[];
  optional?: boolean;
}

/** One input row: tensor name → that row's value. */
export type Row = Record<string, number | string | boolean>;

export interface Model {
  name: string;
  version: string;
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Training facts shown in the model metadata (held-out accuracy etc.). */
  parameters: Record<string, string | number>;
  /** Output tensor name → one value per row. */
  infer(rows: Row[]): Record<string, (number | string)[]>;
}
