import { describe, expect, it } from 'vitest';
import { kafkaAclsArgs, pipelineAcls } from '@junction/pipeline';
import type { TicketCreated } from '@junction/schema-types';
import { keywordTriage, queueFor, ticketTriage } from './ticket-triage.pipeline';

function ticket(
  subject: string,
  body: string,
  customerTier: TicketCreated['customerTier'] = 'STANDARD',
): TicketCreated {
  return {
    eventId: 'e1',
    ticketId: 'T1',
    createdAt: Date.now(),
    customerId: 'C1',
    customerEmail: 'c@example.com',
    customerTier,
    channel: 'EMAIL',
    subject,
    body,
    language: 'en',
  };
}

describe('ticket-triage pipeline', () => {
  it('routes by keyword while the model is unavailable', () => {
    expect(keywordTriage(ticket('Refund please', 'I was charged twice on my card'))).toMatchObject({
      category: 'BILLING',
      priority: 'P3',
    });
    expect(keywordTriage(ticket('Site down', 'Production is down, urgent', 'ENTERPRISE'))).toMatchObject({
      category: 'TECHNICAL',
      priority: 'P1',
    });
    expect(keywordTriage(ticket('Hello', 'Just saying hi'))).toMatchObject({
      category: 'OTHER',
      category_confidence: 0.3,
    });
  });

  it('puts enterprise and P1 tickets in tier-2 queues', () => {
    expect(queueFor('BILLING', 'P3', 'STANDARD')).toBe('billing-tier1');
    expect(queueFor('BILLING', 'P3', 'ENTERPRISE')).toBe('billing-tier2');
    expect(queueFor('TECHNICAL', 'P1', 'FREE')).toBe('technical-tier2');
  });

  it('sends low-confidence triage to review, and refuses a category outside the schema', () => {
    const t = ticket('Parcel missing', 'Tracking says delivered but no package');
    const meta = { degraded: false, model: { name: 'ticket-classifier', version: '1' } };
    const sure = ticketTriage.result(
      t,
      { category: 'SHIPPING', category_confidence: 0.91, priority: 'P3', priority_confidence: 0.7 },
      meta,
    );
    expect(sure).toMatchObject({ category: 'SHIPPING', queue: 'shipping-tier1', confidence: 0.91 });
    expect(ticketTriage.route!(sure, t)).toBe('output');
    const unsure = { ...sure, confidence: 0.41 };
    expect(ticketTriage.route!(unsure, t)).toBe('review');
    expect(ticketTriage.review!(unsure, t)).toMatchObject({
      suggestedCategory: 'SHIPPING',
      reason: expect.stringMatching(/below 0.6/),
    });
    expect(() =>
      ticketTriage.result(
        t,
        { category: 'SPAM', category_confidence: 1, priority: 'P3', priority_confidence: 1 },
        meta,
      ),
    ).toThrow(/expected one of/);
  });
});

describe('ticket-triage ACLs', () => {
  const grants = pipelineAcls(ticketTriage).map(
    (a) => `${a.operation} ${a.resource} ${a.name}${a.pattern === 'prefixed' ? '*' : ''}`,
  );

  it('reads its source, retry and completed topics and writes only its own topics', () => {
    expect(grants).toEqual([
      'read topic support.ticket.created.v1',
      'read topic support.ticket.created.v1.ticket-triage.retry',
      'read topic junction.ticket-triage.completed',
      'write topic support.ticket.triaged.v1',
      'write topic support.ticket.review.v1',
      'write topic support.ticket.created.v1.ticket-triage.retry',
      'write topic support.ticket.created.v1.ticket-triage.dlq',
      'write topic junction.ticket-triage.completed',
      'create topic support.ticket.created.v1.ticket-triage.retry',
      'create topic junction.ticket-triage.completed',
      'read group junction.ticket-triage',
      'write transactional-id junction.ticket-triage.*',
      'describe transactional-id junction.ticket-triage.*',
    ]);
    expect(new Set(pipelineAcls(ticketTriage).map((a) => a.principal))).toEqual(
      new Set(['User:ticket-triage']),
    );
  });

  it('never writes its source topic nor reads its outputs', () => {
    expect(grants).not.toContain('write topic support.ticket.created.v1');
    expect(grants).not.toContain('read topic support.ticket.triaged.v1');
  });

  it('renders kafka-acls.sh arguments', () => {
    expect(kafkaAclsArgs(pipelineAcls(ticketTriage).at(-2)!)).toEqual([
      '--add',
      '--allow-principal',
      'User:ticket-triage',
      '--operation',
      'Write',
      '--transactional-id',
      'junction.ticket-triage.',
      '--resource-pattern-type',
      'prefixed',
    ]);
  });
});
