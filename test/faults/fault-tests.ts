// The fault-injection scenarios as tests, declared once for both sizes: `short` (a few thousand
// events per scenario; test/faults/faults.test.ts, part of `make test`) and `full` (50,000 events,
// the outages at their full length; full/faults.full.test.ts, `pnpm test:faults`). Every scenario
// runs against the suite's own Kafka and registry (.local/faults/, ports 19092/18080), never the
// shared stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioFigures } from './checker';
import { expectEveryPoisonKind, expectPromiseKept, RSS_BUDGET_BYTES } from './expectations';
import {
  backlog,
  brokerRestart,
  killNine,
  leaderKill,
  modelFaults,
  networkCut,
  poison,
  rebalance,
  registryOutage,
  type Scenario,
} from './scenarios';
import { FaultSuite } from './suite';

const TIMEOUTS = {
  short: { scenario: 360_000, open: 240_000, close: 120_000 },
  full: { scenario: 1_500_000, open: 300_000, close: 300_000 },
} as const;

export function faultTests(size: 'short' | 'full'): void {
  const SCENARIO_TIMEOUT = TIMEOUTS[size].scenario;
  let suite: FaultSuite;

  beforeAll(async () => {
    suite = await FaultSuite.open(size);
  }, TIMEOUTS[size].open);

  afterAll(async () => {
    // the full run ends with every scenario's figures as one table
    if (size === 'full' && suite?.figures.length) process.stdout.write(`\n${suite.table()}\n\n`);
    await suite?.close();
  }, TIMEOUTS[size].close);

  /** One scenario as a test: the promise kept, and whatever else the scenario must show. */
  const scenario = (s: Scenario, alsoShows?: (f: ScenarioFigures) => void): void => {
    it(
      s.title,
      async () => {
        const f = await suite.run(s);
        expectPromiseKept(f);
        alsoShows?.(f);
      },
      SCENARIO_TIMEOUT,
    );
  };

  describe(`fault injection (${size})`, () => {
    scenario(killNine);
    scenario(rebalance);
    scenario(brokerRestart);
    scenario(modelFaults, (f) => {
      expect(f.tally.degraded, 'results made by the fallback while the model failed').toBeGreaterThan(0);
    });
    scenario(registryOutage, (f) => {
      expect(
        f.notes?.['committed while the registry was down'],
        'cached schemas keep the flow',
      ).toBeGreaterThan(0);
    });
    scenario(poison, expectEveryPoisonKind);
    scenario(backlog, (f) => {
      expect(f.peakRssBytes).toBeLessThan(RSS_BUDGET_BYTES);
    });
    scenario(leaderKill);
    scenario(networkCut);
  });
}
