import type { Command } from 'commander';

/** Each command lives in its own module; add one line here per command. */
export function registerCommands(program: Command): void {
  void program;
}
