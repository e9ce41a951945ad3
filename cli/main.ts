import { Command, CommanderError } from 'commander';
import { UserError } from '../base/errors.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command();
program
  .name('basalt')
  .description('Generate, compile for and test an Onyx-style sparse/dense CGRA')
  .exitOverride()
  .showHelpAfterError(false);
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its message (or help/version).
    process.exit(err.exitCode);
  }
  if (err instanceof UserError) {
    process.stderr.write(`basalt: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`basalt: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(3);
}
