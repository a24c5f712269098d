// The pipeline and schemas shared by the acceptance test and the worker process it kills.
import { openInference } from '@junction/calls';
import { definePipeline, range, required } from '@junction/pipeline';

export const AcceptanceLead = {
  type: 'record',
  name: 'AcceptanceLead',
  namespace: 'junction.acceptance',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'leadId', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
    { name: 'employees', type: 'int' },
    { name: 'visits', type: 'int' },
    { name: 'notes', type: 'string', default: '' },
  ],
} as const;

export const AcceptanceScored = {
  type: 'record',
  name: 'AcceptanceLeadScored',
  namespace: 'junction.acceptance',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'leadId', type: 'string' },
    { name: 'score', type: 'double' },
  ],
} as const;

export interface Lead {
  eventId: string;
  leadId: string;
  email: string | null;
  employees: number;
  visits: number;
  notes: string;
}

export function acceptancePipeline(name: string, topic: string, modelUrl: string) {
  return definePipeline<
    Lead,
    Record<string, number>,
    Record<string, unknown>,
    { eventId: string; leadId: string; score: number }
  >({
    name,
    source: { topic, schema: AcceptanceLead },
    key: (e) => e.leadId,
    idempotencyKey: (e) => e.eventId,
    quality: [required('email'), range('employees', 0, 1_000_000)],
    call: () =>
      openInference({
        endpoint: 'acceptance-model',
        baseUrl: modelUrl,
        model: 'lead',
        timeoutMs: 2_000,
        batch: { max: 64, lingerMs: 2 },
      }),
    request: (e) => ({ employees: e.employees, visits: e.visits }),
    result: (e, out) => ({ eventId: e.eventId, leadId: e.leadId, score: Number(out.score) }),
    outputs: { output: { topic: `${topic}.scored`, schema: AcceptanceScored } },
  });
}
