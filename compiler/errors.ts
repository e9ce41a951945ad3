import { UserError } from '../base/errors.ts';

/** A kernel the primitive set cannot express (or not yet): one line, names the construct. */
export class UnsupportedKernelError extends UserError {
  constructor(kernel: string, problem: string) {
    super(`cannot build a SAM graph for '${kernel}': ${problem}`);
    this.name = 'UnsupportedKernelError';
  }
}
