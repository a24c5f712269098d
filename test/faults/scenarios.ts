/**
 * The fault scenarios, each in a short version (`make test`: a few thousand events) and a full one
 * (`pnpm test:faults`: 50,000 events, a 200,000-record backlog). A scenario starts a run, injects its
 * faults at points of the stream, and returns the run's figures; the test asserts on them.
 */
import { Random } from '@junction/datagen';
import type { ScenarioFigures } from './checker';
import { NETNS, Netns } from './harness/netns';
import { rssOf } from './harness/processes';
import { ScenarioRun, type RunOptions, type SuiteContext } from './harness/scenario-run';
import { POISON_KINDS } from './poison';

export type Size = 'short' | 'full';

interface Sizes {
  events: number;
  /** Events per second while faults happen. */
  rate: number;
  backlog: number;
  /** How long a fault lasts where the issue gives a time (model down, registry stopped, network cut). */
  outageMs: number;
  modelErrorsMs: number;
  netCutMs: number;
  /** How long the killed leader broker stays down. */
  brokerDownMs: number;
  settleTimeoutMs: number;
}

export const SIZES: Record<Size, Sizes> = {
  short: {
    events: 3_000,
    rate: 150,
    backlog: 20_000,
    outageMs: 10_000,
    modelErrorsMs: 8_000,
    netCutMs: 20_000,
    brokerDownMs: 8_000,
    settleTimeoutMs: 240_000,
  },
  full: {
    events: 50_000,
    rate: 600,
    backlog: 200_000,
    outageMs: 30_000,
    modelErrorsMs: 20_000,
    netCutMs: 20_000,
    brokerDownMs: 30_000,
    settleTimeoutMs: 600_000,
  },
};

/** Where random fault points come from; FAULT_SEED repeats a run's choices. */
export const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 1_000_000));

export interface Scenario {
  id: string;
  title: string;
  /** The stack shape it needs; scenarios needing the same shape run one after another. */
  brokers: 1 | 3;
  netns?: boolean;
  run(ctx: SuiteContext, size: Size): Promise<ScenarioFigures>;
}

/** Runs `body` on a started run and always closes it. */
async function within(
  ctx: SuiteContext,
  options: RunOptions,
  body: (run: ScenarioRun) => Promise<void>,
): Promise<ScenarioFigures> {
  const run = await ScenarioRun.start(ctx, options);
  try {
    await body(run);
    return await run.finish();
  } finally {
    await run.close();
  }
}

const base = (size: Size, scenario: string, seed: number): RunOptions => ({
  scenario,
  events: SIZES[size].events,
  rate: SIZES[size].rate,
  poisonEvery: 100,
  replicas: 1,
  seed,
  settleTimeoutMs: SIZES[size].settleTimeoutMs,
});

const secs = (ms: number): string => `${Math.round(ms / 1000)} s`;

export const killNine: Scenario = {
  id: 'kill-9',
  title: '1. a service process killed with SIGKILL three times at random points, restarted each time',
  brokers: 1,
  async run(ctx, size) {
    const rng = new Random(SEED);
    return within(ctx, base(size, 'kill-9', 101), async (run) => {
      const points: string[] = [];
      let done = 0;
      for (const window of [
        [0.15, 0.3],
        [0.45, 0.6],
        [0.75, 0.9],
      ] as const) {
        await run.sent(window[0] + rng.next() * (window[1] - window[0]));
        // hit a process that is working, not one still joining after the last restart
        await run.reach(done + 0.02);
        await ScenarioRun.hold(rng.int(0, 1_000));
        done = await run.progress();
        points.push(
          `${Math.round((run.feed.sent / run.options.events) * 100)}% sent/${Math.round(done * 100)}% committed`,
        );
        await run.killWorker(run.workers[0]!);
        await run.addWorker();
      }
      run.fault(`3 x SIGKILL + restart (at ${points.join(', ')})`);
    });
  },
};

export const rebalance: Scenario = {
  id: 'rebalance',
  title: '2. three replicas in one group; one stopped and another added mid-stream',
  brokers: 1,
  async run(ctx, size) {
    return within(ctx, { ...base(size, 'rebalance', 202), replicas: 3 }, async (run) => {
      await run.reach(0.3);
      await run.stopWorker(run.workers[0]!);
      run.fault('replica stopped (SIGTERM)');
      await run.reach(0.6);
      await run.addWorker();
      run.fault('replica added');
    });
  },
};

export const brokerRestart: Scenario = {
  id: 'broker-restart',
  title: '3a. the single broker restarted mid-stream',
  brokers: 1,
  async run(ctx, size) {
    return within(ctx, base(size, 'broker-restart', 303), async (run) => {
      await run.reach(0.4);
      const t = Date.now();
      await ctx.stack.stopBroker(1);
      await ctx.stack.restore();
      run.fault(`broker restarted (down ${secs(Date.now() - t)})`);
    });
  },
};

export const leaderKill: Scenario = {
  id: 'leader-kill',
  title: '3b. three brokers: the leader of the busiest partitions killed (SIGKILL), later restarted',
  brokers: 3,
  async run(ctx, size) {
    return within(ctx, base(size, 'leader-kill', 304), async (run) => {
      await run.reach(0.3);
      const admin = run.kafka.admin();
      await admin.connect();
      let leader: number;
      let led: number;
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [run.source] });
        const counts = new Map<number, number>();
        for (const p of meta.topics[0]!.partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
        [leader, led] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      } finally {
        await admin.disconnect();
      }
      await ctx.stack.stopBroker(leader, true);
      await ScenarioRun.hold(SIZES[size].brokerDownMs);
      await ctx.stack.restore();
      run.fault(
        `SIGKILL kafka-${leader} (leader of ${led}/12 source partitions), restarted after ${secs(SIZES[size].brokerDownMs)}`,
      );
    });
  },
};

export const modelFaults: Scenario = {
  id: 'model-faults',
  title: '4. the model server: 20% errors and 5% timeouts, then down, then back',
  brokers: 1,
  async run(ctx, size) {
    const s = SIZES[size];
    return within(ctx, base(size, 'model-faults', 404), async (run) => {
      await run.reach(0.1);
      await run.model.faults({ errorRate: 0.2, timeoutRate: 0.05 });
      run.fault(`20% errors + 5% timeouts for ${secs(s.modelErrorsMs)}`);
      await ScenarioRun.hold(s.modelErrorsMs);
      await run.model.faults({ errorRate: 0, timeoutRate: 0, down: true });
      run.fault(`down for ${secs(s.outageMs)}`);
      await ScenarioRun.hold(s.outageMs);
      await run.model.faults({ down: false });
      run.fault('back');
    });
  },
};

export const registryOutage: Scenario = {
  id: 'registry-outage',
  title:
    '5. the registry stopped mid-stream; events with a schema id the service has not seen arrive meanwhile',
  brokers: 1,
  async run(ctx, size) {
    const s = SIZES[size];
    return within(ctx, { ...base(size, 'registry-outage', 505), withV2: true }, async (run) => {
      await run.reach(0.3);
      await ctx.stack.stopRegistry();
      // from now on every other valid event is written with the second schema version, whose id the
      // pipeline has never fetched: it must wait (retry topic), not be dead-lettered as poison
      let v2From = Number.POSITIVE_INFINITY;
      run.stream.useV2 = (i) => i >= v2From && i % 2 === 1;
      v2From = run.feed.sent;
      const before = await run.progress();
      await ScenarioRun.hold(s.outageMs);
      const during = Math.round(((await run.progress()) - before) * run.options.events);
      const t = Date.now();
      await ctx.stack.restore();
      run.fault(
        `registry stopped ${secs(s.outageMs + Date.now() - t)} (new schema version from event ${v2From})`,
      );
      run.notes['committed while the registry was down'] = during;
    });
  },
};

export const poison: Scenario = {
  id: 'poison',
  title: `6. poison input: ${POISON_KINDS.length} kinds of malformed records mixed into the stream`,
  brokers: 1,
  async run(ctx, size) {
    return within(ctx, { ...base(size, 'poison', 606), poisonEvery: 7 }, async (run) => {
      run.fault(`${POISON_KINDS.length} poison kinds, 1 in 7 records`);
    });
  },
};

export const backlog: Scenario = {
  id: 'backlog',
  title: '7. a backlog behind a slow model: memory of the service stays bounded',
  brokers: 1,
  async run(ctx, size) {
    const s = SIZES[size];
    const options: RunOptions = {
      ...base(size, 'backlog', 707),
      events: s.backlog,
      preload: true,
      modelLatencyMs: 100,
    };
    delete options.rate;
    return within(ctx, options, async (run) => {
      run.fault(`${s.backlog} records waiting, model answers in 100 ms until 30% is done`);
      // bounded means flat: resident memory at each tenth of the backlog, not only its peak
      const rss: number[] = [];
      for (let tenth = 1; tenth <= 10; tenth++) {
        await run.reach(tenth / 10, 900_000);
        if (tenth === 3) await run.model.faults({ latencyMs: 0 });
        rss.push(Math.round(rssOf(run.workers[0]!.pid) / (1024 * 1024)));
      }
      run.notes['rss MB at 10%..100%'] = rss.join('/');
    });
  },
};

export const networkCut: Scenario = {
  id: 'network-cut',
  title: '8. the network between the service and the broker cut, healed after 20 s',
  brokers: 1,
  netns: true,
  async run(ctx, size) {
    const s = SIZES[size];
    const net = new Netns(NETNS);
    return within(ctx, { ...base(size, 'network-cut', 808), netns: NETNS.name }, async (run) => {
      await run.reach(0.3);
      net.cut();
      try {
        await ScenarioRun.hold(s.netCutMs);
      } finally {
        net.heal();
      }
      run.fault(`service cut off from broker and registry for ${secs(s.netCutMs)}`);
    });
  },
};

/** In the order they run: scenarios sharing a stack shape together. */
export const SCENARIOS: readonly Scenario[] = [
  killNine,
  rebalance,
  brokerRestart,
  modelFaults,
  registryOutage,
  poison,
  backlog,
  leaderKill,
  networkCut,
];
