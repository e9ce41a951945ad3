import type { Tensor } from './tensor.ts';

/** How a file declared its values: Matrix Market's field, or what a .tns file's numbers look like. */
export type ValueField = 'integer' | 'real' | 'pattern';

/**
 * A tensor as read from a file, before value conversion (formats/values.ts):
 * canonical (sorted, no duplicates) but its values may be any JS number.
 * Pattern entries carry the value 1.
 */
export interface RawTensor extends Tensor {
  readonly field: ValueField;
  /** File name (or other origin) for error messages. */
  readonly source: string;
}
