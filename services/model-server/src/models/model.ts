/** A value of one row of an input tensor: FP32/INT64 numbers, BYTES strings, BOOL booleans. */
export type Value = number | string | boolean;

export interface TensorSpec {
  name: string;
  datatype: 'FP32' | 'BYTES' | 'INT64' | 'BOOL';
  /** `[-1]`: one value per row, any batch size. */
  shape: number[];
  /** Inputs only: the request may leave it out. */
  optional?: boolean;
  /** What the tensor holds, for people reading the metadata. */
  description?: string;
}

/** Input tensor name → one value per row (columns of the batch, as they arrived). */
export type Columns = Readonly<Record<string, readonly Value[] | undefined>>;

/** Output tensor name → one value per row. */
export type Outputs = Record<string, (number | string)[]>;

export interface Model {
  name: string;
  version: string;
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Training facts shown in the model metadata (held-out accuracy etc.). */
  parameters: Record<string, string | number>;
  /** Scores `rows` rows; every required input column holds exactly `rows` checked values. */
  infer(columns: Columns, rows: number): Outputs;
}
