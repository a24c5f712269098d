// crm.lead.created.v1 → lead-conversion model → crm.lead.scored.v1, or crm.lead.review.v1 when the
// model cannot tell (score near the decision boundary).
import { openInference, type OipRequest, type OipResponse } from '@junction/calls';
import { definePipeline, fresh, pattern, range, required } from '@junction/pipeline';
import {
  LeadCreatedSchema,
  LeadReviewSchema,
  LeadScoredSchema,
  type Factor,
  type LeadCreated,
  type LeadReview,
  type LeadScored,
  type ScoreBand,
} from '@junction/schema-types';

const DAY = 86_400_000;
/** Scores this close to 0.5 are a coin toss: a person decides. */
export const REVIEW_MARGIN = 0.05;

export function band(score: number): ScoreBand {
  return score >= 0.7 ? 'HOT' : score >= 0.4 ? 'WARM' : 'COLD';
}

/** The model's input row (names as the lead-conversion model declares them). */
export function features(lead: LeadCreated): OipRequest {
  return {
    employees: lead.company.employees,
    page_views: lead.activity.pageViews,
    email_opens: lead.activity.emailOpens,
    form_submissions: lead.activity.formSubmissions,
    meetings_booked: lead.activity.meetingsBooked,
    source_channel: lead.sourceChannel,
    industry: lead.company.industry,
    title: lead.contact.title ?? '',
  };
}

function parseFactors(raw: unknown): Factor[] {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== 'string' || text === '') return [];
  const parsed = JSON.parse(text) as { feature: string; contribution: number }[];
  return parsed.map((f) => ({ feature: String(f.feature), contribution: Number(f.contribution) }));
}

/**
 * While the model is unavailable: a points score sales teams used before the model, marked degraded.
 * Meetings and form submissions count most; referrals and events beat paid search.
 */
export function ruleBasedScore(lead: LeadCreated): OipResponse {
  const a = lead.activity;
  const contributions: Factor[] = [
    { feature: 'meetings_booked', contribution: Math.min(a.meetingsBooked, 3) * 0.15 },
    { feature: 'form_submissions', contribution: Math.min(a.formSubmissions, 4) * 0.06 },
    { feature: 'email_opens', contribution: Math.min(a.emailOpens, 10) * 0.01 },
    { feature: 'employees', contribution: lead.company.employees >= 200 ? 0.1 : 0 },
    {
      feature: 'source_channel',
      contribution:
        lead.sourceChannel === 'REFERRAL' || lead.sourceChannel === 'EVENT'
          ? 0.1
          : lead.sourceChannel === 'PAID_SEARCH'
            ? -0.05
            : 0,
    },
  ];
  const score = Math.max(0.02, Math.min(0.98, 0.15 + contributions.reduce((s, c) => s + c.contribution, 0)));
  const top = [...contributions]
    .sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution))
    .slice(0, 3);
  return { score, factors: JSON.stringify(top) };
}

export const leadScoring = definePipeline<LeadCreated, OipRequest, OipResponse, LeadScored, LeadReview>({
  name: 'lead-scoring',
  source: { topic: 'crm.lead.created.v1', schema: LeadCreatedSchema },
  key: (lead) => lead.leadId,
  idempotencyKey: (lead) => lead.eventId,
  quality: [
    required('contact.email'),
    pattern('contact.email', /^[^@\s]+@[^@\s]+\.[^@\s]+$/),
    range('company.employees', 0, 10_000_000),
    fresh('createdAt', 30 * DAY),
  ],
  call: (env) =>
    openInference({
      endpoint: 'lead-conversion',
      baseUrl: env.MODEL_SERVER_URL ?? 'http://127.0.0.1:8000',
      model: 'lead-conversion',
      batch: { max: 64, lingerMs: 5 },
      timeoutMs: 800,
    }),
  request: features,
  result: (lead, out, meta) => {
    const score = Number(Array.isArray(out.score) ? out.score[0] : out.score);
    return {
      leadId: lead.leadId,
      sourceEventId: lead.eventId,
      score,
      band: band(score),
      topFactors: parseFactors(out.factors),
      modelName: meta.model?.name ?? 'unknown',
      modelVersion: meta.model?.version ?? 'unknown',
      degraded: meta.degraded,
      scoredAt: Date.now(),
    };
  },
  route: (scored) => (!scored.degraded && Math.abs(scored.score - 0.5) < REVIEW_MARGIN ? 'review' : 'output'),
  review: (scored) => ({
    leadId: scored.leadId,
    sourceEventId: scored.sourceEventId,
    score: scored.score,
    reason: `score ${scored.score.toFixed(3)} is within ${REVIEW_MARGIN} of the decision boundary`,
    modelName: scored.modelName,
    modelVersion: scored.modelVersion,
    degraded: scored.degraded,
    scoredAt: scored.scoredAt,
  }),
  outputs: {
    output: { topic: 'crm.lead.scored.v1', schema: LeadScoredSchema },
    review: { topic: 'crm.lead.review.v1', schema: LeadReviewSchema },
  },
  fallback: ruleBasedScore,
  monitor: (scored) => ({ score: scored.score, label: scored.band }),
});
