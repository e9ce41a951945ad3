/** A synthesis run failed or produced a netlist the report cannot account for. */
export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthError';
  }
}
