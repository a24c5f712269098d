// Against the real registry, with unique subjects in a temporary folder (never the real contracts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '@junction/schemas';
import { testStack, uniqueSuffix } from '@junction/testing';
import { registerSchemas, subjectForFile } from './register-schemas';

const dirs: string[] = [];
const subjects: string[] = [];

function record(name: string, fields: { name: string; type: unknown; default?: unknown }[]): string {
  return JSON.stringify({ type: 'record', name, namespace: 'junction.test', fields }, null, 2);
}

/** A schemas folder like the repository's: `<domain>/<topic>.avsc`. */
function schemasDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'junction-schemas-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    subjects.push(subjectForFile(path));
  }
  return dir;
}

function registryUrl(): string {
  return testStack().schemaRegistryUrl;
}

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const s of new Set(subjects)) {
    for (const q of ['', '?permanent=true'])
      await fetch(`${registryUrl()}/subjects/${encodeURIComponent(s)}${q}`, { method: 'DELETE' }).catch(
        () => {},
      );
  }
});

describe('registerSchemas', () => {
  it('derives subjects from file names, registers, and finds them unchanged the second time', async () => {
    const topic = `test.fleet.registered.v1.${uniqueSuffix()}`;
    const dir = schemasDir({
      [`test/${topic}.avsc`]: record('Registered', [{ name: 'id', type: 'string' }]),
      'generated/ignored.avsc': 'not even JSON',
    });
    const first = await registerSchemas({ registryUrl: registryUrl(), dir });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      subject: `${topic}-value`,
      file: `test/${topic}.avsc`,
      action: 'registered',
    });
    expect(first[0]!.id).toBeTypeOf('number');

    const second = await registerSchemas({ registryUrl: registryUrl(), dir });
    expect(second[0]).toMatchObject({ action: 'unchanged', id: first[0]!.id, version: 1 });
  });

  it('refuses an incompatible change with the subject, file and registry verdict, registering nothing', async () => {
    const suffix = uniqueSuffix();
    const topic = `test.fleet.evolved.v1.${suffix}`;
    const other = `test.fleet.companion.v1.${suffix}`;
    const dir = schemasDir({ [`test/${topic}.avsc`]: record('Evolved', [{ name: 'id', type: 'string' }]) });
    await registerSchemas({ registryUrl: registryUrl(), dir });

    // id changes type (old data unreadable) and a required field without default appears
    writeFileSync(
      join(dir, `test/${topic}.avsc`),
      record('Evolved', [
        { name: 'id', type: 'int' },
        { name: 'score', type: 'double' },
      ]),
    );
    writeFileSync(join(dir, `test/${other}.avsc`), record('Companion', [{ name: 'x', type: 'string' }]));
    subjects.push(`${other}-value`);

    const check = await registerSchemas({ registryUrl: registryUrl(), dir, checkOnly: true });
    const changes = await registerSchemas({ registryUrl: registryUrl(), dir });
    expect(check).toEqual(changes);
    const refused = changes.find((c) => c.subject === `${topic}-value`)!;
    expect(refused).toMatchObject({ action: 'incompatible', file: `test/${topic}.avsc` });
    expect(refused.detail).toContain(`registry: not BACKWARD compatible with version 1`);
    expect(refused.detail).toContain(`of ${topic}-value`);
    expect(refused.detail).toMatch(/the new schema cannot read data written with the latest/);
    expect(changes.find((c) => c.subject === `${other}-value`)).toMatchObject({
      action: 'skipped',
      detail: `not registered: test/${topic}.avsc refused`,
    });

    const client = new RegistryClient({ url: registryUrl() });
    expect((await client.latest(`${topic}-value`)).version).toBe(1);
    expect(
      await client.lookup(`${other}-value`, record('Companion', [{ name: 'x', type: 'string' }])),
    ).toBeUndefined();
  });

  it('registers a compatible evolution as the next version', async () => {
    const topic = `test.fleet.compatible.v1.${uniqueSuffix()}`;
    const dir = schemasDir({ [`${topic}.avsc`]: record('Compatible', [{ name: 'id', type: 'string' }]) });
    await registerSchemas({ registryUrl: registryUrl(), dir });
    writeFileSync(
      join(dir, `${topic}.avsc`),
      record('Compatible', [
        { name: 'id', type: 'string' },
        { name: 'note', type: ['null', 'string'], default: null },
      ]),
    );
    expect((await registerSchemas({ registryUrl: registryUrl(), dir, checkOnly: true }))[0]!.action).toBe(
      'would-register',
    );
    const [change] = await registerSchemas({ registryUrl: registryUrl(), dir });
    expect(change).toMatchObject({ action: 'registered' });
    expect((await new RegistryClient({ url: registryUrl() }).latest(`${topic}-value`)).version).toBe(2);
  });

  it('reports a file that is not an Avro schema without asking the registry', async () => {
    const topic = `test.fleet.invalid.v1.${uniqueSuffix()}`;
    const dir = schemasDir({ [`${topic}.avsc`]: JSON.stringify({ type: 'record', name: 'Broken' }) });
    const [change] = await registerSchemas({ registryUrl: registryUrl(), dir });
    expect(change).toMatchObject({ subject: `${topic}-value`, action: 'invalid' });
    expect(change!.detail).toMatch(/^not a valid Avro schema: /);
  });
});
