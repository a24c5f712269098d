import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { fleetEntries } from '../fleet/fleet';
import { FleetManager, replicaName, somethingDown, type FleetStatus } from '../fleet/fleet-manager';
import { positiveInt } from './options';

export function printFleet(s: FleetStatus): void {
  const mark = (up: boolean) => (up ? 'up' : 'down');
  console.log(
    `kafka            ${mark(s.kafka.up).padEnd(9)} ${s.kafka.bootstrap}${s.stack === 'external' ? '  (KAFKA_BROKERS)' : ''}`,
  );
  console.log(
    `schema registry  ${mark(s.schemaRegistry.up).padEnd(9)} ${s.schemaRegistry.url}${s.stack === 'external' ? '  (SCHEMA_REGISTRY_URL)' : ''}`,
  );
  for (const p of s.processes) {
    const state = !p.present ? 'absent' : !p.up ? 'down' : p.healthy === false ? 'unhealthy' : 'up';
    console.log(
      `${p.name.padEnd(16)} ${state.padEnd(9)} ${p.url ?? ''}${p.pid ? `  pid ${p.pid}` : ''}${!p.present ? '  (not on disk yet: skipped)' : ''}`,
    );
  }
}

/** `lead-scoring=2` (repeatable) → `{ 'lead-scoring': 2 }`. */
function replicasOption(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([a-z][a-z0-9-]*)=(\d+)$/.exec(value.trim());
  if (!match || Number(match[2]) < 1)
    throw new InvalidArgumentError('expected <service>=<n> with n >= 1, e.g. lead-scoring=2.');
  return { ...previous, [match[1]!]: Number(match[2]) };
}

/** `junction up | down | status | logs | scale`: the whole fleet in the background. */
export function addFleetCommands(program: Command): void {
  program
    .command('up')
    .description(
      'start the stack, apply the topics, register the schemas and start the fleet in the background (idempotent)',
    )
    .option('--json', 'print the resulting status as JSON')
    .option(
      '--replicas <service=n>',
      'run n replicas of a pipeline service in its consumer group (repeatable)',
      replicasOption,
    )
    .action(async (opts: { json?: boolean; replicas?: Record<string, number> }) => {
      const manager = new FleetManager();
      const { status } = await manager.up({
        log: (line) => console.error(line),
        ...(opts.replicas ? { replicas: opts.replicas } : {}),
      });
      if (opts.json) console.log(JSON.stringify(status));
      else printFleet(status);
    });
  program
    .command('down')
    .description('stop what `up` started: the fleet, then the stack if `up` started it')
    .action(async () => {
      const stopped = await new FleetManager().down({ log: (line) => console.error(line) });
      console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
    });
  program
    .command('status')
    .description('every process and endpoint of the fleet; exits 3 when something is down')
    .option(
      '--json',
      'print JSON: {"stack","kafka":{"bootstrap","up"},"schemaRegistry":{"url","up"},"endpoints":{...},"processes":[{"name","replicaOf","present","up","pid","port","url","healthUrl","healthy","log"}]}',
    )
    .action(async (opts: { json?: boolean }) => {
      const status = await new FleetManager().status();
      if (opts.json) console.log(JSON.stringify(status));
      else printFleet(status);
      process.exitCode = somethingDown(status) ? 3 : 0;
    });
  program
    .command('logs')
    .description("the last lines of a fleet process's log (.local/fleet/logs/<name>.log)")
    .addArgument(
      new Argument('<name>', 'a fleet process: a service with a "junction" manifest, or simulator').argParser(
        (value: string) => {
          const names = fleetEntries().map((e) => e.name);
          if (!names.includes(replicaName(value).member))
            throw new InvalidArgumentError(
              `expected one of: ${names.join(', ')}. Replica k of a pipeline service is <name>#k.`,
            );
          return value;
        },
      ),
    )
    .addOption(new Option('-n, --lines <n>', 'lines').argParser(positiveInt).default(40))
    .action((name: string, opts: { lines: number }) => {
      console.log(new FleetManager().logs(name, opts.lines).text);
    });
  program
    .command('scale')
    .description(
      'run n replicas of a pipeline service in its consumer group, each on its own port with its own log (<name>#k); fewer stops the extra ones gracefully',
    )
    .argument('<service>', 'a pipeline service, e.g. lead-scoring')
    .addArgument(new Argument('<n>', 'replicas, >= 1').argParser(positiveInt))
    .option('--json', 'print the resulting status as JSON')
    .action(async (service: string, n: number, opts: { json?: boolean }) => {
      const manager = new FleetManager();
      const result = await manager.scale(service, n, { log: (line) => console.error(line) });
      const status = await manager.status();
      if (opts.json) console.log(JSON.stringify(status));
      else {
        console.log(`${service}: ${result.replicas.length} replica(s): ${result.replicas.join(', ')}`);
        printFleet(status);
      }
    });
}
