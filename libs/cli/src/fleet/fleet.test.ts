import { describe, expect, it } from 'vitest';
import {
  FLEET,
  FleetDefinitionError,
  launchSpec,
  parseFleet,
  PIPELINE_SERVICE_NODE_OPTIONS,
  portVariable,
  simulatorRate,
} from './fleet';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetDefinitionError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('the fleet list', () => {
  it('runs the model server, both pipeline services and the simulator, in that order', () => {
    const members = parseFleet(FLEET, {});
    expect(members.map((m) => [m.name, m.entry, m.cwd, m.port, m.health])).toEqual([
      [
        'model-server',
        'services/model-server/src/main.ts',
        'services/model-server',
        8000,
        '/v2/health/ready',
      ],
      ['lead-scoring', 'services/lead-scoring/src/main.ts', 'services/lead-scoring', 3001, '/health/ready'],
      [
        'ticket-triage',
        'services/ticket-triage/src/main.ts',
        'services/ticket-triage',
        3002,
        '/health/ready',
      ],
      ['simulator', 'libs/cli/src/main.ts', 'libs/cli', undefined, undefined],
    ]);
  });

  it('gives a pipeline service the stack, the model server and its port', () => {
    const members = parseFleet(FLEET, {});
    const ctx = { kafka: '127.0.0.1:9092', registry: 'http://127.0.0.1:8080/apis/ccompat/v7' };
    expect(launchSpec(members[1]!, members, ctx)).toEqual({
      env: {
        NODE_OPTIONS: PIPELINE_SERVICE_NODE_OPTIONS,
        KAFKA_BROKERS: '127.0.0.1:9092',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
        MODEL_SERVER_URL: 'http://127.0.0.1:8000',
        PORT: '3001',
        HOST: '127.0.0.1',
      },
      args: [],
    });
    expect(launchSpec(members[3]!, members, { ...ctx, rate: 5 }).args).toEqual([
      'simulate',
      'all',
      '--rate',
      '5',
    ]);
    expect(launchSpec(members[3]!, members, ctx).args).toEqual(['simulate', 'all', '--rate', '20']);
  });
});

describe('parseFleet: environment overrides', () => {
  it('moves ports with JUNCTION_<NAME>_PORT, and the URLs that point at them', () => {
    const members = parseFleet(FLEET, {
      JUNCTION_MODEL_SERVER_PORT: '18000',
      JUNCTION_LEAD_SCORING_PORT: ' 13001 ',
    });
    expect(members[0]).toMatchObject({ port: 18000, portFrom: 'JUNCTION_MODEL_SERVER_PORT' });
    expect(members[1]).toMatchObject({ port: 13001, portFrom: 'JUNCTION_LEAD_SCORING_PORT' });
    expect(members[2]).toMatchObject({ port: 3002 });
    expect(members[2]!.portFrom).toBeUndefined();
    const env = launchSpec(members[1]!, members, { kafka: 'k:1', registry: 'http://r' }).env;
    expect(env).toMatchObject({ PORT: '13001', MODEL_SERVER_URL: 'http://127.0.0.1:18000' });
    expect(portVariable('ticket-triage')).toBe('JUNCTION_TICKET_TRIAGE_PORT');
  });

  it('names the variable and what it expects when an override is bad', () => {
    expect(
      problems(() =>
        parseFleet(FLEET, {
          JUNCTION_MODEL_SERVER_PORT: 'eighty',
          JUNCTION_LEAD_SCORING_PORT: '70000',
          JUNCTION_SIMULATOR_PORT: '4000',
        }),
      ),
    ).toEqual([
      'JUNCTION_MODEL_SERVER_PORT="eighty": expected a TCP port 1-65535',
      'JUNCTION_LEAD_SCORING_PORT="70000": expected a TCP port 1-65535',
      'JUNCTION_SIMULATOR_PORT: simulator has no port to move',
    ]);
  });

  it('refuses two members on one port after overrides', () => {
    expect(problems(() => parseFleet(FLEET, { JUNCTION_TICKET_TRIAGE_PORT: '3001' }))).toEqual([
      "ticket-triage: port 3001 is also lead-scoring's",
    ]);
  });

  it('takes the simulator rate from JUNCTION_SIMULATOR_RATE', () => {
    expect(simulatorRate({})).toBe(20);
    expect(simulatorRate({ JUNCTION_SIMULATOR_RATE: '2.5' })).toBe(2.5);
    expect(() => simulatorRate({ JUNCTION_SIMULATOR_RATE: '0' })).toThrow(
      'JUNCTION_SIMULATOR_RATE="0": expected a number > 0',
    );
  });
});

describe('parseFleet: validation', () => {
  it('reports every problem of an entry list at once', () => {
    const found = problems(() =>
      parseFleet(
        [
          { name: 'Order_Risk', entry: '/abs/main.ts', cwd: 'services/x', port: 0 },
          {
            name: 'order-risk',
            entry: 'services/order-risk/src/main.ts',
            cwd: '../elsewhere',
            health: 'health',
          },
          { name: 'twice', entry: 'a.ts', cwd: '.', env: { A: '{nope}', B: '{url:missing}', C: '{port}' } },
          { name: 'twice', entry: 'a.ts', cwd: '.', extra: true },
        ],
        {},
      ),
    );
    expect(found).toEqual([
      'Order_Risk: name: expected a kebab-case name, e.g. order-risk',
      'Order_Risk: entry: expected a path inside the repository',
      'Order_Risk: port: Too small: expected number to be >=1',
      'order-risk: cwd: expected a path inside the repository',
      'order-risk: health: expected a path starting with /, e.g. /health/ready',
      'order-risk: health: a health path needs a port',
      `twice: entry: Unrecognized key: "extra"`,
      'twice: unknown placeholder {nope} in "{nope}"',
      'twice: {url:missing} names no entry with a port',
      'twice: {port} used but the entry has no port',
    ]);
  });

  it('makes a new service one entry', () => {
    const members = parseFleet(
      [
        ...FLEET,
        {
          name: 'order-risk',
          entry: 'services/order-risk/src/main.ts',
          cwd: 'services/order-risk',
          port: 3003,
          health: '/health/ready',
          env: { KAFKA_BROKERS: '{kafka}', RISK_MODEL_URL: '{url:model-server}', PORT: '{port}' },
        },
      ],
      { JUNCTION_ORDER_RISK_PORT: '3103' },
    );
    const risk = members.find((m) => m.name === 'order-risk')!;
    expect(launchSpec(risk, members, { kafka: 'k:1', registry: 'http://r' }).env).toEqual({
      KAFKA_BROKERS: 'k:1',
      RISK_MODEL_URL: 'http://127.0.0.1:8000',
      PORT: '3103',
    });
  });
});
