import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import { workspaceRoot } from '@junction/fleet-infra';
import { PROTOCOLS, writeIntegration, type Protocol } from '../scaffold/new-integration';
import { positiveInt } from './options';

interface NewIntegrationFlags {
  source?: string;
  protocol?: Protocol;
  output?: string;
  review?: string;
  port?: number;
  genTypes: boolean;
}

/** Formats what was written with the repository's prettier config, as `make check` expects. */
async function formatFiles(root: string, paths: string[]): Promise<void> {
  const prettier = await import('prettier');
  for (const rel of paths) {
    const filepath = join(root, rel);
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    writeFileSync(filepath, await prettier.format(readFileSync(filepath, 'utf8'), { ...config, filepath }));
  }
}

/** `junction new integration <name>`: schema stubs, pipeline, its test and the service, in new folders only. */
export function addNewCommand(program: Command): void {
  const create = program.command('new').description('scaffold new parts of the fleet');
  create
    .command('integration')
    .description(
      'write schema stubs (schemas/<domain>/), a pipeline, its unit test and the service (services/<name>/); edits no other file',
    )
    .argument('<name>', 'kebab-case, e.g. order-risk')
    .requiredOption(
      '--source <topic>',
      'source topic, <domain>.<entity>.<event>.v<major>, e.g. erp.order.created.v1',
    )
    .requiredOption('--output <topic>', 'output topic, e.g. erp.order.flagged.v1')
    .option('--review <topic>', 'review topic for uncertain results, e.g. erp.order.review.v1')
    .addOption(
      new Option('--protocol <protocol>', 'how the model is called').choices(PROTOCOLS).default('json'),
    )
    .addOption(
      new Option('--port <n>', 'the service port (default: the next free one)').argParser(positiveInt),
    )
    .option('--no-gen-types', 'do not regenerate schemas/generated (the TypeScript types)')
    .action(async (name: string, opts: NewIntegrationFlags) => {
      const root = workspaceRoot();
      const files = writeIntegration(root, {
        name,
        source: opts.source!,
        output: opts.output!,
        protocol: opts.protocol ?? 'json',
        ...(opts.review !== undefined ? { review: opts.review } : {}),
        ...(opts.port !== undefined ? { port: opts.port } : {}),
      });
      await formatFiles(
        root,
        files.map((f) => f.path),
      );
      for (const f of files) console.log(`created ${f.path}`);
      if (opts.genTypes) {
        const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
        execFileSync(process.execPath, ['--import', tsx, join(root, 'scripts/gen-schema-types.ts')], {
          cwd: root,
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        console.log('generated the schema types (schemas/generated)');
      }
      const variable = `${name.toUpperCase().replace(/-/g, '_')}_MODEL_URL`;
      console.log(`next:
  edit the schemas' TODOs and the pipeline's request/result mapping (services/${name}/src/${name}.pipeline.ts)
  pnpm install                      # links the new service into the workspace
  JUNCTION_TEST_STACK=none pnpm vitest run services/${name}   # its unit test, no stack needed
  pnpm junction topics plan         # the topics and subjects it adds
  ${variable}=http://... pnpm junction up`);
    });
}
