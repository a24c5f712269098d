import { InvalidArgumentError, Option, type Command } from 'commander';
import { LocalStack, StackError, type StackStatus } from '@junction/local-stack';
import { positiveInt } from './options';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('expected a TCP port number between 1 and 65535.');
  return n;
}

function printStatus(status: StackStatus): void {
  const mark = (up: boolean) => (up ? 'up  ' : 'down');
  console.log(`kafka            ${mark(status.kafka.up)}  ${status.kafka.bootstrap}`);
  for (const b of status.kafka.brokers) {
    console.log(
      `  broker ${b.nodeId}       ${mark(b.up)}  127.0.0.1:${b.port}${b.pid ? `  pid ${b.pid}` : ''}`,
    );
  }
  console.log(
    `schema registry  ${mark(status.schemaRegistry.up)}  ${status.schemaRegistry.url}${status.schemaRegistry.pid ? `  pid ${status.schemaRegistry.pid}` : ''}`,
  );
}

/** Adds `stack up|down|status|logs` to the program (subcommands inherit its error handling). */
export function addStackCommand(program: Command): Command {
  const stack = program
    .command('stack')
    .description('the local Kafka (KRaft) and Apicurio Registry, run from Maven Central artifacts');

  stack
    .command('up')
    .description(
      'start the stack (idempotent); returns when Kafka answers Metadata and the registry answers /subjects',
    )
    .addOption(
      new Option('--brokers <n>', 'number of brokers: 1, or 3 for failover tests')
        .choices(['1', '3'])
        .default('1'),
    )
    .addOption(
      new Option('--kafka-port <port>', 'first broker port; brokers use consecutive ports')
        .argParser(port)
        .env('JUNCTION_KAFKA_PORT'),
    )
    .addOption(
      new Option('--registry-port <port>', 'registry HTTP port')
        .argParser(port)
        .env('JUNCTION_REGISTRY_PORT'),
    )
    .option('--json', 'print the resulting status as JSON')
    .action(async (opts: { brokers: string; kafkaPort?: number; registryPort?: number; json?: boolean }) => {
      const s = new LocalStack();
      const status = await s.up({
        brokers: Number(opts.brokers) as 1 | 3,
        kafkaPort: opts.kafkaPort,
        registryPort: opts.registryPort,
        log: (line) => console.error(line),
      });
      if (opts.json) console.log(JSON.stringify(status));
      else printStatus(status);
    });

  stack
    .command('down')
    .description('stop exactly the processes `up` started and wait for them to exit')
    .action(async () => {
      const stopped = await new LocalStack().down({ log: (line) => console.error(line) });
      console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
    });

  stack
    .command('status')
    .description('whether Kafka and the registry are up, and where')
    .option('--json', 'print JSON: {"kafka":{"bootstrap","up",...},"schemaRegistry":{"url","up",...}}')
    .action(async (opts: { json?: boolean }) => {
      const status = await new LocalStack().status();
      if (opts.json) console.log(JSON.stringify(status));
      else printStatus(status);
      process.exitCode = status.kafka.up && status.schemaRegistry.up ? 0 : 3;
    });

  stack
    .command('logs')
    .description('print the last lines of the stack logs')
    .argument('[component]', 'kafka, registry, or a broker like kafka-2 (default: all)')
    .addOption(new Option('-n, --lines <n>', 'lines per log').argParser(positiveInt).default(40))
    .action((component: string | undefined, opts: { lines: number }) => {
      const logs = new LocalStack().logs(component, opts.lines);
      if (logs.length === 0) {
        throw new StackError(
          `no logs${component ? ` for "${component}"` : ''}; expected one of: kafka, kafka-<n>, registry`,
        );
      }
      for (const { name, file, text } of logs) {
        console.log(`==> ${name} (${file}) <==\n${text}\n`);
      }
    });

  return stack;
}
