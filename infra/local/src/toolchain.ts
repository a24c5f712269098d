// Java and Maven checks, and artifact resolution through Maven (so downloads land in ~/.m2 and are
// shared by every clone on the machine).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class StackError extends Error {
  override name = 'StackError';
}

function versionOf(cmd: string, args: string[]): string | undefined {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
    if (r.error || r.status !== 0) return undefined;
    return `${r.stdout}${r.stderr}`;
  } catch {
    return undefined;
  }
}

/** The java executable (JAVA_HOME/bin/java or java on PATH), checked to be 17 or newer. */
export function requireJava(): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const out = versionOf(java, ['-version']);
  if (!out) throw new StackError(`java not found (looked for ${java}); install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = m ? Number(m[1] === '1' ? m[2] : m[1]) : 0;
  if (major < 17) throw new StackError(`java ${major} found; Kafka 4 and Apicurio Registry 3 need Java 17 or newer`);
  return java;
}

export function requireMaven(): string {
  if (!versionOf('mvn', ['-v'])) {
    throw new StackError('mvn not found; install Apache Maven (Debian: apt-get install maven) to fetch Kafka and the registry');
  }
  return 'mvn';
}

/** Reads `<name>value</name>` from a pom's properties: the pom is the one place versions are pinned. */
export function pomProperty(pomFile: string, name: string): string {
  const m = new RegExp(`<${name}>([^<]+)</${name}>`).exec(readFileSync(pomFile, 'utf8'));
  if (!m?.[1]) throw new StackError(`${pomFile} has no <${name}> property`);
  return m[1].trim();
}

/**
 * Runs a Maven goal once per output folder: a `.complete` marker makes later calls free, and a
 * half-done folder from an interrupted run is wiped and redone.
 */
export function mavenOnce(outDir: string, pomFile: string, goals: string[], log: (line: string) => void): void {
  const marker = join(outDir, '.complete');
  if (existsSync(marker)) return;
  requireMaven();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  log(`resolving ${goals.join(' ')} from Maven Central (first run only)`);
  try {
    execFileSync('mvn', ['-q', '-B', '-f', pomFile, ...goals], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new StackError(`Maven could not resolve ${pomFile}:\n${tail}`);
  }
  writeFileSync(marker, new Date().toISOString());
}
