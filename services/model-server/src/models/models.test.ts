// The two models without HTTP: reproducible training, quality on data they never saw, and the cost of
// a 64-row batch.
import { describe, expect, it } from 'vitest';
import { generateLead, generateTicket, Random } from '@junction/datagen';
import { faultsFromEnv } from '../faults';
import { trainedModels } from '../model-host';
import { leadRow, trainLeadConversion } from './lead-conversion';
import { auc } from './logistic';
import type { Columns, Model } from './model';

function columns(rows: Record<string, number | string>[]): Columns {
  const cols: Record<string, (number | string)[]> = {};
  for (const name of Object.keys(rows[0] ?? {})) cols[name] = rows.map((r) => r[name]!);
  return cols;
}

const [leadModel, ticketModel] = trainedModels() as [Model, Model];

describe('lead-conversion', () => {
  it('trains reproducibly: the same seed gives the same model', () => {
    const again = trainLeadConversion();
    expect(again.parameters).toEqual(leadModel.parameters);
    const rows = columns(Array.from({ length: 50 }, (_, i) => leadRow(generateLead(new Random(i), i).lead)));
    expect(again.infer(rows, 50)).toEqual(leadModel.infer(rows, 50));
  });

  it('ranks converting leads above the others on leads from another seed (AUC > 0.75)', () => {
    const rng = new Random(777);
    const data = Array.from({ length: 4000 }, (_, i) => generateLead(rng, i));
    const out = leadModel.infer(columns(data.map((d) => leadRow(d.lead))), data.length);
    const score = out.score as number[];
    expect(
      auc(
        score,
        data.map((d) => (d.converted ? 1 : 0)),
      ),
    ).toBeGreaterThan(0.75);
    expect(leadModel.parameters.heldout_auc).toBeGreaterThan(0.75);
  });

  it('learned the directions a salesperson would expect', () => {
    const base = {
      employees: 200,
      page_views: 5,
      email_opens: 2,
      form_submissions: 0,
      meetings_booked: 0,
      source_channel: 'WEB',
      industry: 'software',
      title: 'Engineering Manager',
    };
    const score = (change: Partial<typeof base>) =>
      (leadModel.infer(columns([{ ...base, ...change }]), 1).score as number[])[0]!;
    const s0 = score({});
    expect(score({ meetings_booked: 3 })).toBeGreaterThan(s0);
    expect(score({ source_channel: 'REFERRAL' })).toBeGreaterThan(s0);
    expect(score({ source_channel: 'PAID_SEARCH' })).toBeLessThan(s0);
    expect(score({ title: 'VP Engineering' })).toBeGreaterThan(s0);
    expect(score({ title: 'Student' })).toBeLessThan(s0);
    // unknown labels carry no weight rather than failing
    expect(Number.isFinite(score({ industry: 'space-mining', title: '' }))).toBe(true);
  });
});

describe('ticket-classifier', () => {
  it('serves what it was evaluated on: inference on the held-out tickets gives the reported accuracy', () => {
    const rng = new Random(20251124);
    const data = Array.from({ length: 25_000 }, (_, i) => generateTicket(rng, i, 1_700_000_000_000)).slice(
      20_000,
    );
    const out = ticketModel.infer(
      columns(
        data.map((d) => ({ text: `${d.ticket.subject}\n${d.ticket.body}`, tier: d.ticket.customerTier })),
      ),
      data.length,
    );
    const accuracy = (name: string, truth: (i: number) => string) =>
      Number((out[name]!.filter((v, i) => v === truth(i)).length / data.length).toFixed(4));
    expect(accuracy('category', (i) => data[i]!.category)).toBe(
      ticketModel.parameters.heldout_category_accuracy,
    );
    expect(accuracy('priority', (i) => data[i]!.priority)).toBe(
      ticketModel.parameters.heldout_priority_accuracy,
    );
  });

  it('classifies tickets from another seed: category accuracy > 0.8, priority > 0.7', () => {
    const rng = new Random(778);
    const data = Array.from({ length: 2000 }, (_, i) => generateTicket(rng, i));
    const out = ticketModel.infer(
      columns(
        data.map((d) => ({ text: `${d.ticket.subject}\n${d.ticket.body}`, tier: d.ticket.customerTier })),
      ),
      data.length,
    );
    const share = (name: string, truth: (i: number) => string) =>
      out[name]!.filter((v, i) => v === truth(i)).length / data.length;
    expect(share('category', (i) => data[i]!.category)).toBeGreaterThan(0.8);
    expect(share('priority', (i) => data[i]!.priority)).toBeGreaterThan(0.7);
    expect(ticketModel.parameters.heldout_category_accuracy).toBeGreaterThan(0.8);
  });

  it('is good but not perfect: some tickets are uncertain enough for review', () => {
    const rng = new Random(779);
    const data = Array.from({ length: 1000 }, (_, i) => generateTicket(rng, i));
    const out = ticketModel.infer(
      columns(data.map((d) => ({ text: `${d.ticket.subject}\n${d.ticket.body}` }))),
      1000,
    );
    const uncertain = (out.category_confidence as number[]).filter((c) => c < 0.6).length / 1000;
    expect(uncertain).toBeGreaterThan(0.01);
    expect(uncertain).toBeLessThan(0.25);
  });
});

describe('cost of a batch', () => {
  it('answers 64 rows in well under a millisecond of compute (median of 200)', () => {
    const rng = new Random(780);
    const leads = columns(Array.from({ length: 64 }, (_, i) => leadRow(generateLead(rng, i).lead)));
    const tickets = columns(
      Array.from({ length: 64 }, (_, i) => {
        const { ticket } = generateTicket(rng, i);
        return { text: `${ticket.subject}\n${ticket.body}`, tier: ticket.customerTier };
      }),
    );
    for (const [model, cols] of [
      [leadModel, leads],
      [ticketModel, tickets],
    ] as const) {
      const times: number[] = [];
      for (let r = 0; r < 200; r++) {
        const t0 = performance.now();
        model.infer(cols, 64);
        times.push(performance.now() - t0);
      }
      expect(times.sort((a, b) => a - b)[100], model.name).toBeLessThan(1);
    }
  });
});

describe('faultsFromEnv', () => {
  it('reads the MODEL_* variables, off by default, and refuses values out of range', () => {
    expect(faultsFromEnv({})).toEqual({ latencyMs: 0, errorRate: 0, timeoutRate: 0, down: false });
    expect(
      faultsFromEnv({
        MODEL_LATENCY_MS: '25',
        MODEL_ERROR_RATE: '0.1',
        MODEL_TIMEOUT_RATE: '0.05',
        MODEL_DOWN: '1',
      }),
    ).toEqual({ latencyMs: 25, errorRate: 0.1, timeoutRate: 0.05, down: true });
    expect(() => faultsFromEnv({ MODEL_ERROR_RATE: '1.5' })).toThrow(
      /MODEL_ERROR_RATE=1.5: expected a number from 0 to 1/,
    );
  });
});

describe('auc', () => {
  it('is 1 for a perfect ranking, 0.5 for ties, and counts ties half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
  });
});
