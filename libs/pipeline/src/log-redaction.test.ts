// Personal data never reaches the logs: the fields a schema marks `"pii": true` are censored in any
// logged event, by the logger the runner builds for its pipeline.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { expect, it } from 'vitest';
import { definePipeline } from './definition';
import { PipelineRunner } from './runner';

const Contact = {
  type: 'record',
  name: 'RedactionLead',
  namespace: 'junction.test',
  fields: [
    { name: 'leadId', type: 'string' },
    {
      name: 'contact',
      type: {
        type: 'record',
        name: 'RedactionContact',
        fields: [
          { name: 'email', type: 'string', pii: true },
          { name: 'title', type: 'string' },
        ],
      },
    },
  ],
} as const;

it('redacts the schema-marked personal fields of a logged event', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const pipeline = definePipeline({
    name: 'redaction-test',
    source: { topic: 'test.redaction.event.v1', schema: Contact },
    key: (e: { leadId: string }) => e.leadId,
    idempotencyKey: (e: { leadId: string }) => e.leadId,
    call: () => {
      throw new Error('not called');
    },
    request: (e) => e,
    result: (e) => e,
    outputs: { output: { topic: 'test.redaction.out.v1', schema: Contact } },
  });
  const runner = new PipelineRunner(pipeline, {
    brokers: ['127.0.0.1:1'],
    schemaRegistryUrl: 'http://127.0.0.1:1',
    logger: pino({ level: 'debug' }, sink),
  });
  const log = (runner as unknown as { log: Logger }).log;
  log.debug(
    { event: { leadId: 'L-1', contact: { email: 'ada@example.com', title: 'CTO' } } },
    'record failed a data-quality rule',
  );
  const line = JSON.parse(lines.at(-1)!) as {
    event: { leadId: string; contact: { email: string; title: string } };
    pipeline: string;
  };
  expect(line.event.contact.email).toBe('[redacted]');
  expect(line.event.contact.title).toBe('CTO');
  expect(line.event.leadId).toBe('L-1');
  expect(line.pipeline).toBe('redaction-test');
  expect(lines.join('')).not.toContain('ada@example.com');
});
