import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import logUpdate from 'log-update';
import { workspacePlan } from '@junction/fleet-infra';
import { createKafka } from '@junction/kafka';
import { FleetError, FleetManager } from '../fleet/fleet-manager';
import { PipelineCounters } from '../fleet/pipeline-counters';
import {
  parseModelStats,
  renderLine,
  renderTable,
  summaryRows,
  type ModelLatency,
  type PipelineSample,
  type SummaryRow,
} from '../fleet/summary';
import { positiveInt, positiveNumber } from './options';

export interface DemoOptions {
  /** Stop by itself after this many seconds. */
  duration?: number;
  /** Simulated events per second per source system. */
  rate: number;
}

async function modelStats(url: string | undefined): Promise<ModelLatency | undefined> {
  if (!url) return undefined;
  try {
    const res = await fetch(`${url}/admin/stats`, { signal: AbortSignal.timeout(1_000) });
    return res.ok ? parseModelStats(await res.json()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `junction demo`: `up` in the foreground, a summary refreshed every second (a line every 5 s when stdout
 * is not a terminal) until Ctrl-C or `duration`, then `down` for what this run started.
 */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const stop = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      stop.abort();
      return;
    }
    log('junction: stopping now; `pnpm junction down` stops what is left');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const manager = new FleetManager({ rate: opts.rate });
  const tty = process.stdout.isTTY === true;
  let counters: PipelineCounters | undefined;
  let rows: SummaryRow[] = [];
  let failure: unknown;
  try {
    const { status } = await manager.up({ log, signal: stop.signal });
    counters = new PipelineCounters(
      createKafka({ brokers: status.endpoints.kafkaBootstrap.split(','), clientId: 'junction-demo' }),
      (await workspacePlan()).pipelines,
    );
    await counters.start();
    log(
      `demo running${opts.duration ? ` for ${opts.duration} s` : ''}: ${status.processes
        .filter((p) => p.up)
        .map((p) => p.name)
        .join(', ')}`,
    );

    const started = Date.now();
    const until = opts.duration !== undefined ? started + opts.duration * 1000 : Infinity;
    let prev: { at: number; samples: PipelineSample[] } | undefined;
    let lastLine = 0;
    while (!stop.signal.aborted) {
      const at = Date.now();
      const [samples, model] = await Promise.all([
        counters.sample(),
        modelStats(status.endpoints.modelServerUrl),
      ]);
      rows = summaryRows(prev, { at, samples });
      prev = { at, samples };
      const elapsed = (at - started) / 1000;
      const down = manager.deadMembers();
      if (tty) {
        logUpdate(
          renderTable(rows, model, elapsed) +
            (down.length ? `\n\nnot running any more: ${down.join(', ')}` : ''),
        );
      } else if (at - lastLine >= 5_000 || at >= until) {
        lastLine = at;
        console.log(renderLine(rows, model, elapsed) + (down.length ? ` | down: ${down.join(', ')}` : ''));
      }
      if (at >= until) break;
      await sleep(Math.min(1_000, Math.max(0, until - Date.now())), undefined, { signal: stop.signal }).catch(
        () => {},
      );
    }
  } catch (err) {
    if (!(err instanceof FleetError && err.message === 'interrupted')) failure = err;
  } finally {
    if (tty) logUpdate.done();
    await counters?.stop();
    const { started, startedStack } = manager.lastUp;
    if (started.length || startedStack) {
      const what = [...[...started].reverse(), ...(startedStack ? ['the stack'] : [])];
      log(`stopping what the demo started: ${what.join(', ')}`);
      await manager.down({ log, only: started, stack: startedStack });
    } else {
      log('the demo started nothing (the fleet was already up): left running; `pnpm junction down` stops it');
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (failure) throw failure;
  for (const r of rows)
    console.log(
      `${r.pipeline}: ${r.in} events in, ${r.out} results out, ${r.review} review, ${r.retry} retry, ${r.dlq} DLQ`,
    );
}

export function addDemoCommand(program: Command): Command {
  return program
    .command('demo')
    .description(
      'start the stack and the fleet, show a live summary, stop what it started on Ctrl-C (or after --duration)',
    )
    .addOption(
      new Option('--duration <seconds>', 'stop by itself after this many seconds (CI smoke runs)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option('--rate <n>', 'simulated events per second per source system')
        .argParser(positiveNumber)
        .default(20),
    )
    .action((opts: DemoOptions) => runDemo(opts));
}
