import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: JUNCTION_HOME, or the nearest folder above this file with pnpm-workspace.yaml. */
export function repoRoot(): string {
  if (process.env.JUNCTION_HOME) return resolve(process.env.JUNCTION_HOME);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (no pnpm-workspace.yaml above infra/local)');
    dir = up;
  }
  return dir;
}

export interface StackPaths {
  root: string;
  /** Committed configuration: infra/local. */
  infra: string;
  /** Git-ignored: resolved jars, unpacked registry, data, logs, pid files. */
  local: string;
  cache: string;
  data: string;
  logs: string;
  pids: string;
  stateFile: string;
}

export function stackPaths(root = repoRoot()): StackPaths {
  const local = join(root, '.local');
  return {
    root,
    infra: join(root, 'infra', 'local'),
    local,
    cache: join(local, 'cache'),
    data: join(local, 'stack', 'data'),
    logs: join(local, 'stack', 'logs'),
    pids: join(local, 'stack', 'pids'),
    stateFile: join(local, 'stack', 'state.json'),
  };
}
