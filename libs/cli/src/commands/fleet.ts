import { Option, type Command } from 'commander';
import { FleetManager, type FleetStatus } from '../fleet/fleet-manager';
import { positiveInt } from './options';

function printFleet(s: FleetStatus): void {
  console.log(`kafka            ${s.kafka.up ? 'up  ' : 'down'}  ${s.kafka.bootstrap}`);
  console.log(`schema registry  ${s.schemaRegistry.up ? 'up  ' : 'down'}  ${s.schemaRegistry.url}`);
  for (const p of s.processes) {
    const state = !p.up ? 'down' : p.healthy === false ? 'unhealthy' : 'up';
    console.log(`${p.name.padEnd(16)} ${state.padEnd(9)} ${p.url ?? ''}${p.pid ? `  pid ${p.pid}` : ''}`);
  }
}

/** `junction up | down | status | logs`: the whole fleet in the background. */
export function addFleetCommands(program: Command): void {
  program
    .command('up')
    .description('start the stack, apply topics, register schemas and start the fleet in the background')
    .option('--json', 'print the resulting status as JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await new FleetManager().up((line) => console.error(line));
      if (opts.json) console.log(JSON.stringify(status));
      else printFleet(status);
    });
  program
    .command('down')
    .description('stop what `up` started (the stack only if `up` started it)')
    .action(async () => {
      const stopped = await new FleetManager().down((line) => console.error(line));
      console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
    });
  program
    .command('status')
    .description('every process and endpoint of the fleet')
    .option(
      '--json',
      'print JSON: {"kafka":{...},"schemaRegistry":{...},"processes":[{"name","pid","up","url","healthy"}]}',
    )
    .action(async (opts: { json?: boolean }) => {
      const status = await new FleetManager().status();
      if (opts.json) console.log(JSON.stringify(status));
      else printFleet(status);
      const down =
        !status.kafka.up ||
        !status.schemaRegistry.up ||
        status.processes.some((p) => !p.up || p.healthy === false);
      process.exitCode = down ? 3 : 0;
    });
  program
    .command('logs')
    .description("the last lines of a fleet process's log")
    .argument('<name>', 'model-server, lead-scoring, ticket-triage or simulator')
    .addOption(new Option('-n, --lines <n>', 'lines').argParser(positiveInt).default(40))
    .action((name: string, opts: { lines: number }) => {
      console.log(new FleetManager().logs(name, opts.lines));
    });
}
