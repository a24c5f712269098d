// `junction acls plan`: the grants each pipeline's principal needs, derived from the workspace's
// pipelines (as the fleet discovers them) by the engine's own `pipelineAcls`, so they cannot drift from the code.
import type { Command } from 'commander';
import { pipelineAcls, type AclEntry, type Pipeline } from '@junction/pipeline';
import { discoverPipelines } from '@junction/fleet-infra';

/** Every pipeline of the workspace, found as the fleet finds them (`discoverPipelines`), by name. */
export async function workspacePipelines(): Promise<Pipeline[]> {
  return (await discoverPipelines()).map((d) => d.pipeline).sort((a, b) => a.name.localeCompare(b.name));
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
