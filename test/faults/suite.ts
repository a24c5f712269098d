/**
 * Runs scenarios on the private stack, reshaping it between them (one broker on loopback, three
 * brokers, one broker on the veth address the network namespace reaches), and prints each one's
 * figures. Used by the short suite (`faults.test.ts`) and the full one (`full/faults.full.test.ts`).
 */
import { join } from 'node:path';
import { stackPaths } from '@junction/local-stack';
import { clean, figuresLine, figuresTable, type ScenarioFigures } from './checker';
import { NETNS, Netns } from './harness/netns';
import { PrivateStack } from './harness/private-stack';
import { killAll } from './harness/processes';
import type { SuiteContext } from './harness/scenario-run';
import { SEED, type Scenario, type Size } from './scenarios';

export class FaultSuite {
  readonly figures: ScenarioFigures[] = [];
  private readonly netns = new Netns(NETNS);
  private readonly ctx: SuiteContext;
  private readonly startedAt = Date.now();

  private constructor(
    readonly size: Size,
    private readonly stack: PrivateStack,
    private readonly log: (line: string) => void,
  ) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.ctx = { stack, logRoot: join(stackPaths().local, 'faults', 'logs', `${size}-${stamp}`), log };
  }

  static async open(
    size: Size,
    log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ): Promise<FaultSuite> {
    const stack = new PrivateStack((line) => log(`stack: ${line}`));
    const suite = new FaultSuite(size, stack, log);
    log(
      `[faults] ${size} suite, seed ${SEED} (FAULT_SEED=${SEED} repeats the random fault points), logs in ${suite.ctx.logRoot}`,
    );
    await stack.open();
    return suite;
  }

  async run(scenario: Scenario): Promise<ScenarioFigures> {
    if (scenario.netns) {
      this.netns.create();
      await this.stack.reshape({ brokers: scenario.brokers, host: NETNS.hostAddress });
    } else {
      await this.stack.reshape({ brokers: scenario.brokers, host: '127.0.0.1' });
    }
    this.log(`[faults] ${scenario.title}`);
    const figures = await scenario.run(this.ctx, this.size);
    this.figures.push(figures);
    // the figures go to stdout: they are the result
    process.stdout.write(`${figuresLine(figures)}${clean(figures.tally) ? '' : '  <-- NOT CLEAN'}\n`);
    return figures;
  }

  table(): string {
    return figuresTable(this.figures);
  }

  /** Stops every process and the stack, removes the namespace. */
  async close(): Promise<void> {
    await killAll();
    try {
      await this.stack.close();
    } finally {
      this.netns.destroy();
    }
    this.log(`[faults] ${this.size} suite done in ${Math.round((Date.now() - this.startedAt) / 1000)} s`);
  }
}
