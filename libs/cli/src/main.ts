#!/usr/bin/env -S npx tsx
// Exit codes: 0 success; 1 the operation failed (message on stderr); 2 bad usage (unknown command,
// bad flag or value); 3 `status` found something down.
import { Command, CommanderError } from 'commander';
import { StackError } from '@junction/local-stack';
import { addAclsCommand } from './commands/acls';
import { addAsyncApiCommand } from './commands/asyncapi';
import { addDemoCommand } from './commands/demo';
import { addDlqCommand } from './commands/dlq';
import { addFleetCommands } from './commands/fleet';
import { addMessageCommands } from './commands/messages';
import { addNewCommand } from './commands/new';
import { addSimulateCommand } from './commands/simulate';
import { addStackCommand } from './commands/stack';
import { addSchemasCommand, addTopicsCommand } from './commands/topics';

// `junction ... | head` closes the pipe early: that is not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('junction')
  .description('Junction: Kafka integrations between enterprise systems and AI models')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

addStackCommand(program);
addFleetCommands(program);
addDemoCommand(program);
addMessageCommands(program);
addSimulateCommand(program);
addTopicsCommand(program);
addSchemasCommand(program);
addDlqCommand(program);
addNewCommand(program);
addAsyncApiCommand(program);
addAclsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its message; help and version are not errors
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (
    err instanceof StackError ||
    (err instanceof Error && !(err instanceof TypeError) && !(err instanceof ReferenceError))
  ) {
    console.error(`junction: ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
