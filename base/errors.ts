/**
 * Typed errors of the library layers. Only cli/ turns them into messages and
 * exit codes: a UserError (bad input, a capacity limit, a kernel that cannot
 * map) is one line and exit 1; anything else is an internal error.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A kernel or array the tools cannot map, route or fit: one line naming what is needed. */
export class CapacityError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityError';
  }
}
