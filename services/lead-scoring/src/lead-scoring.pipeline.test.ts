import { describe, expect, it } from 'vitest';
import { pipelineAcls } from '@junction/pipeline';
import type { LeadCreated } from '@junction/schema-types';
import { band, features, leadScoring, ruleBasedScore } from './lead-scoring.pipeline';

const lead: LeadCreated = {
  eventId: 'e1',
  leadId: 'L1',
  createdAt: Date.now(),
  contact: {
    firstName: 'Ada',
    lastName: 'Byron',
    email: 'ada@example.com',
    phone: null,
    title: 'VP Engineering',
  },
  company: { name: 'Acme', domain: 'acme.example', employees: 450, industry: 'software', country: 'GB' },
  sourceChannel: 'REFERRAL',
  activity: { pageViews: 12, emailOpens: 4, formSubmissions: 2, meetingsBooked: 1, lastActivityAt: null },
};

describe('lead-scoring pipeline', () => {
  it('bands scores at 0.4 and 0.7', () => {
    expect([band(0.39), band(0.4), band(0.69), band(0.7)]).toEqual(['COLD', 'WARM', 'WARM', 'HOT']);
  });

  it('sends the model the feature names it declares', () => {
    expect(features(lead)).toEqual({
      employees: 450,
      page_views: 12,
      email_opens: 4,
      form_submissions: 2,
      meetings_booked: 1,
      source_channel: 'REFERRAL',
      industry: 'software',
      title: 'VP Engineering',
    });
  });

  it('falls back to a bounded points score with its top factors', () => {
    const out = ruleBasedScore(lead);
    expect(Number(out.score)).toBeGreaterThan(0.5);
    expect(Number(out.score)).toBeLessThanOrEqual(0.98);
    const factors = JSON.parse(String(out.factors)) as { feature: string }[];
    expect(factors).toHaveLength(3);
    expect(factors[0]!.feature).toBe('meetings_booked');
  });

  it('routes a coin-toss score to review and a degraded one to the output', () => {
    const scored = leadScoring.result(
      lead,
      { score: 0.52, factors: '[]' },
      { degraded: false, model: { name: 'm', version: '1' } },
    );
    expect(leadScoring.route!(scored, lead)).toBe('review');
    expect(leadScoring.route!({ ...scored, degraded: true }, lead)).toBe('output');
    expect(leadScoring.route!({ ...scored, score: 0.9 }, lead)).toBe('output');
    expect(leadScoring.review!(scored, lead).reason).toMatch(/decision boundary/);
  });

  it('rejects a lead without a usable email or with a negative head count', () => {
    const broken = { ...lead, contact: { ...lead.contact, email: 'not-an-email' } };
    const failing = leadScoring.quality!.map((r) => r.check(broken, Date.now())).filter(Boolean);
    expect(failing).toHaveLength(1);
    // contact.email is pii in crm.lead.created.v1: the reason (a DLQ header, a log field) names the rule, not the address.
    expect(failing[0]).toMatch(/^contact\.email must match .*value withheld: pii/);
    expect(failing[0]).not.toContain('not-an-email');
    const negative = { ...lead, company: { ...lead.company, employees: -1 } };
    expect(leadScoring.quality!.map((r) => r.check(negative, Date.now())).filter(Boolean)).toHaveLength(1);
  });
});

describe('lead-scoring ACLs', () => {
  it('are derived from the definition: its own topics, group and transactional ids only', () => {
    const acls = pipelineAcls(leadScoring);
    const writes = acls.filter((a) => a.operation === 'write').map((a) => a.name);
    expect(writes).toEqual([
      'crm.lead.scored.v1',
      'crm.lead.review.v1',
      'crm.lead.created.v1.lead-scoring.retry',
      'crm.lead.created.v1.lead-scoring.dlq',
      'junction.lead-scoring.completed',
      'junction.lead-scoring.',
    ]);
    expect(acls.filter((a) => a.operation === 'read').map((a) => a.name)).toEqual([
      'crm.lead.created.v1',
      'crm.lead.created.v1.lead-scoring.retry',
      'junction.lead-scoring.completed',
      'junction.lead-scoring',
    ]);
    // The prefix ends with a dot, so it cannot cover another pipeline such as lead-scoring-v2.
    expect(acls.filter((a) => a.pattern === 'prefixed').map((a) => a.name)).toEqual([
      'junction.lead-scoring.',
      'junction.lead-scoring.',
    ]);
  });
});
