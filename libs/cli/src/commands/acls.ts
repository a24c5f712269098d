// `junction acls plan`: the grants each pipeline's principal needs, derived from the pipeline files
// (services/*/src/*.pipeline.ts) by the engine's own `pipelineAcls`, so they cannot drift from the code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { pipelineAcls, type AclEntry, type Pipeline } from '@junction/pipeline';
import { repoRoot } from '@junction/local-stack';

function isPipeline(value: unknown): value is Pipeline {
  const v = value as Partial<Pipeline> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.resolved?.group === 'string' &&
    typeof v.source?.topic === 'string'
  );
}

/** Every pipeline defined in the workspace's `services/<name>/src/*.pipeline.ts` files, by name. */
export async function workspacePipelines(root = repoRoot()): Promise<Pipeline[]> {
  const found = new Map<string, Pipeline>();
  const services = join(root, 'services');
  for (const service of readdirSync(services, { withFileTypes: true })) {
    if (!service.isDirectory()) continue;
    const src = join(services, service.name, 'src');
    let files: string[];
    try {
      files = readdirSync(src).filter((f) => f.endsWith('.pipeline.ts'));
    } catch {
      continue;
    }
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(src, file)).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) if (isPipeline(value)) found.set(value.name, value);
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function table(entries: AclEntry[]): string {
  const rows = entries.map((e) => [
    e.principal,
    e.operation,
    e.resource,
    e.pattern === 'prefixed' ? `${e.name}*` : e.name,
    e.reason,
  ]);
  const header = ['principal', 'operation', 'resource', 'name', 'why'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function addAclsCommand(program: Command): void {
  const acls = program
    .command('acls')
    .description("least-privilege ACLs derived from each pipeline's definition");
  acls
    .command('plan')
    .description('print the grants each pipeline principal needs (nothing is changed)')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--json', 'one JSON object per grant')
    .action(async (opts: { pipeline?: string; json?: boolean }) => {
      const all = await workspacePipelines();
      const chosen = opts.pipeline === undefined ? all : all.filter((p) => p.name === opts.pipeline);
      if (chosen.length === 0)
        throw new Error(
          `no pipeline named ${JSON.stringify(opts.pipeline)}; expected one of ${all.map((p) => p.name).join(', ')}`,
        );
      const entries = chosen.flatMap((p) => pipelineAcls(p));
      process.stdout.write(
        opts.json ? entries.map((e) => JSON.stringify(e)).join('\n') + '\n' : `${table(entries)}\n`,
      );
    });
}
