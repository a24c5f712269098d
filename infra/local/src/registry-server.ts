// Apicurio Registry 3.x from its Maven Central distribution (a ready Quarkus app), serving the
// Confluent-compatible API at /apis/ccompat/v7. Storage: embedded H2 in a file under .local/.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { ManagedProcess } from './processes';
import { startDetached } from './processes';
import type { StackPaths } from './paths';
import { mavenOnce, pomProperty, StackError } from './toolchain';

export function registryVersion(paths: StackPaths): string {
  return pomProperty(join(paths.infra, 'registry', 'pom.xml'), 'apicurio.version');
}

/** The unpacked Quarkus app (folder holding quarkus-run.jar), fetched through Maven once per version. */
export function registryHome(paths: StackPaths, log: (line: string) => void): string {
  const dir = join(paths.cache, `apicurio-registry-${registryVersion(paths)}`);
  mavenOnce(dir, join(paths.infra, 'registry', 'pom.xml'), ['process-resources', `-Dregistry.home=${dir}`], log);
  const found = findQuarkusRun(dir);
  if (!found) throw new StackError(`no quarkus-run.jar under ${dir}; remove the folder and run again`);
  return found;
}

function findQuarkusRun(dir: string, depth = 0): string | undefined {
  if (existsSync(join(dir, 'quarkus-run.jar'))) return dir;
  if (depth > 3) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) {
      const found = findQuarkusRun(join(dir, entry.name), depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

export function registryProcess(paths: StackPaths): ManagedProcess {
  return {
    name: 'registry',
    pidFile: join(paths.pids, 'registry.pid'),
    logFile: join(paths.logs, 'registry.log'),
    detailLog: join(paths.logs, 'registry', 'registry.log'),
    marker: `-Djunction.stack=${paths.root}`,
  };
}

export function registryUrl(port: number, host = '127.0.0.1'): string {
  return `http://${host}:${port}/apis/ccompat/v7`;
}

/**
 * Apicurio Registry 3.3 is built for Java 21 (class file 65): on Java 17 it dies with
 * UnsupportedClassVersionError. The broker is happy on 17, so only the registry looks for a newer
 * JDK: JUNCTION_REGISTRY_JAVA, then JAVA_HOME, then the JDKs under /usr/lib/jvm (newest first).
 */
export function registryJava(): string {
  const candidates = [
    process.env.JUNCTION_REGISTRY_JAVA,
    process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined,
    ...jdksUnder('/usr/lib/jvm'),
    'java',
  ].filter((c): c is string => c !== undefined);
  const seen: string[] = [];
  for (const java of candidates) {
    const major = javaMajor(java);
    if (major === undefined) continue;
    seen.push(`${java} (${major})`);
    if (major >= MIN_REGISTRY_JAVA) return java;
  }
  throw new StackError(
    `Apicurio Registry 3.3 needs Java ${MIN_REGISTRY_JAVA} or newer; found ${seen.join(', ') || 'no java'}. ` +
      'Install a JDK 21+ (e.g. Temurin) under /usr/lib/jvm or point JUNCTION_REGISTRY_JAVA at its bin/java.',
  );
}

const MIN_REGISTRY_JAVA = 21;

function jdksUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => join(dir, e.name, 'bin', 'java'))
    .filter((java) => existsSync(java))
    .map((java) => ({ java, major: javaMajor(java) ?? 0 }))
    .sort((a, b) => b.major - a.major)
    .map((j) => j.java);
}

export function startRegistry(
  paths: StackPaths,
  java: string,
  home: string,
  port: number,
  managementPort: number,
  host = '127.0.0.1',
): number {
  const dataDir = join(paths.data, 'registry');
  const proc = registryProcess(paths);
  return startDetached(
    proc,
    java,
    [
      '-Xms128m',
      '-Xmx384m',
      '-XX:+UseSerialGC',
      // C1 only: starts ~1.4 s faster and uses ~30 MB less; the registry is off the hot path (clients cache)
      '-XX:TieredStopAtLevel=1',
      // class-data archive written on first start, reused after: about 0.5 s off every later start
      '-XX:+AutoCreateSharedArchive',
      `-XX:SharedArchiveFile=${join(paths.cache, 'registry-cds.jsa')}`,
      '-Djava.awt.headless=true',
      `-Djunction.stack=${paths.root}`,
      `-Dquarkus.config.locations=${join(paths.infra, 'registry', 'application.properties')}`,
      `-Djunction.registry.data-dir=${dataDir}`,
      `-Djunction.registry.log-dir=${dirname(proc.detailLog!)}`,
      // the full log is the registry's own file; stdout (logs/registry.log) gets warnings only
      '-Dquarkus.log.console.level=WARN',
      `-Dquarkus.http.host=${host}`,
      `-Dquarkus.http.port=${port}`,
      `-Dquarkus.management.port=${managementPort}`,
      '-jar',
      join(home, 'quarkus-run.jar'),
    ],
    { cwd: paths.root },
  );
}

function javaMajor(java: string): number | undefined {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stdout}${r.stderr}`);
  return m ? Number(m[1] === '1' ? m[2] : m[1]) : undefined;
}
