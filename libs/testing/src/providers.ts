// The three ways a test run gets a stack, tried in this order:
//   1. KAFKA_BROKERS + SCHEMA_REGISTRY_URL from the environment (a shared or CI-provided stack);
//   2. Testcontainers, only when a Docker engine answers and JUNCTION_TEST_STACK=testcontainers;
//   3. the repo's local stack (Kafka + Apicurio from Maven Central), started if it is not running.
// The local stack is the default even where Docker exists: it is what `make demo` runs, and it is warm.
import { execFileSync } from 'node:child_process';
import { LocalStack } from '@junction/local-stack';
import { stackFromEnv, type StackInfo } from './stack-info';

export interface ProvidedStack {
  info: StackInfo;
  /** Stops what this provider started; a no-op for a stack that was already running. */
  release(): Promise<void>;
}

export function dockerEngineAvailable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export async function provideStack(env: NodeJS.ProcessEnv = process.env): Promise<ProvidedStack> {
  const fromEnv = stackFromEnv(env);
  if (fromEnv) return { info: fromEnv, release: async () => {} };

  if (env.JUNCTION_TEST_STACK === 'testcontainers') {
    if (!dockerEngineAvailable()) {
      throw new Error('JUNCTION_TEST_STACK=testcontainers but no Docker engine answers `docker info`.');
    }
    const { startContainers } = await import('./testcontainers-stack');
    return startContainers();
  }

  const stack = new LocalStack();
  const before = await stack.status();
  const wasRunning = before.kafka.up && before.schemaRegistry.up;
  const status = await stack.up({ log: (line) => process.stderr.write(`[stack] ${line}\n`) });
  return {
    info: {
      brokers: status.kafka.bootstrap.split(','),
      schemaRegistryUrl: status.schemaRegistry.url,
      provider: 'local',
    },
    release: async () => {
      if (!wasRunning && env.JUNCTION_KEEP_STACK !== '1') await stack.down();
    },
  };
}
