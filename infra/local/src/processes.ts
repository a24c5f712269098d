// Pid files and process control for the JVMs the local stack starts. A pid file alone is not proof of
// ownership (pids are reused), so every JVM we start carries a marker system property and we check
// /proc/<pid>/cmdline for it before signalling anything.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  /** Short name, also the pid file's and log file's base name, e.g. `kafka-1`, `registry`. */
  name: string;
  pidFile: string;
  logFile: string;
  /** The process's own detailed log, when it keeps one beside stdout (Kafka's server.log). */
  detailLog?: string;
  /** Substring that must appear in the process's command line for it to count as ours. */
  marker: string;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The pid of a running process we started, or undefined (stale pid files are removed). */
export function runningPid(proc: ManagedProcess): number | undefined {
  if (!existsSync(proc.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(proc.pidFile, 'utf8').trim(), 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid)?.includes(proc.marker)) return pid;
  rmSync(proc.pidFile, { force: true });
  return undefined;
}

export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): number {
  mkdirSync(dirname(proc.pidFile), { recursive: true });
  mkdirSync(dirname(proc.logFile), { recursive: true });
  const out = openSync(proc.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new Error(`could not start ${proc.name}: ${command} did not spawn`);
    child.unref();
    writeFileSync(proc.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** SIGTERM, wait for exit up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
export async function stopProcess(proc: ManagedProcess, graceMs = 30_000): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = runningPid(proc);
  if (pid === undefined) return 'not-running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      rmSync(proc.pidFile, { force: true });
      return 'stopped';
    }
    await sleep(200);
  }
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(100);
  rmSync(proc.pidFile, { force: true });
  return 'killed';
}

export function tailLines(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
}
