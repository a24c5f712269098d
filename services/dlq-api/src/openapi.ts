/** The API's OpenAPI 3.1 document, served at `GET /openapi.json` (no key needed). */
const filters = [
  {
    name: 'since',
    in: 'query',
    schema: { type: 'string' },
    description: 'ISO time or relative (30m, 2h, 7d)',
  },
  { name: 'until', in: 'query', schema: { type: 'string' }, description: 'ISO time or relative' },
  {
    name: 'errorClass',
    in: 'query',
    schema: { type: 'string' },
    description: 'kafka_dlt-exception-fqcn, e.g. QualityError',
  },
  { name: 'pipeline', in: 'query', schema: { type: 'string' } },
  { name: 'key', in: 'query', schema: { type: 'string' }, description: 'record key' },
  {
    name: 'header',
    in: 'query',
    schema: { type: 'array', items: { type: 'string' } },
    style: 'form',
    explode: true,
    description: 'name=value, repeatable',
  },
];
const topic = {
  name: 'topic',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'a dead-letter topic (<source>.<pipeline>.dlq)',
};
const errors = {
  '400': { description: 'bad filter or body; the message says what is expected' },
  '401': { description: 'no or unknown API key' },
  '404': { description: 'unknown or non-DLQ topic, or no record there' },
  '429': { description: 'rate limit exceeded' },
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Junction dead-letter API',
    version: '1.0.0',
    description:
      'Inspect and replay dead letters. Viewer keys list and show; operator keys also replay. Every replay is audited.',
  },
  components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
  security: [{ apiKey: [] }],
  paths: {
    '/dlq/topics': {
      get: {
        summary: 'Every DLQ topic with its count, oldest and newest record, top error classes',
        responses: { '200': { description: 'DLQ topic summaries' }, ...errors },
      },
    },
    '/dlq/topics/{topic}/records': {
      get: {
        summary: 'Records of a DLQ topic, filtered',
        parameters: [
          topic,
          ...filters,
          { name: 'max', in: 'query', schema: { type: 'integer', default: 100 } },
        ],
        responses: {
          '200': { description: 'records with error class, message, pipeline, original topic, attempts' },
          ...errors,
        },
      },
    },
    '/dlq/topics/{topic}/records/{partition}/{offset}': {
      get: {
        summary:
          'One dead letter: payload decoded through the registry (hex when not Avro), every header, the error in full',
        parameters: [
          topic,
          { name: 'partition', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'offset', in: 'path', required: true, schema: { type: 'integer' } },
        ],
        responses: { '200': { description: 'the record' }, ...errors },
      },
    },
    '/dlq/topics/{topic}/replay': {
      post: {
        summary:
          'Replay matching records to their original topic (or another); operator role. A record already replayed is skipped (replay ledger).',
        parameters: [topic],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  filters: {
                    type: 'object',
                    properties: {
                      since: { type: 'string' },
                      until: { type: 'string' },
                      errorClass: { type: 'string' },
                      pipeline: { type: 'string' },
                      key: { type: 'string' },
                      header: { type: 'array', items: { type: 'string' } },
                    },
                  },
                  to: { type: 'string', description: '"original" (default) or a topic' },
                  rate: { type: 'number', description: 'records per second; unthrottled when absent' },
                  limit: { type: 'integer' },
                  dryRun: { type: 'boolean' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'matched, replayed, skippedAlreadyReplayed, targets, auditId' },
          '403': { description: 'viewer key' },
          ...errors,
        },
      },
    },
    '/audit': {
      get: {
        summary: 'Every replay, newest first: who, when, filter, count, target',
        parameters: [
          { name: 'who', in: 'query', schema: { type: 'string' } },
          { name: 'dlqTopic', in: 'query', schema: { type: 'string' } },
          { name: 'since', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', default: 100 } },
        ],
        responses: { '200': { description: 'audit entries' }, ...errors },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
  },
} as const;
