// Writes docs/pipelines.md's "Defaults" table from libs/pipeline's option spec (PIPELINE_OPTIONS).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { optionsTable } from '@junction/pipeline';

const file = join(import.meta.dirname, '../../../..', 'docs', 'pipelines.md');
const text = readFileSync(file, 'utf8');
const section = /(^## Defaults\n\n)(\|[^\n]*\n)+/m;
if (!section.test(text)) throw new Error(`${file}: no table under "## Defaults"`);
const next = text.replace(section, (_all, heading: string) => `${heading}${optionsTable()}\n`);
const config = (await resolveConfig(file)) ?? {};
writeFileSync(file, await format(next, { ...config, filepath: file }));
console.log(`wrote the options table of ${file}`);
