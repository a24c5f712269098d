import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@junction/local-stack';
import type { AclEntry } from '@junction/pipeline';
import { workspacePipelines } from './acls';

const MAIN = join(repoRoot(), 'libs/cli/src/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function junction(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, MAIN, ...args],
      { cwd: repoRoot(), timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('junction acls plan', () => {
  it("finds the workspace's pipelines in their pipeline files", async () => {
    expect((await workspacePipelines()).map((p) => p.name)).toEqual(['lead-scoring', 'ticket-triage']);
  });

  it('prints one grant per line as JSON, each pipeline under its own principal, and refuses an unknown pipeline', async () => {
    const { code, stdout } = await junction(['acls', 'plan', '--json']);
    expect(code).toBe(0);
    const grants = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AclEntry);
    expect(new Set(grants.map((g) => g.principal))).toEqual(
      new Set(['User:lead-scoring', 'User:ticket-triage']),
    );
    // No principal writes a topic another pipeline reads as its source.
    const sources = new Set(['crm.lead.created.v1', 'support.ticket.created.v1']);
    expect(grants.filter((g) => g.operation === 'write' && sources.has(g.name))).toEqual([]);
    const unknown = await junction(['acls', 'plan', '--pipeline', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no pipeline named "nope"; expected one of lead-scoring, ticket-triage');
  }, 60_000);
});
