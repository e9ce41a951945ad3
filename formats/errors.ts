import { UserError } from '../base/errors.ts';

/**
 * A tensor file that cannot be read. The message always names the file and,
 * when the problem sits on one line, that line (1-based), as `FILE:LINE: problem`,
 * the form editors and CI logs turn into links.
 * Extends UserError so the CLI prints it as a one-line reason.
 */
export class FormatError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'FormatError';
  }
}

/** Bad tensor input that is not a file problem: a value conversion, a random-tensor spec, a format string. */
export class InputError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
