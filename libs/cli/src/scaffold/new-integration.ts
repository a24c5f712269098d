/**
 * `junction new integration`: the files of a new integration, from its name, topics and model
 * protocol. Only new files, in two places: `schemas/<domain>/` (one .avsc stub per topic) and
 * `services/<name>/` (manifest, service, pipeline and its unit test). Nothing else is edited: the
 * fleet, its topics and subjects derive from what is written here.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { serviceManifests, TOPIC_NAME, TOPIC_NAME_EXPECTED } from '@junction/fleet-infra';

export type Protocol = 'oip' | 'openai' | 'json';
export const PROTOCOLS: readonly Protocol[] = ['oip', 'openai', 'json'];

export interface NewIntegrationOptions {
  /** kebab-case, e.g. `order-risk`. */
  name: string;
  source: string;
  protocol: Protocol;
  output: string;
  review?: string;
  /** Default: the next port above every manifest's (at least 3003). */
  port?: number;
}

export interface ScaffoldFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

/** The request cannot be scaffolded; every problem is named with what is expected. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';

  constructor(readonly problems: readonly string[]) {
    super(`cannot create the integration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const pascal = (s: string) => s.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
const camel = (s: string) => pascal(s).replace(/^./, (c) => c.toLowerCase());

function parts(topic: string) {
  const [domain, entity, event, version] = topic.split('.') as [string, string, string, string];
  return { domain, entity, event, version };
}

/** `erp.order.created.v1` → `OrderCreated` (the record, and so the generated type's name). */
export function recordName(topic: string): string {
  const { entity, event } = parts(topic);
  return `${pascal(entity)}${pascal(event)}`;
}

/** Checks the request against the workspace: names, topic naming, what exists already. */
export function checkNewIntegration(root: string, o: NewIntegrationOptions): string[] {
  const problems: string[] = [];
  if (!NAME.test(o.name))
    problems.push(`name ${JSON.stringify(o.name)}: expected kebab-case, e.g. order-risk`);
  else if (existsSync(join(root, 'services', o.name)))
    problems.push(`services/${o.name} exists already: choose another name`);
  if (!PROTOCOLS.includes(o.protocol))
    problems.push(`protocol ${JSON.stringify(o.protocol)}: expected one of ${PROTOCOLS.join(', ')}`);
  const topics = [
    ['--source', o.source],
    ['--output', o.output],
    ...(o.review !== undefined ? [['--review', o.review]] : []),
  ] as [string, string][];
  const seen = new Set<string>();
  for (const [flag, topic] of topics) {
    if (!TOPIC_NAME.test(topic)) {
      problems.push(`${flag} ${JSON.stringify(topic)}: expected ${TOPIC_NAME_EXPECTED}`);
      continue;
    }
    if (seen.has(topic)) problems.push(`${flag} ${topic}: named twice; each role needs a topic of its own`);
    seen.add(topic);
    const schema = join('schemas', parts(topic).domain, `${topic}.avsc`);
    if (existsSync(join(root, schema)))
      problems.push(`${flag} ${topic} exists already (${schema}): a new integration starts from new topics`);
  }
  const names = topics.filter(([, t]) => TOPIC_NAME.test(t)).map(([, t]) => recordName(t));
  if (new Set(names).size !== names.length)
    problems.push(
      `the topics' <entity>.<event> parts must differ (they name the records: ${names.join(', ')})`,
    );
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535))
    problems.push(`--port ${o.port}: expected a TCP port 1-65535`);
  return problems;
}

function nextPort(root: string): number {
  const ports = serviceManifests(root)
    .map((m) => m.manifest.port)
    .filter((p): p is number => typeof p === 'number' && p < 8000);
  return Math.max(3002, ...ports) + 1;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function schemas(o: NewIntegrationOptions) {
  const src = parts(o.source);
  const key = `${camel(src.entity)}Id`;
  const namespaceOf = (t: string) => {
    const p = parts(t);
    return `junction.${p.domain}.${p.entity}.${p.version}`;
  };
  const millis = { type: 'long', logicalType: 'timestamp-millis' };
  const source = {
    type: 'record',
    name: recordName(o.source),
    namespace: namespaceOf(o.source),
    doc: `TODO: what happened, who publishes it. Topic ${o.source}, key ${key}.`,
    fields: [
      { name: 'eventId', type: 'string', doc: 'Identifies the business event (the idempotency key).' },
      { name: key, type: 'string', doc: `The ${src.entity} this event is about (the record key).` },
      { name: 'createdAt', type: millis, doc: 'When it happened.' },
      { name: 'amount', type: 'double', doc: 'TODO: replace with the fields the model needs.' },
      {
        name: 'contactEmail',
        type: ['null', 'string'],
        default: null,
        pii: true,
        doc: 'TODO: an example of personal data: marked pii, so logs redact it.',
      },
    ],
  };
  const resultFields = [
    { name: key, type: 'string' },
    { name: 'sourceEventId', type: 'string', doc: `The eventId of the ${o.source} event.` },
    { name: 'score', type: 'double', doc: "TODO: the model's answer." },
    { name: 'modelName', type: 'string' },
    { name: 'modelVersion', type: 'string' },
    {
      name: 'degraded',
      type: 'boolean',
      doc: 'True when the fallback made the result (the model was unavailable).',
    },
    { name: 'scoredAt', type: millis },
  ];
  const output = {
    type: 'record',
    name: recordName(o.output),
    namespace: namespaceOf(o.output),
    doc: `TODO: what downstream systems get. Topic ${o.output}, key ${key}.`,
    fields: resultFields,
  };
  const review = o.review && {
    type: 'record',
    name: recordName(o.review),
    namespace: namespaceOf(o.review),
    doc: `A result a person should look at. Topic ${o.review}, key ${key}.`,
    fields: [...resultFields, { name: 'reason', type: 'string', doc: 'Why it needs review.' }],
  };
  return { key, source, output, review };
}

function callCode(o: NewIntegrationOptions): {
  imports: string[];
  types: string;
  call: string;
  request: string;
  score: string;
  fallback: string;
} {
  const model = `${o.name}-model`;
  const url = `modelUrl(env, '${model}')`;
  switch (o.protocol) {
    case 'oip':
      return {
        imports: ['modelUrl', 'openInference', 'type OipRequest', 'type OipResponse'],
        types: 'OipRequest, OipResponse',
        call: `(env) => openInference({ endpoint: '${model}', baseUrl: ${url}, model: '${model}', batch: { max: 64, lingerMs: 5 }, timeoutMs: 800 })`,
        request: '(e) => ({ amount: e.amount })',
        score: 'Number(Array.isArray(out.score) ? out.score[0] : out.score)',
        fallback: '() => ({ score: 0 })',
      };
    case 'openai':
      return {
        imports: ['modelUrl', 'openAiChat', 'type ChatRequest', 'type ChatResponse'],
        types: 'ChatRequest, ChatResponse',
        call: `(env) => openAiChat({ endpoint: '${model}', baseUrl: ${url}, model: '${model}', apiKey: env.OPENAI_API_KEY, timeoutMs: 5000 })`,
        request:
          "(e) => ({\n    responseFormat: 'json_object',\n    messages: [\n      { role: 'system', content: 'Answer with JSON {\"score\": <0..1>}.' },\n      { role: 'user', content: JSON.stringify({ amount: e.amount }) },\n    ],\n  })",
        score: 'Number((JSON.parse(out.content) as { score?: unknown }).score)',
        fallback: '() => ({ content: \'{"score":0}\' })',
      };
    case 'json':
      return {
        imports: ['jsonModel'],
        types: `Pick<${recordName(o.source)}, 'amount'>, { score: number; version?: string }`,
        // reads <NAME>_URL, names the model, takes its version from the answer's `version`
        call: `jsonModel('${model}', { path: '/score', versionFrom: 'version' })`,
        request: "pick('amount')",
        score: 'out.score',
        fallback: '() => ({ score: 0 })',
      };
  }
}

/** Every file of the new integration. */
export function scaffoldFiles(root: string, o: NewIntegrationOptions): ScaffoldFile[] {
  const s = schemas(o);
  const c = callCode(o);
  const id = camel(o.name);
  const [In, Out, Rev] = [o.source, o.output, o.review].map((t) => (t ? recordName(t) : undefined));
  const schemaFile = (topic: string) => join('schemas', parts(topic).domain, `${topic}.avsc`);
  const typeImports = [
    `${In}Schema`,
    `${Out}Schema`,
    ...(Rev ? [`${Rev}Schema`] : []),
    `type ${In}`,
    `type ${Out}`,
    ...(Rev ? [`type ${Rev}`] : []),
  ];
  const pipeline = `// ${o.source} → ${o.name}-model → ${o.output}${o.review ? ` (uncertain scores: ${o.review})` : ''}.
import { ${c.imports.join(', ')} } from '@junction/calls';
import { definePipeline, modelFields, ${o.protocol === 'json' ? 'pick, ' : ''}required${Rev ? ', reviewAbove' : ''} } from '@junction/pipeline';
import { ${typeImports.join(', ')} } from '@junction/schema-types';

${Rev ? '/** Scores this high go to a person (TODO: the threshold your process needs). */\nexport const REVIEW_ABOVE = 0.8;\n' : ''}
export const ${id} = definePipeline<${In}, ${c.types}, ${Out}${Rev ? `, ${Rev}` : ''}>({
  name: '${o.name}',
  source: { topic: '${o.source}', schema: ${In}Schema },
  key: (e) => e.${s.key},
  idempotencyKey: (e) => e.eventId,
  quality: [required('${s.key}')],
  call: ${c.call},
  request: ${c.request},
  result: (e, out, meta) => ({ ${s.key}: e.${s.key}, sourceEventId: e.eventId, score: ${c.score}, ...modelFields(meta) }),
${Rev ? `  ...reviewAbove<${Out}>('score', REVIEW_ABOVE),\n` : ''}  outputs: {
    output: { topic: '${o.output}', schema: ${Out}Schema },
${Rev ? `    review: { topic: '${o.review}', schema: ${Rev}Schema },\n` : ''}  },
  fallback: ${c.fallback},
  monitor: (r) => ({ score: r.score }),
});
`;
  const sampleOut =
    o.protocol === 'oip'
      ? '{ score: 0.9 }'
      : o.protocol === 'openai'
        ? `{ content: '{"score":0.9}' }`
        : '{ score: 0.9, version: "1" }';
  const test = `import { describe, expect, it } from 'vitest';
import type { ${In} } from '@junction/schema-types';
import { ${id} } from './${o.name}.pipeline';

const event: ${In} = {
  eventId: 'e-1',
  ${s.key}: 'k-1',
  createdAt: Date.now(),
  amount: 120,
  contactEmail: null,
};

describe('${o.name}', () => {
  it('keys by ${s.key} and asks the model', () => {
    expect(${id}.key(event)).toBe('k-1');
    expect(${id}.idempotencyKey(event)).toBe('e-1');
    expect(${id}.request(event)).toBeDefined();
  });

  it('maps the answer to the result${Rev ? ' and sends high scores to review' : ''}', () => {
    const r = ${id}.result(event, ${sampleOut}, { degraded: false, model: { name: '${o.name}-model', version: '1' } });
    expect(r).toMatchObject({ ${s.key}: 'k-1', sourceEventId: 'e-1', score: 0.9, modelVersion: '1', degraded: false });
${Rev ? `    expect(${id}.route!(r, event)).toBe('review');\n    expect(${id}.review!(r, event).reason).toMatch(/above/);\n` : ''}  });

  it('falls back to a degraded result while the model is unavailable', () => {
    const out = ${id}.fallback!(event, { kind: 'retriable', error: new Error('down') } as never);
    expect(${id}.result(event, out, { degraded: true })).toMatchObject({ degraded: true, modelName: 'fallback' });
  });
});
`;
  const pkg = {
    name: `@junction/${o.name}`,
    private: true,
    type: 'module',
    description: `${o.source} → ${o.output}${o.review ? ` / ${o.review}` : ''}.`,
    junction: { port: o.port ?? nextPort(root) },
    dependencies: {
      '@junction/calls': 'workspace:*',
      '@junction/nest': 'workspace:*',
      '@junction/pipeline': 'workspace:*',
      '@junction/schema-types': 'workspace:*',
    },
  };
  const main = `import { runService } from '@junction/nest';
import { ${id} } from './${o.name}.pipeline';

await runService({ name: '${o.name}', pipelines: [${id}] });
`;
  return [
    { path: schemaFile(o.source), content: json(s.source) },
    { path: schemaFile(o.output), content: json(s.output) },
    ...(o.review && s.review ? [{ path: schemaFile(o.review), content: json(s.review) }] : []),
    { path: `services/${o.name}/package.json`, content: json(pkg) },
    { path: `services/${o.name}/src/main.ts`, content: main },
    { path: `services/${o.name}/src/${o.name}.pipeline.ts`, content: pipeline },
    { path: `services/${o.name}/src/${o.name}.pipeline.test.ts`, content: test },
  ];
}

/** Checks, then writes the files (never over an existing one). Returns what it wrote. */
export function writeIntegration(root: string, o: NewIntegrationOptions): ScaffoldFile[] {
  const problems = checkNewIntegration(root, o);
  if (problems.length) throw new ScaffoldError(problems);
  const files = scaffoldFiles(root, o);
  for (const f of files) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { flag: 'wx' });
  }
  return files;
}
