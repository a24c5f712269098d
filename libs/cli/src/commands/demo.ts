import { Option, type Command } from 'commander';
import { fleet } from '../fleet/fleet';
import { FleetManager } from '../fleet/fleet-manager';
import { collect, rate, render, type SummaryRow } from '../fleet/summary';
import { positiveInt, positiveNumber } from './options';

/** `junction demo`: the fleet in the foreground with a live summary; Ctrl-C stops what it started. */
export function addDemoCommand(program: Command): Command {
  return program
    .command('demo')
    .description('start the stack and the fleet, show a live summary, stop everything on Ctrl-C')
    .addOption(new Option('--duration <s>', 'stop by itself after this many seconds').argParser(positiveInt))
    .addOption(
      new Option('--rate <n>', 'simulated events per second per source system')
        .argParser(positiveNumber)
        .default(20),
    )
    .action(async (opts: { duration?: number; rate: number }) => {
      const members = fleet(process.env, { simulatorRate: opts.rate });
      const manager = new FleetManager(members);
      const before = await manager.status();
      const alreadyRunning = before.processes.some((p) => p.up);
      const status = await manager.up((line) => console.error(line));
      const services = status.processes
        .filter((p) => p.url && p.name !== 'model-server')
        .map((p) => ({ name: p.name, url: p.url! }));
      const modelUrl =
        status.processes.find((p) => p.name === 'model-server')?.url ?? 'http://127.0.0.1:8000';

      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      if (opts.duration) setTimeout(() => stop.abort(), opts.duration * 1000).unref();

      const tty = process.stdout.isTTY;
      const started = Date.now();
      let prev = new Map<string, number>();
      let prevAt = Date.now();
      let lastPrinted = 0;
      let rows: SummaryRow[] = [];
      while (!stop.signal.aborted) {
        const sample = await collect(services, modelUrl);
        const now = Date.now();
        rows = sample.rows.map((r) => ({
          ...r,
          ratePerSec: rate(prev.get(r.pipeline), r.output + r.review, (now - prevAt) / 1000),
        }));
        prev = new Map(sample.rows.map((r) => [r.pipeline, r.output + r.review]));
        prevAt = now;
        const text = render(rows, sample.model, (now - started) / 1000);
        if (tty) process.stdout.write(`\x1b[H\x1b[2J${text}\n`);
        else if (now - lastPrinted >= 5_000) {
          lastPrinted = now;
          const m = sample.model
            ? ` | model p50 ${sample.model.p50Ms ?? 'n/a'} ms p99 ${sample.model.p99Ms ?? 'n/a'} ms`
            : '';
          console.log(
            rows
              .map(
                (r) =>
                  `${r.pipeline}: in ${r.consumed} out ${r.output} review ${r.review} retry ${r.retried} dlq ${r.deadLettered} ${r.ratePerSec.toFixed(1)}/s`,
              )
              .join(' | ') + m,
          );
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
      console.log('\nstopping...');
      if (alreadyRunning)
        console.log(
          'the fleet was already running before the demo: leaving it up (`pnpm junction down` stops it)',
        );
      else await manager.down((line) => console.error(line));
      console.log(
        rows
          .map(
            (r) =>
              `${r.pipeline}: ${r.consumed} in, ${r.output} results, ${r.review} review, ${r.retried} retry, ${r.deadLettered} DLQ`,
          )
          .join('\n'),
      );
    });
}
