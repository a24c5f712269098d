import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { workspacePlan, workspaceRoot } from '@junction/fleet-infra';
import { fleetAsyncApi } from '../contract/asyncapi';

/** `junction asyncapi`: the fleet's AsyncAPI 3 contract, to stdout or a file. */
export function addAsyncApiCommand(program: Command): void {
  program
    .command('asyncapi')
    .description(
      "write the fleet's AsyncAPI 3 contract (channels, Avro messages, headers, operations) as JSON",
    )
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--brokers <list>', 'the server host to name in the document', '127.0.0.1:9092')
    .action(async (opts: { out?: string; brokers: string }) => {
      const root = workspaceRoot();
      const doc = `${JSON.stringify(fleetAsyncApi(await workspacePlan(root), { root, brokers: opts.brokers }), null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, doc);
        console.error(`wrote ${opts.out}`);
      } else process.stdout.write(doc);
    });
}
