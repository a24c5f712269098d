// support.ticket.created.v1 → ticket-classifier model → support.ticket.triaged.v1, or
// support.ticket.review.v1 when the category is uncertain. While the model's circuit is open,
// keyword rules triage instead (marked degraded).
import { openInference, type OipRequest, type OipResponse } from '@junction/calls';
import { definePipeline, fresh, required } from '@junction/pipeline';
import {
  TicketCreatedSchema,
  TicketReviewSchema,
  TicketTriagedSchema,
  type CustomerTier,
  type TicketCategory,
  type TicketCreated,
  type TicketPriority,
  type TicketReview,
  type TicketTriaged,
} from '@junction/schema-types';

const DAY = 86_400_000;
/** Below this category confidence a person picks the queue. */
export const REVIEW_BELOW = 0.6;

const CATEGORIES: readonly TicketCategory[] = [
  'BILLING',
  'TECHNICAL',
  'ACCOUNT',
  'SHIPPING',
  'FEEDBACK',
  'OTHER',
];
const PRIORITIES: readonly TicketPriority[] = ['P1', 'P2', 'P3', 'P4'];

/** Helpdesk queue for a triaged ticket: enterprise and P1 work goes to tier 2. */
export function queueFor(category: TicketCategory, priority: TicketPriority, tier: CustomerTier): string {
  const team = category.toLowerCase();
  return priority === 'P1' || tier === 'ENTERPRISE' ? `${team}-tier2` : `${team}-tier1`;
}

const KEYWORDS: [TicketCategory, RegExp][] = [
  ['BILLING', /\b(invoice|charge[ds]?|refund|billing|payment|card|subscription|price|overcharged)\b/i],
  ['SHIPPING', /\b(ship(ping|ped|ment)?|deliver(y|ed)?|package|parcel|tracking|courier|arrived)\b/i],
  ['ACCOUNT', /\b(password|log ?in|sign ?in|account|2fa|username|locked|email address)\b/i],
  ['TECHNICAL', /\b(error|bug|crash(es|ed)?|api|timeout|outage|down|broken|not working|500|fails?)\b/i],
  ['FEEDBACK', /\b(suggest(ion)?|feedback|love|feature request|would be nice|improve)\b/i],
];
const URGENT = /\b(urgent|asap|outage|down|production|cannot|can't|immediately|critical)\b/i;

/** Keyword routing used while the model is unavailable: first matching rule wins, confidence is modest. */
export function keywordTriage(ticket: TicketCreated): OipResponse {
  const text = `${ticket.subject}\n${ticket.body}`;
  const hit = KEYWORDS.find(([, re]) => re.test(text));
  const urgent = URGENT.test(text);
  const priority: TicketPriority = urgent ? (ticket.customerTier === 'ENTERPRISE' ? 'P1' : 'P2') : 'P3';
  return {
    category: hit ? hit[0] : 'OTHER',
    category_confidence: hit ? 0.65 : 0.3,
    priority,
    priority_confidence: urgent ? 0.6 : 0.4,
  };
}

function one(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function oneOf<T extends string>(allowed: readonly T[], v: unknown, what: string): T {
  const s = String(one(v));
  if (!(allowed as readonly string[]).includes(s))
    throw new Error(`model returned ${what} "${s}"; expected one of ${allowed.join(', ')}`);
  return s as T;
}

export const ticketTriage = definePipeline<
  TicketCreated,
  OipRequest,
  OipResponse,
  TicketTriaged,
  TicketReview
>({
  name: 'ticket-triage',
  source: { topic: 'support.ticket.created.v1', schema: TicketCreatedSchema },
  key: (t) => t.ticketId,
  idempotencyKey: (t) => t.eventId,
  quality: [required('body'), required('subject'), required('customerId'), fresh('createdAt', 30 * DAY)],
  call: (env) =>
    openInference({
      endpoint: 'ticket-classifier',
      baseUrl: env.MODEL_SERVER_URL ?? 'http://127.0.0.1:8000',
      model: 'ticket-classifier',
      batch: { max: 32, lingerMs: 5 },
      timeoutMs: 1_000,
    }),
  request: (t): OipRequest => ({ text: `${t.subject}\n${t.body}`, tier: t.customerTier }),
  result: (t, out, meta) => {
    const category = oneOf(CATEGORIES, out.category, 'category');
    const priority = oneOf(PRIORITIES, out.priority, 'priority');
    return {
      ticketId: t.ticketId,
      sourceEventId: t.eventId,
      category,
      priority,
      queue: queueFor(category, priority, t.customerTier),
      confidence: Number(one(out.category_confidence)),
      modelName: meta.model?.name ?? 'unknown',
      modelVersion: meta.model?.version ?? 'unknown',
      degraded: meta.degraded,
      triagedAt: Date.now(),
    };
  },
  route: (r) => (r.confidence < REVIEW_BELOW ? 'review' : 'output'),
  review: (r) => ({
    ticketId: r.ticketId,
    sourceEventId: r.sourceEventId,
    suggestedCategory: r.category,
    suggestedPriority: r.priority,
    confidence: r.confidence,
    reason: `category confidence ${r.confidence.toFixed(2)} is below ${REVIEW_BELOW}`,
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    degraded: r.degraded,
    triagedAt: r.triagedAt,
  }),
  outputs: {
    output: { topic: 'support.ticket.triaged.v1', schema: TicketTriagedSchema },
    review: { topic: 'support.ticket.review.v1', schema: TicketReviewSchema },
  },
  fallback: keywordTriage,
  monitor: (r) => ({ score: r.confidence, label: r.category }),
});
