import type { Command } from 'commander';
import { applyTopics, fleetTopics, registerSchemas } from '@junction/fleet-infra';
import { createKafka } from '@junction/kafka';
import { brokersOption, endpoints, registryOption } from './options';
import { repoRoot } from '@junction/local-stack';
import { join } from 'node:path';

/** `junction topics apply|list`: the fleet's topics as code. */
export function addTopicsCommand(program: Command): Command {
  const topics = program.command('topics').description("the fleet's topics, defined in infra/topics");
  topics
    .command('apply')
    .description('create missing topics, add partitions, update configs (idempotent)')
    .option('--dry-run', 'show what would change, change nothing')
    .addOption(brokersOption())
    .action(async (opts: { dryRun?: boolean; brokers?: string[] }) => {
      const kafka = createKafka({ brokers: endpoints(opts).brokers, clientId: 'junction-cli' });
      const changes = await applyTopics(kafka, fleetTopics(), { dryRun: opts.dryRun ?? false });
      for (const c of changes)
        console.log(`${c.action.padEnd(9)} ${c.topic}${c.detail ? `  (${c.detail})` : ''}`);
      if (changes.some((c) => c.action === 'mismatch')) process.exitCode = 1;
    });
  topics
    .command('list')
    .description('the topics the fleet defines')
    .action(() => {
      for (const t of fleetTopics())
        console.log(
          `${t.topic}  partitions=${t.partitions} ${Object.entries(t.config ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        );
    });
  return topics;
}

/** `junction schemas register|check`: schemas/**\/*.avsc as subjects `<topic>-value`. */
export function addSchemasCommand(program: Command): Command {
  const schemas = program.command('schemas').description('the Avro contracts in schemas/');
  const run = async (opts: { dir?: string; registry?: string }, checkOnly: boolean) => {
    const changes = await registerSchemas({
      registryUrl: endpoints(opts).registryUrl,
      dir: opts.dir ?? join(repoRoot(), 'schemas'),
      checkOnly,
    });
    for (const c of changes)
      console.log(
        `${c.action.padEnd(14)} ${c.subject}  ${c.file}${c.id !== undefined ? `  id ${c.id}` : ''}${c.detail ? `  (${c.detail})` : ''}`,
      );
    if (changes.some((c) => c.action === 'incompatible')) process.exitCode = 1;
  };
  schemas
    .command('register')
    .description('check each schema for BACKWARD compatibility, then register it')
    .option('--dir <dir>', 'folder of .avsc files (default: schemas/)')
    .addOption(registryOption())
    .action((opts: { dir?: string; registry?: string }) => run(opts, false));
  schemas
    .command('check')
    .description('check every schema for compatibility without registering')
    .option('--dir <dir>', 'folder of .avsc files (default: schemas/)')
    .addOption(registryOption())
    .action((opts: { dir?: string; registry?: string }) => run(opts, true));
  return schemas;
}
