/**
 * lead-conversion v1: logistic regression on engagement, company size, channel, industry and
 * seniority, trained at start on leads from @junction/datagen (seed 20251123, 20,000 train / 5,000
 * held out). Also returns the three features that moved each score most.
 */
import { generateLead, Random } from '@junction/datagen';
import { auc, predictLogistic, trainLogistic } from './logistic';
import type { Model, Row } from './model';

const CHANNELS = ['WEB', 'REFERRAL', 'EVENT', 'PAID_SEARCH', 'OUTBOUND', 'PARTNER', 'OTHER'];
const INDUSTRIES = [
  'software',
  'financial-services',
  'healthcare',
  'manufacturing',
  'retail',
  'education',
  'logistics',
  'public-sector',
];
const NUMERIC = ['employees', 'page_views', 'email_opens', 'form_submissions', 'meetings_booked'] as const;

const SENIORITY: [string, RegExp][] = [
  ['title=executive', /\b(chief|cto|ceo|cfo|cio|vp|vice president|head)\b/i],
  ['title=director', /\bdirector\b/i],
  ['title=manager', /\bmanager\b/i],
  ['title=student', /\b(student|intern)\b/i],
];

const FEATURES = [
  ...NUMERIC,
  ...CHANNELS.map((c) => `source_channel=${c}`),
  ...INDUSTRIES.map((i) => `industry=${i}`),
  ...SENIORITY.map(([n]) => n),
  'title=missing',
];

function raw(row: Row): Float64Array {
  const x = new Float64Array(FEATURES.length);
  x[0] = Math.log1p(Math.max(0, Number(row.employees) || 0));
  x[1] = Math.min(Number(row.page_views) || 0, 60);
  x[2] = Math.min(Number(row.email_opens) || 0, 30);
  x[3] = Math.min(Number(row.form_submissions) || 0, 10);
  x[4] = Math.min(Number(row.meetings_booked) || 0, 6);
  let j = NUMERIC.length;
  const channel = String(row.source_channel ?? '');
  for (const c of CHANNELS) x[j++] = channel === c ? 1 : 0;
  const industry = String(row.industry ?? '');
  for (const i of INDUSTRIES) x[j++] = industry === i ? 1 : 0;
  const title = String(row.title ?? '');
  for (const [, re] of SENIORITY) x[j++] = re.test(title) ? 1 : 0;
  x[j] = title.trim() === '' ? 1 : 0;
  return x;
}

export function leadRow(lead: import('@junction/schema-types').LeadCreated): Row {
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

export function trainLeadConversion(seed = 20251123, train = 20_000, test = 5_000): Model {
  const rng = new Random(seed);
  const data = Array.from({ length: train + test }, (_, i) => generateLead(rng, i, 1_700_000_000_000));
  const rows = data.map((d) => raw(leadRow(d.lead)));
  const mean = new Float64Array(FEATURES.length);
  const std = new Float64Array(FEATURES.length).fill(1);
  for (let j = 0; j < NUMERIC.length; j++) {
    const col = rows.slice(0, train).map((r) => r[j]!);
    const m = col.reduce((s, v) => s + v, 0) / col.length;
    mean[j] = m;
    std[j] = Math.sqrt(col.reduce((s, v) => s + (v - m) ** 2, 0) / col.length) || 1;
  }
  const standardize = (x: Float64Array) => x.map((v, j) => (v - mean[j]!) / std[j]!);
  const xs = rows.map(standardize);
  const ys = Uint8Array.from(data.map((d) => (d.converted ? 1 : 0)));
  const w = trainLogistic(xs.slice(0, train), ys.slice(0, train));
  const scores = xs.slice(train).map((x) => predictLogistic(w, x));
  const labels = Array.from(ys.slice(train));
  const accuracy = scores.filter((s, i) => (s >= 0.5 ? 1 : 0) === labels[i]).length / test;
  const base = labels.filter((l) => l === 1).length / test;

  return {
    name: 'lead-conversion',
    version: '1',
    platform: 'junction-logistic-regression',
    inputs: [
      ...NUMERIC.map((name) => ({ name, datatype: 'FP32' as const, shape: [-1] })),
      { name: 'source_channel', datatype: 'BYTES', shape: [-1] },
      { name: 'industry', datatype: 'BYTES', shape: [-1] },
      { name: 'title', datatype: 'BYTES', shape: [-1], optional: true },
    ],
    outputs: [
      { name: 'score', datatype: 'FP32', shape: [-1] },
      { name: 'factors', datatype: 'BYTES', shape: [-1] },
    ],
    parameters: {
      training_seed: seed,
      train_rows: train,
      heldout_rows: test,
      heldout_auc: Number(auc(scores, labels).toFixed(4)),
      heldout_accuracy: Number(accuracy.toFixed(4)),
      heldout_base_rate: Number(base.toFixed(4)),
    },
    infer(batch) {
      const score: number[] = [];
      const factors: string[] = [];
      for (const row of batch) {
        const x = standardize(raw(row));
        score.push(predictLogistic(w, x));
        const contributions = FEATURES.map((feature, j) => ({ feature, contribution: w[j]! * x[j]! }))
          .filter((c) => c.contribution !== 0)
          .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
          .slice(0, 3)
          .map((c) => ({ feature: c.feature, contribution: Number(c.contribution.toFixed(4)) }));
        factors.push(JSON.stringify(contributions));
      }
      return { score, factors };
    },
  };
}
