import { Argument, Option, type Command } from 'commander';
import { simulate, type SourceSystem } from '../simulator';
import { brokerList, endpoints, httpUrl, positiveInt, positiveNumber, share } from './options';

/** `junction simulate <crm|helpdesk|all>`: realistic source events at a rate, with some bad ones. */
export function addSimulateCommand(program: Command): Command {
  return program
    .command('simulate')
    .description('publish realistic CRM leads and/or helpdesk tickets, with a share of bad records')
    .addArgument(new Argument('<system>', 'which source system').choices(['crm', 'helpdesk', 'all']))
    .addOption(new Option('--rate <n>', 'events per second per system').argParser(positiveNumber).default(50))
    .addOption(
      new Option('--count <n>', 'stop after n events per system (default: until Ctrl-C)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option(
        '--bad-share <share>',
        'share of bad records (unknown schema id, corrupt bytes, rule violation)',
      )
        .argParser(share)
        .default(0.02),
    )
    .addOption(new Option('--seed <n>', 'seed for reproducible events').argParser(positiveInt))
    .addOption(
      new Option(
        '--brokers <list>',
        'Kafka bootstrap servers (default: KAFKA_BROKERS or the local stack)',
      ).argParser(brokerList),
    )
    .addOption(
      new Option(
        '--registry <url>',
        'schema registry URL (default: SCHEMA_REGISTRY_URL or the local stack)',
      ).argParser(httpUrl),
    )
    .action(
      async (
        system: 'crm' | 'helpdesk' | 'all',
        opts: {
          rate: number;
          count?: number;
          badShare: number;
          seed?: number;
          brokers?: string[];
          registry?: string;
        },
      ) => {
        const systems: SourceSystem[] = system === 'all' ? ['crm', 'helpdesk'] : [system];
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        process.once('SIGTERM', () => abort.abort());
        const { brokers, registryUrl } = endpoints(opts);
        let last = 0;
        const started = Date.now();
        const totals = new Map<SourceSystem, { sent: number; bad: number }>();
        const result = await simulate({
          systems,
          brokers,
          registryUrl,
          rate: opts.rate,
          badShare: opts.badShare,
          signal: abort.signal,
          ...(opts.count !== undefined ? { count: opts.count } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          onProgress: (p) => {
            totals.set(p.system, { sent: p.sent, bad: p.bad });
            if (Date.now() - last < 5_000) return;
            last = Date.now();
            const secs = (Date.now() - started) / 1000;
            console.log(
              [...totals]
                .map(([s, t]) => `${s}: sent ${t.sent} (${t.bad} bad), ${(t.sent / secs).toFixed(1)}/s`)
                .join('  '),
            );
          },
        });
        for (const r of result)
          console.log(`${r.system}: sent ${r.sent} events, ${r.bad} bad ${JSON.stringify(r.badKinds)}`);
      },
    );
}
