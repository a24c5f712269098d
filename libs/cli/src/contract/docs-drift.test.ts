// docs/pipelines.md against the code: the header tables against the header contract (libs/pipeline's
// `H`), and the options table against the option spec (PIPELINE_OPTIONS); a header or option added,
// renamed or removed in one place and not the other fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '@junction/fleet-infra';
import { H, optionRows } from '@junction/pipeline';

/** Header names in the first column of the tables under `## Headers` (`-partition` continues the row's name). */
function documentedHeaders(markdown: string): string[] {
  const section = markdown.split(/^## Headers$/m)[1]!.split(/^## /m)[0]!;
  const names: string[] = [];
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    let stem = '';
    for (const [, name] of row.split('|')[1]!.matchAll(/`([^`]+)`/g)) {
      const full = name!.startsWith('-') ? `${stem}${name}` : name!;
      stem = full.slice(0, full.lastIndexOf('-'));
      names.push(full);
    }
  }
  return names;
}

/** The body rows of the table under `## Defaults`, cells trimmed (the formatter pads them). */
function documentedOptions(markdown: string): string[][] {
  const section = markdown.split(/^## Defaults$/m)[1]!.split(/^## /m)[0]!;
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((row) =>
      row
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe('docs/pipelines.md', () => {
  it('has the options table the option spec gives (regenerate it with `pnpm -s gen:docs`)', () => {
    const documented = documentedOptions(readFileSync(join(workspaceRoot(), 'docs/pipelines.md'), 'utf8'));
    expect(documented).toEqual(optionRows());
  });

  it('documents every header Junction writes, and no other', () => {
    const documented = documentedHeaders(readFileSync(join(workspaceRoot(), 'docs/pipelines.md'), 'utf8'));
    const inCode = Object.values(H).filter((h) => h !== H.replayOf); // set by `junction dlq replay`, documented there
    expect([...new Set(documented)].sort()).toEqual([...inCode].sort());
  });
});
