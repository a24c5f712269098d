import { describe, expect, it } from 'vitest';
import { LeadCreatedSchema, TicketCreatedSchema } from '@junction/schema-types';
import { parseAvroSchema } from '@junction/schemas';
import { generateLead, generateTicket, Random } from './index';

describe('datagen', () => {
  it('is reproducible: the same seed gives the same events', () => {
    const a = new Random(7);
    const b = new Random(7);
    const now = 1_700_000_000_000;
    for (let i = 0; i < 50; i++) {
      expect(generateLead(a, i, now)).toEqual(generateLead(b, i, now));
      expect(generateTicket(a, i, now)).toEqual(generateTicket(b, i, now));
    }
  });

  it('produces events valid against their Avro schemas', () => {
    const leadType = parseAvroSchema(LeadCreatedSchema);
    const ticketType = parseAvroSchema(TicketCreatedSchema);
    const rng = new Random(1);
    for (let i = 0; i < 500; i++) {
      expect(leadType.isValid(generateLead(rng, i).lead)).toBe(true);
      expect(ticketType.isValid(generateTicket(rng, i).ticket)).toBe(true);
    }
  });

  it('has a learnable signal: converted leads book more meetings, and every category appears', () => {
    const rng = new Random(3);
    const leads = Array.from({ length: 4000 }, (_, i) => generateLead(rng, i));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const won = leads.filter((l) => l.converted).map((l) => l.lead.activity.meetingsBooked);
    const lost = leads.filter((l) => !l.converted).map((l) => l.lead.activity.meetingsBooked);
    expect(won.length / leads.length).toBeGreaterThan(0.15);
    expect(won.length / leads.length).toBeLessThan(0.6);
    expect(mean(won)).toBeGreaterThan(mean(lost) * 1.5);
    const categories = new Set(Array.from({ length: 500 }, (_, i) => generateTicket(rng, i).category));
    expect(categories.size).toBe(6);
  });
});
