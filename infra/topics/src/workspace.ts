/**
 * The fleet as the workspace declares it: every `services/<name>/package.json` with a `junction` field
 * is a fleet service, and every pipeline its `*.pipeline.ts` files export is one of the fleet's
 * pipelines. Topics, subjects, the fleet list and the docs derive from what is found here; nothing
 * else lists them.
 *
 * ```json
 * "junction": { "port": 3003, "env": { "ORDER_RISK_MODEL_URL": "{env:ORDER_RISK_MODEL_URL}" } }
 * ```
 *
 * `entry` defaults to `src/main.ts`, `pipelines` to every `src/*.pipeline.ts` (a path or a list of
 * paths relative to the service folder).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Pipeline } from '@junction/pipeline';

export interface ServiceManifest {
  /** The folder's name, e.g. `lead-scoring`. */
  service: string;
  /** The service folder, relative to the repository root (`services/lead-scoring`). */
  dir: string;
  /** The `junction` field as written (checked where it is used: the fleet list). */
  manifest: Readonly<Record<string, unknown>>;
}

export interface DiscoveredPipeline {
  service: string;
  /** The file that exports it, relative to the repository root. */
  file: string;
  /** The export's name. */
  exportName: string;
  pipeline: Pipeline;
}

/** The repository root: JUNCTION_HOME, or the nearest folder above this file with pnpm-workspace.yaml. */
export function workspaceRoot(): string {
  if (process.env.JUNCTION_HOME) return resolve(process.env.JUNCTION_HOME);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new Error('cannot find the repository root (no pnpm-workspace.yaml above infra/topics)');
    dir = up;
  }
  return dir;
}

/** Services with a `junction` field in their package.json, by folder name. */
export function serviceManifests(root = workspaceRoot()): ServiceManifest[] {
  const services = join(root, 'services');
  if (!existsSync(services)) return [];
  return readdirSync(services, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(services, d.name, 'package.json')))
    .map((d) => d.name)
    .sort()
    .flatMap((service) => {
      const file = join(services, service, 'package.json');
      let pkg: { junction?: unknown };
      try {
        pkg = JSON.parse(readFileSync(file, 'utf8')) as { junction?: unknown };
      } catch (err) {
        throw new Error(`services/${service}/package.json: not valid JSON: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (pkg.junction === undefined) return [];
      if (typeof pkg.junction !== 'object' || pkg.junction === null || Array.isArray(pkg.junction))
        throw new Error(`services/${service}/package.json: "junction" must be an object`);
      return [{ service, dir: `services/${service}`, manifest: pkg.junction as Record<string, unknown> }];
    });
}

/** The pipeline files of a service, relative to the repository root. */
export function pipelineFiles(root: string, m: ServiceManifest): string[] {
  const declared = m.manifest.pipelines;
  if (declared !== undefined) {
    const list = Array.isArray(declared) ? declared : [declared];
    if (!list.every((p): p is string => typeof p === 'string'))
      throw new Error(`${m.dir}/package.json: junction.pipelines must be a path or a list of paths`);
    return list.map((p) => join(m.dir, p));
  }
  const src = join(root, m.dir, 'src');
  if (!existsSync(src)) return [];
  return readdirSync(src)
    .filter((f) => f.endsWith('.pipeline.ts'))
    .sort()
    .map((f) => join(m.dir, 'src', f));
}

/** A value `definePipeline` made (it alone carries the resolved names). */
export function isPipeline(value: unknown): value is Pipeline {
  const v = value as Partial<Pipeline> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.source?.topic === 'string' &&
    typeof v.resolved?.group === 'string'
  );
}

/** Imports every service's pipeline files and collects the pipelines they export. */
export async function discoverPipelines(root = workspaceRoot()): Promise<DiscoveredPipeline[]> {
  const found: DiscoveredPipeline[] = [];
  for (const m of serviceManifests(root)) {
    for (const file of pipelineFiles(root, m)) {
      const path = join(root, file);
      if (!existsSync(path)) throw new Error(`${m.dir}/package.json: pipeline file ${file} does not exist`);
      const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      for (const [exportName, value] of Object.entries(mod))
        if (isPipeline(value))
          found.push({ service: m.service, file: relative(root, path), exportName, pipeline: value });
    }
  }
  return found;
}
