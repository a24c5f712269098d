// The fault-injection suite, full version: 50,000 events per scenario (a 200,000-record backlog for
// the memory scenario), the outages the issue names (model down 30 s, registry stopped 30 s, network
// cut 20 s). Run with `pnpm test:faults`; prints every scenario's figures as a table at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEveryPoisonKind, expectPromiseKept, RSS_BUDGET_BYTES } from '../expectations';
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
} from '../scenarios';
import { FaultSuite } from '../suite';

const SCENARIO_TIMEOUT = 1_500_000;
let suite: FaultSuite;

beforeAll(async () => {
  suite = await FaultSuite.open('full');
}, 300_000);

afterAll(async () => {
  if (suite?.figures.length) process.stdout.write(`\n${suite.table()}\n\n`);
  await suite?.close();
}, 300_000);

describe('fault injection (full)', () => {
  it(
    killNine.title,
    async () => {
      expectPromiseKept(await suite.run(killNine));
    },
    SCENARIO_TIMEOUT,
  );

  it(
    rebalance.title,
    async () => {
      expectPromiseKept(await suite.run(rebalance));
    },
    SCENARIO_TIMEOUT,
  );

  it(
    brokerRestart.title,
    async () => {
      expectPromiseKept(await suite.run(brokerRestart));
    },
    SCENARIO_TIMEOUT,
  );

  it(
    modelFaults.title,
    async () => {
      const f = await suite.run(modelFaults);
      expectPromiseKept(f);
      expect(f.tally.degraded, 'results made by the fallback while the model failed').toBeGreaterThan(0);
    },
    SCENARIO_TIMEOUT,
  );

  it(
    registryOutage.title,
    async () => {
      const f = await suite.run(registryOutage);
      expectPromiseKept(f);
      expect(
        f.notes?.['committed while the registry was down'],
        'cached schemas keep the flow',
      ).toBeGreaterThan(0);
    },
    SCENARIO_TIMEOUT,
  );

  it(
    poison.title,
    async () => {
      const f = await suite.run(poison);
      expectPromiseKept(f);
      expectEveryPoisonKind(f);
    },
    SCENARIO_TIMEOUT,
  );

  it(
    backlog.title,
    async () => {
      const f = await suite.run(backlog);
      expectPromiseKept(f);
      expect(f.peakRssBytes).toBeLessThan(RSS_BUDGET_BYTES);
    },
    SCENARIO_TIMEOUT,
  );

  it(
    leaderKill.title,
    async () => {
      expectPromiseKept(await suite.run(leaderKill));
    },
    SCENARIO_TIMEOUT,
  );

  it(
    networkCut.title,
    async () => {
      expectPromiseKept(await suite.run(networkCut));
    },
    SCENARIO_TIMEOUT,
  );
});
