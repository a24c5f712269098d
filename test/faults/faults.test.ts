// The fault-injection suite, short version (a few thousand events per scenario; part of `make test`).
// Every scenario runs against the suite's own Kafka and registry (.local/faults/, ports 19092/18080),
// never the shared stack. The full version is full/faults.full.test.ts (`pnpm test:faults`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
} from './scenarios';
import { FaultSuite } from './suite';

const SCENARIO_TIMEOUT = 360_000;
let suite: FaultSuite;

beforeAll(async () => {
  suite = await FaultSuite.open('short');
}, 240_000);

afterAll(async () => {
  await suite?.close();
}, 120_000);

describe('fault injection (short)', () => {
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
