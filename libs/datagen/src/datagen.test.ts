import { describe, expect, it } from 'vitest';
import { LeadCreatedSchema, TicketCreatedSchema } from '@junction/schema-types';
import { parseAvroSchema, piiFields } from '@junction/schemas';
import {
  generateLead,
  generateTicket,
  LEAD_INDUSTRIES,
  Random,
  SOURCE_CHANNELS,
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
} from './index';

const NOW = 1_700_000_000_000;
const leads = (seed: number, n: number) => {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => generateLead(rng, i, NOW));
};
const tickets = (seed: number, n: number) => {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => generateTicket(rng, i, NOW));
};
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const share = <T>(xs: T[], p: (x: T) => boolean) => xs.filter(p).length / xs.length;

describe('Random', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws uuids shaped like version 4', () => {
    expect(new Random(1).uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('datagen', () => {
  it('is reproducible: the same seed gives the same events, another seed other events', () => {
    const a = new Random(7);
    const b = new Random(7);
    for (let i = 0; i < 50; i++) {
      expect(generateLead(a, i, NOW)).toEqual(generateLead(b, i, NOW));
      expect(generateTicket(a, i, NOW)).toEqual(generateTicket(b, i, NOW));
    }
    expect(leads(8, 5)).not.toEqual(leads(7, 5));
    expect(tickets(8, 5)).not.toEqual(tickets(7, 5));
  });

  it('produces events valid against their Avro schemas, which also encode and decode unchanged', () => {
    const leadType = parseAvroSchema(LeadCreatedSchema);
    const ticketType = parseAvroSchema(TicketCreatedSchema);
    for (const { lead } of leads(1, 1000)) {
      expect(leadType.isValid(lead)).toBe(true);
      expect(leadType.fromBuffer(leadType.toBuffer(lead))).toEqual(lead);
    }
    for (const { ticket } of tickets(1, 1000)) {
      expect(ticketType.isValid(ticket)).toBe(true);
      expect(ticketType.fromBuffer(ticketType.toBuffer(ticket))).toEqual(ticket);
    }
  });

  it('passes the pipelines’ data-quality rules, so only the simulators’ deliberate bad records fail them', () => {
    const email = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
    const DAY = 86_400_000;
    for (const { lead } of leads(2, 2000)) {
      expect(lead.contact.email).toMatch(email);
      expect(lead.company.employees).toBeGreaterThanOrEqual(0);
      expect(lead.company.employees).toBeLessThanOrEqual(10_000_000);
      expect(NOW - lead.createdAt).toBeLessThan(30 * DAY);
      expect(LEAD_INDUSTRIES).toContain(lead.company.industry);
      expect(SOURCE_CHANNELS).toContain(lead.sourceChannel);
      expect(lead.activity.lastActivityAt ?? 0).toBeLessThanOrEqual(lead.createdAt);
    }
    for (const { ticket } of tickets(2, 2000)) {
      expect(ticket.subject.trim()).not.toBe('');
      expect(ticket.body.trim()).not.toBe('');
      expect(ticket.customerId).toMatch(/^C-\d+$/);
      expect(ticket.customerEmail).toMatch(email);
      expect(NOW - ticket.createdAt).toBeLessThan(30 * DAY);
    }
  });

  it('fills personal fields with fake but plausible values that cannot reach anyone', () => {
    expect(piiFields(LeadCreatedSchema)).toEqual(
      expect.arrayContaining(['contact.firstName', 'contact.lastName', 'contact.email', 'contact.phone']),
    );
    const ls = leads(3, 1000).map((l) => l.lead);
    // reserved example domains only
    expect(ls.every((l) => /@[a-z0-9]+\.example$/.test(l.contact.email))).toBe(true);
    expect(
      tickets(3, 1000).every((t) =>
        /@([a-z0-9.]+\.)?example(\.(com|org|net))?$/.test(t.ticket.customerEmail),
      ),
    ).toBe(true);
    const phones = ls.map((l) => l.contact.phone).filter((p): p is string => p !== null);
    expect(phones.length / ls.length).toBeGreaterThan(0.5);
    expect(phones.every((p) => /^\+\d{1,3}( [\d-]+)+$/.test(p))).toBe(true);
    expect(phones.filter((p) => p.startsWith('+1 ')).every((p) => /-555-01\d\d$/.test(p))).toBe(true);
    // variety: many distinct names, companies and all countries
    expect(new Set(ls.map((l) => `${l.contact.firstName} ${l.contact.lastName}`)).size).toBeGreaterThan(300);
    expect(new Set(ls.map((l) => l.company.name)).size).toBeGreaterThan(300);
    expect(new Set(ls.map((l) => l.company.country)).size).toBeGreaterThan(10);
  });

  it('hides a learnable conversion signal in leads: engagement, seniority and channel move it', () => {
    const ls = leads(4, 8000);
    const base = share(ls, (l) => l.converted);
    expect(base).toBeGreaterThan(0.15);
    expect(base).toBeLessThan(0.45);
    const won = ls.filter((l) => l.converted);
    const lost = ls.filter((l) => !l.converted);
    expect(mean(won.map((l) => l.lead.activity.meetingsBooked))).toBeGreaterThan(
      mean(lost.map((l) => l.lead.activity.meetingsBooked)) * 1.5,
    );
    const rate = (p: (l: (typeof ls)[number]) => boolean) => share(ls.filter(p), (l) => l.converted);
    expect(rate((l) => l.lead.sourceChannel === 'REFERRAL')).toBeGreaterThan(
      rate((l) => l.lead.sourceChannel === 'PAID_SEARCH'),
    );
    expect(rate((l) => /\b(VP|Head|Director|Chief)\b/.test(l.lead.contact.title ?? ''))).toBeGreaterThan(
      rate((l) => /Student|Intern/.test(l.lead.contact.title ?? '')),
    );
    expect(rate((l) => l.lead.company.industry === 'software')).toBeGreaterThan(
      rate((l) => l.lead.company.industry === 'public-sector'),
    );
    // sampled, not decided: some unlikely leads convert and some likely ones do not
    expect(ls.some((l) => l.converted && l.propensity < 0.2)).toBe(true);
    expect(ls.some((l) => !l.converted && l.propensity > 0.8)).toBe(true);
  });

  it('writes tickets of every category with varied text, and priorities that follow urgency and tier', () => {
    const ts = tickets(5, 6000);
    expect(new Set(ts.map((t) => t.category))).toEqual(new Set(TICKET_CATEGORIES));
    expect(new Set(ts.map((t) => t.priority))).toEqual(new Set(TICKET_PRIORITIES));
    expect(new Set(ts.map((t) => t.ticket.body)).size).toBeGreaterThan(ts.length * 0.8);
    const text = (t: (typeof ts)[number]) => `${t.ticket.subject}\n${t.ticket.body}`.toLowerCase();
    const urgentShare = (p: (t: (typeof ts)[number]) => boolean) =>
      share(ts.filter(p), (t) => t.priority === 'P1' || t.priority === 'P2');
    const outage = (t: (typeof ts)[number]) => /\b(down|outage)\b/.test(text(t));
    expect(urgentShare(outage)).toBeGreaterThan(0.8);
    expect(urgentShare((t) => !outage(t))).toBeLessThan(0.4);
    expect(urgentShare((t) => /cannot log ?in|locked out/.test(text(t)))).toBeGreaterThan(0.5);
    expect(urgentShare((t) => t.ticket.customerTier === 'ENTERPRISE')).toBeGreaterThan(
      urgentShare((t) => t.ticket.customerTier === 'FREE') + 0.15,
    );
    expect(share(ts, (t) => t.priority === 'P1')).toBeLessThan(0.15);
    // some tickets mention another category's words, some hardly any: a classifier cannot be perfect
    expect(share(ts, (t) => / Also, /.test(t.ticket.body))).toBeGreaterThan(0.05);
  });
});
