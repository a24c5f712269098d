// What `junction stack up | down` promises whoever runs it, checked on a stack of its own (its own
// folders and ports, so the shared test stack is never touched): a port someone else holds is named
// before anything starts, `up` on a running stack starts nothing, and `down` leaves no JVM behind.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, LocalStack, portFree, stackPaths, type StackPaths } from './index';

const created: string[] = [];

function privatePaths(name: string): StackPaths {
  const base = stackPaths();
  const root = join(base.local, 'test-stacks', `${name}-${process.pid}-${Date.now().toString(36)}`);
  created.push(root);
  return {
    ...base,
    data: join(root, 'data'),
    logs: join(root, 'logs'),
    pids: join(root, 'pids'),
    stateFile: join(root, 'state.json'),
  };
}

/** A base port whose broker, controller (+100), registry (+1) and management (+1001) ports are free. */
async function freeBase(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 21000 + Math.floor(Math.random() * 8000);
    const ports = [base, base + 100, base + 1, base + 1001];
    if ((await Promise.all(ports.map((p) => portFree(p)))).every(Boolean)) return base;
  }
  throw new Error('no free ports found for a private stack');
}

/** Processes whose command line mentions `dir`. */
function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe('local stack lifecycle', () => {
  it('says which port is taken, and by whom, before starting anything', async () => {
    const base = await freeBase();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(base, '127.0.0.1', resolve));
    try {
      const paths = privatePaths('port-taken');
      const stack = new LocalStack(paths);
      await expect(stack.up({ kafkaPort: base, registryPort: base + 1 })).rejects.toThrow(
        new RegExp(`port ${base} \\(Kafka broker 1\\) is in use by pid ${process.pid} \\(.*choose other ports`),
      );
      expect(processesMentioning(paths.data)).toEqual([]);
    } finally {
      squatter.close();
    }
  });

  it('starts once when asked twice, and stops every JVM it started', async () => {
    const base = await freeBase();
    const paths = privatePaths('lifecycle');
    const stack = new LocalStack(paths);
    try {
      const first = await stack.up({ kafkaPort: base, registryPort: base + 1 });
      expect(first.kafka.up).toBe(true);
      expect(first.schemaRegistry.up).toBe(true);
      const pids = [...first.kafka.brokers.map((b) => b.pid), first.schemaRegistry.pid];
      expect(pids.every((p) => typeof p === 'number' && isAlive(p))).toBe(true);

      const second = await stack.up({ kafkaPort: base, registryPort: base + 1 });
      expect([...second.kafka.brokers.map((b) => b.pid), second.schemaRegistry.pid]).toEqual(pids);
      expect(second.kafka.bootstrap).toBe(`127.0.0.1:${base}`);

      await stack.down();
      expect(pids.filter((p) => isAlive(p!))).toEqual([]);
      expect(processesMentioning(join(paths.data, ''))).toEqual([]);
      expect((await stack.status()).kafka.up).toBe(false);
    } finally {
      await stack.down().catch(() => {});
    }
  }, 240_000);
});
