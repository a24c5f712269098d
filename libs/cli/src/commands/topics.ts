import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  applyTopics,
  countChanges,
  discoverPipelines,
  planFleet,
  LOCK_FILE,
  registerSchemas,
  releaseSchemas,
  workspacePlan,
  workspaceRoot,
  type SchemaChange,
  type TopicChange,
} from '@junction/fleet-infra';
import { createKafka } from '@junction/kafka';
import { kafkaAnswers, registryAnswers, repoRoot, StackError } from '@junction/local-stack';
import { brokersOption, endpoints, endpointSource, registryOption } from './options';

/** Fails at once, with what to do, when nothing answers where the brokers are said to be. */
async function reachableBrokers(opts: { brokers?: string[] }): Promise<string[]> {
  const { brokers } = endpoints(opts);
  if (!(await kafkaAnswers(brokers, 1))) {
    const source = endpointSource(opts, 'brokers');
    throw new StackError(
      `no Kafka answers at ${brokers.join(',')} (from ${source})${source === 'the local stack' ? '; start it with `pnpm junction stack up` or set KAFKA_BROKERS' : ''}`,
    );
  }
  return brokers;
}

async function reachableRegistry(opts: { registry?: string }): Promise<string> {
  const { registryUrl } = endpoints(opts);
  if (!(await registryAnswers(registryUrl))) {
    const source = endpointSource(opts, 'registry');
    throw new StackError(
      `no schema registry answers at ${registryUrl} (from ${source})${source === 'the local stack' ? '; start it with `pnpm junction stack up` or set SCHEMA_REGISTRY_URL' : ''}`,
    );
  }
  return registryUrl;
}

function printTopicChanges(changes: TopicChange[], dryRun: boolean): void {
  const verb: Record<TopicChange['action'], string> = dryRun
    ? { created: 'would create', updated: 'would update', unchanged: 'unchanged', mismatch: 'MISMATCH' }
    : { created: 'created', updated: 'updated', unchanged: 'unchanged', mismatch: 'MISMATCH' };
  for (const c of changes)
    console.log(`${verb[c.action].padEnd(12)} ${c.topic}${c.detail ? `  (${c.detail})` : ''}`);
  const n = countChanges(changes);
  console.log(
    `${changes.length} topics: ${n.created} ${dryRun ? 'to create' : 'created'}, ${n.updated} ${dryRun ? 'to update' : 'updated'}, ${n.unchanged} unchanged${n.mismatch ? `, ${n.mismatch} mismatched` : ''}`,
  );
}

/** `junction topics plan|apply|list`: the fleet's topics, derived from the workspace's pipelines. */
export function addTopicsCommand(program: Command): Command {
  const topics = program
    .command('topics')
    .description("the fleet's topics, derived from the pipelines of services/* (infra/topics)");
  topics
    .command('plan')
    .description(
      'the pipelines found, the topics and subjects they need; exits 1 naming both sides of every conflict (one group claimed twice, a topic without a schema)',
    )
    .option('--json', 'print JSON: {"pipelines","topics","subjects","problems"}')
    .action(async (opts: { json?: boolean }) => {
      const root = workspaceRoot();
      const plan = planFleet(await discoverPipelines(root), { root });
      if (opts.json) console.log(JSON.stringify(plan));
      else {
        for (const p of plan.pipelines) {
          console.log(`${p.pipeline}  (${p.file}, group ${p.group})`);
          console.log(`  source   ${p.source}`);
          for (const [role, topic] of Object.entries(p.outputs)) console.log(`  ${role.padEnd(8)} ${topic}`);
          console.log(`  retry    ${p.retry}\n  dlq      ${p.dlq}\n  keys     ${p.completed}`);
        }
        console.log(`${plan.topics.length} topics, ${Object.keys(plan.subjects).length} subjects`);
      }
      if (plan.problems.length) {
        for (const problem of plan.problems) console.error(`junction: ${problem}`);
        process.exitCode = 1;
      }
    });
  topics
    .command('apply')
    .description(
      'create missing topics, add partitions, update configs (idempotent); exits 1 on a partition mismatch',
    )
    .option('--dry-run', 'show what would change, change nothing')
    .option('--json', 'print the report as JSON')
    .addOption(brokersOption())
    .action(async (opts: { dryRun?: boolean; json?: boolean; brokers?: string[] }) => {
      const brokers = await reachableBrokers(opts);
      const dryRun = opts.dryRun ?? false;
      const { topics: specs } = await workspacePlan();
      const changes = await applyTopics(createKafka({ brokers, clientId: 'junction-cli' }), specs, {
        dryRun,
      });
      if (opts.json) console.log(JSON.stringify({ dryRun, changes }));
      else printTopicChanges(changes, dryRun);
      if (changes.some((c) => c.action === 'mismatch')) {
        console.error('junction: a topic has more partitions than its spec; partitions are never removed');
        process.exitCode = 1;
      }
    });
  topics
    .command('list')
    .description('the topics the fleet defines and whether the cluster matches (`topics apply` fixes it)')
    .option('--json', 'print JSON: [{"topic","partitions","config","state","detail"}]')
    .addOption(brokersOption())
    .action(async (opts: { json?: boolean; brokers?: string[] }) => {
      const { topics: specs } = await workspacePlan();
      const brokers = await reachableBrokers(opts);
      const changes = await applyTopics(createKafka({ brokers, clientId: 'junction-cli' }), specs, {
        dryRun: true,
      });
      const state: Record<TopicChange['action'], string> = {
        created: 'missing',
        updated: 'differs',
        unchanged: 'ok',
        mismatch: 'mismatch',
      };
      const rows = specs.map((s, i) => ({
        topic: s.topic,
        partitions: s.partitions ?? 1,
        config: s.config ?? {},
        state: state[changes[i]!.action],
        ...(changes[i]!.action !== 'created' && changes[i]!.detail ? { detail: changes[i]!.detail } : {}),
      }));
      if (opts.json) {
        console.log(JSON.stringify(rows));
        return;
      }
      const width = Math.max(...rows.map((r) => r.topic.length));
      for (const r of rows) {
        const config = Object.entries(r.config)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        console.log(
          `${r.topic.padEnd(width)}  ${r.state.padEnd(8)}  partitions=${r.partitions} ${config}${r.detail ? `  (${r.detail})` : ''}`,
        );
      }
    });
  return topics;
}

function printSchemaChanges(changes: SchemaChange[]): void {
  for (const c of changes) {
    const id = c.id !== undefined ? `  id ${c.id}${c.version !== undefined ? ` v${c.version}` : ''}` : '';
    console.log(
      `${c.action.padEnd(14)} ${c.subject}  ${c.file}${id}${c.detail ? `\n${' '.repeat(15)}${c.detail}` : ''}`,
    );
  }
}

/** `junction schemas register|check`: schemas/**\/*.avsc as subjects `<topic>-value`. */
export function addSchemasCommand(program: Command): Command {
  const schemas = program.command('schemas').description('the Avro contracts in schemas/');
  const run = async (opts: { dir?: string; registry?: string; json?: boolean }, checkOnly: boolean) => {
    const registryUrl = await reachableRegistry(opts);
    const dir = opts.dir ? resolve(opts.dir) : join(repoRoot(), 'schemas');
    const changes = await registerSchemas({ registryUrl, dir, checkOnly });
    if (opts.json) console.log(JSON.stringify({ registryUrl, dir, changes }));
    else printSchemaChanges(changes);
    const refused = changes.filter((c) => c.action === 'incompatible' || c.action === 'invalid');
    if (refused.length) {
      console.error(
        `junction: ${refused.length} schema(s) refused (${refused.map((r) => r.file).join(', ')}); nothing was registered`,
      );
      process.exitCode = 1;
    }
  };
  schemas
    .command('register')
    .description(
      'check each schema against its subject, then register the new ones (none when one is refused)',
    )
    .option('--dir <dir>', 'folder of .avsc files, searched recursively (default: schemas/)')
    .option('--json', 'print the report as JSON')
    .addOption(registryOption())
    .action((opts: { dir?: string; registry?: string; json?: boolean }) => run(opts, false));
  schemas
    .command('release')
    .description(
      `check every schema against its released version (schemas/${LOCK_FILE}), then record the changed and new ones as released; exits 1 naming subject, field and rule of a break`,
    )
    .option('--dir <dir>', 'folder of .avsc files (default: schemas/)')
    .action((opts: { dir?: string }) => {
      const dir = opts.dir ? resolve(opts.dir) : join(repoRoot(), 'schemas');
      const { released, unchanged } = releaseSchemas(dir);
      for (const s of released) console.log(`released   ${s}`);
      console.log(`${released.length} released, ${unchanged.length} unchanged (${join(dir, LOCK_FILE)})`);
    });
  schemas
    .command('check')
    .description('check every schema for compatibility with its subject; register nothing')
    .option('--dir <dir>', 'folder of .avsc files, searched recursively (default: schemas/)')
    .option('--json', 'print the report as JSON')
    .addOption(registryOption())
    .action((opts: { dir?: string; registry?: string; json?: boolean }) => run(opts, true));
  return schemas;
}
