/**
 * The fleet `junction up` runs, as data: one entry per process. A new integration is one more entry.
 * Ports can be moved with env vars (JUNCTION_<NAME>_PORT, e.g. JUNCTION_LEAD_SCORING_PORT).
 */
export interface FleetMember {
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Working directory, relative to the repository root. */
  cwd: string;
  args?: string[];
  port?: number;
  /** Path answered with 200 when ready (on `port`). */
  health?: string;
  env: (ctx: FleetContext) => Record<string, string>;
}

export interface FleetContext {
  brokers: string;
  registryUrl: string;
  modelServerUrl: string;
}

function port(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const v = env[`JUNCTION_${name.toUpperCase().replace(/-/g, '_')}_PORT`];
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`JUNCTION_${name.toUpperCase().replace(/-/g, '_')}_PORT=${v}: expected a TCP port`);
  return n;
}

export function fleet(
  env: NodeJS.ProcessEnv = process.env,
  options: { simulatorRate?: number } = {},
): FleetMember[] {
  const service = (name: string, p: number): FleetMember => ({
    name,
    entry: `services/${name}/src/main.ts`,
    cwd: `services/${name}`,
    port: port(name, p, env),
    health: '/health/ready',
    env: (ctx) => ({
      KAFKA_BROKERS: ctx.brokers,
      SCHEMA_REGISTRY_URL: ctx.registryUrl,
      MODEL_SERVER_URL: ctx.modelServerUrl,
      PORT: String(port(name, p, env)),
      HOST: '127.0.0.1',
    }),
  });
  const modelPort = port('model-server', 8000, env);
  return [
    {
      name: 'model-server',
      entry: 'services/model-server/src/main.ts',
      cwd: 'services/model-server',
      port: modelPort,
      health: '/v2/health/ready',
      env: () => ({ PORT: String(modelPort), HOST: '127.0.0.1' }),
    },
    service('lead-scoring', 3001),
    service('ticket-triage', 3002),
    {
      name: 'simulator',
      entry: 'libs/cli/src/main.ts',
      cwd: 'libs/cli',
      args: ['simulate', 'all', '--rate', String(options.simulatorRate ?? 20)],
      env: (ctx) => ({ KAFKA_BROKERS: ctx.brokers, SCHEMA_REGISTRY_URL: ctx.registryUrl }),
    },
  ];
}
