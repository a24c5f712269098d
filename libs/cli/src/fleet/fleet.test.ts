import { describe, expect, it } from 'vitest';
import { serviceManifests } from '@junction/fleet-infra';
import {
  fleetEntries,
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

const FLEET = fleetEntries();

describe('the fleet list, derived from the service manifests', () => {
  it('has one member per service with a "junction" manifest, then the simulator', () => {
    const members = parseFleet(FLEET, {});
    const services = serviceManifests().map((m) => m.service);
    expect(members.map((m) => m.name).sort()).toEqual([...services, 'simulator'].sort());
    expect(members.at(-1)!.name).toBe('simulator');
    for (const m of members.slice(0, -1)) {
      expect(m.entry).toBe(`services/${m.name}/src/main.ts`);
      expect(m.cwd).toBe(`services/${m.name}`);
      expect(m.port).toBeGreaterThan(0);
      expect(m.health).toMatch(/^\//);
    }
    expect(members.find((m) => m.name === 'model-server')).toMatchObject({
      port: 8000,
      health: '/v2/health/ready',
    });
    expect(members.find((m) => m.name === 'lead-scoring')).toMatchObject({
      port: 3001,
      health: '/health/ready',
      pipeline: true,
    });
    // what `junction scale` may scale: pipeline services only
    expect(members.find((m) => m.name === 'model-server')?.pipeline).toBeUndefined();
  });

  it('starts every member after the members its {url:NAME} values point at', () => {
    const order = parseFleet(FLEET, {}).map((m) => m.name);
    for (const m of FLEET)
      for (const v of Object.values(m.env ?? {}))
        for (const [, target] of v.matchAll(/\{url:([a-z0-9-]+)\}/g))
          expect(order.indexOf(target!), `${m.name} after ${target}`).toBeLessThan(order.indexOf(m.name));
    expect(order.indexOf('model-server')).toBeLessThan(order.indexOf('lead-scoring'));
  });

  it('gives a pipeline service the stack, its port, its heap and what its manifest adds', () => {
    const members = parseFleet(FLEET, {});
    const ctx = { kafka: '127.0.0.1:9092', registry: 'http://127.0.0.1:8080/apis/ccompat/v7' };
    const lead = members.find((m) => m.name === 'lead-scoring')!;
    expect(launchSpec(lead, members, ctx)).toEqual({
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
    const simulator = members.find((m) => m.name === 'simulator')!;
    expect(launchSpec(simulator, members, { ...ctx, rate: 5 }).args).toEqual([
      'simulate',
      'all',
      '--rate',
      '5',
    ]);
    expect(launchSpec(simulator, members, ctx).args).toEqual(['simulate', 'all', '--rate', '20']);
  });
});

describe('parseFleet: environment overrides', () => {
  it('moves ports with JUNCTION_<NAME>_PORT, and the URLs that point at them', () => {
    const members = parseFleet(FLEET, {
      JUNCTION_MODEL_SERVER_PORT: '18000',
      JUNCTION_LEAD_SCORING_PORT: ' 13001 ',
    });
    const byName = (name: string) => members.find((m) => m.name === name)!;
    expect(byName('model-server')).toMatchObject({ port: 18000, portFrom: 'JUNCTION_MODEL_SERVER_PORT' });
    expect(byName('lead-scoring')).toMatchObject({ port: 13001, portFrom: 'JUNCTION_LEAD_SCORING_PORT' });
    expect(byName('ticket-triage')).toMatchObject({ port: 3002 });
    expect(byName('ticket-triage').portFrom).toBeUndefined();
    const env = launchSpec(byName('lead-scoring'), members, { kafka: 'k:1', registry: 'http://r' }).env;
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
