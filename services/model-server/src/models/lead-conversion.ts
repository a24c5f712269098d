/**
 * lead-conversion v1: logistic regression on engagement counts, company size, source channel,
 * industry and the seniority of the contact's title, trained at start on leads from @junction/datagen
 * (seed 20251123: 20,000 train, 5,000 held out). Also returns, for each score, the three features that
 * moved it most (weight × standardised value).
 */
import { generateLead, LEAD_INDUSTRIES, Random, SOURCE_CHANNELS } from '@junction/datagen';
import type { LeadCreated } from '@junction/schema-types';
import { auc, predictLogistic, trainLogistic } from './logistic';
import type { Columns, Model, Outputs } from './model';

const NUMERIC = ['employees', 'page_views', 'email_opens', 'form_submissions', 'meetings_booked'] as const;
/** Caps applied before standardising, so one odd value cannot dominate a score. */
const CAPS = [Infinity, 100, 40, 12, 8];

const SENIORITY: readonly (readonly [string, RegExp])[] = [
  ['title=executive', /\b(chief|c[etiofr]o|s?vp|vice president|head|founder|owner|president)\b/i],
  ['title=director', /\bdirector\b/i],
  ['title=manager', /\bmanager\b/i],
  ['title=student', /\b(student|intern)\b/i],
];

/** Feature names, in weight order; these are the names `factors` reports. */
export const LEAD_FEATURES: readonly string[] = [
  ...NUMERIC,
  ...SOURCE_CHANNELS.map((c) => `source_channel=${c}`),
  ...LEAD_INDUSTRIES.map((i) => `industry=${i}`),
  ...SENIORITY.map(([n]) => n),
  'title=missing',
];
const D = LEAD_FEATURES.length;
const CHANNEL_AT = new Map(SOURCE_CHANNELS.map((c, k) => [c as string, NUMERIC.length + k]));
const INDUSTRY_AT = new Map(LEAD_INDUSTRIES.map((i, k) => [i, NUMERIC.length + SOURCE_CHANNELS.length + k]));
const SENIORITY_AT = NUMERIC.length + SOURCE_CHANNELS.length + LEAD_INDUSTRIES.length;

/** The model's input row for a lead: the tensor names and values the pipeline sends. */
export function leadRow(lead: LeadCreated): Record<string, number | string> {
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

const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : 0);

/**
 * Writes row `i`'s raw features into `x` at `off`: log(1 + employees) and capped counts, then one-hot
 * channel, industry (unknown labels set none) and title seniority.
 */
function rawFeatures(cols: Columns, i: number, x: Float64Array, off: number): void {
  x.fill(0, off, off + D);
  x[off] = Math.log1p(num(cols.employees?.[i]));
  for (let j = 1; j < NUMERIC.length; j++) x[off + j] = Math.min(num(cols[NUMERIC[j]!]?.[i]), CAPS[j]!);
  const channel = CHANNEL_AT.get(String(cols.source_channel?.[i] ?? ''));
  if (channel !== undefined) x[off + channel] = 1;
  const industry = INDUSTRY_AT.get(
    String(cols.industry?.[i] ?? '')
      .trim()
      .toLowerCase(),
  );
  if (industry !== undefined) x[off + industry] = 1;
  const title = String(cols.title?.[i] ?? '');
  for (let k = 0; k < SENIORITY.length; k++) if (SENIORITY[k]![1].test(title)) x[off + SENIORITY_AT + k] = 1;
  if (title.trim() === '') x[off + SENIORITY_AT + SENIORITY.length] = 1;
}

/** Column-wise lead data, as the model's input tensors would carry it. */
function columnsOf(leads: readonly LeadCreated[]): Columns {
  const rows = leads.map(leadRow);
  const cols: Record<string, (number | string)[]> = {};
  for (const name of Object.keys(rows[0] ?? {})) cols[name] = rows.map((r) => r[name]!);
  return cols;
}

export function trainLeadConversion(seed = 20251123, train = 20_000, test = 5_000): Model {
  const rng = new Random(seed);
  const data = Array.from({ length: train + test }, (_, i) => generateLead(rng, i, 1_700_000_000_000));
  const cols = columnsOf(data.map((d) => d.lead));
  const x = new Float64Array((train + test) * D);
  for (let i = 0; i < train + test; i++) rawFeatures(cols, i, x, i * D);

  // standardise the numeric features with the training rows' mean and deviation; one-hot stay 0/1 so
  // an absent category contributes nothing to a score's explanation
  const mean = new Float64Array(D);
  const scale = new Float64Array(D).fill(1);
  for (let j = 0; j < NUMERIC.length; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < train; i++) {
      const v = x[i * D + j]!;
      s += v;
      s2 += v * v;
    }
    const m = s / train;
    mean[j] = m;
    scale[j] = 1 / (Math.sqrt(Math.max(s2 / train - m * m, 0)) || 1);
  }
  const standardize = (buf: Float64Array, off: number) => {
    for (let j = 0; j < NUMERIC.length; j++) buf[off + j] = (buf[off + j]! - mean[j]!) * scale[j]!;
  };
  for (let i = 0; i < train + test; i++) standardize(x, i * D);

  const y = Uint8Array.from(data, (d) => (d.converted ? 1 : 0));
  const w = trainLogistic(x.subarray(0, train * D), y.subarray(0, train), D);
  const scores = new Float64Array(test);
  let correct = 0;
  let positives = 0;
  for (let i = 0; i < test; i++) {
    scores[i] = predictLogistic(w, x, (train + i) * D);
    const label = y[train + i]!;
    positives += label;
    if ((scores[i]! >= 0.5 ? 1 : 0) === label) correct++;
  }
  const heldoutAuc = auc(scores, y.subarray(train));

  // scratch space reused by every request: inference allocates only its outputs
  const row = new Float64Array(D);
  const top = new Int32Array(3);
  const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

  return {
    name: 'lead-conversion',
    version: '1',
    platform: 'junction-logistic-regression',
    inputs: [
      {
        name: 'employees',
        datatype: 'FP32',
        shape: [-1],
        description: 'company employee count; 0 when unknown',
      },
      {
        name: 'page_views',
        datatype: 'FP32',
        shape: [-1],
        description: 'web page views before the lead was created',
      },
      { name: 'email_opens', datatype: 'FP32', shape: [-1], description: 'marketing e-mails opened' },
      { name: 'form_submissions', datatype: 'FP32', shape: [-1], description: 'web forms submitted' },
      { name: 'meetings_booked', datatype: 'FP32', shape: [-1], description: 'sales meetings booked' },
      {
        name: 'source_channel',
        datatype: 'BYTES',
        shape: [-1],
        description: `SourceChannel symbol: ${SOURCE_CHANNELS.join(', ')}`,
      },
      {
        name: 'industry',
        datatype: 'BYTES',
        shape: [-1],
        description: `industry label, e.g. ${LEAD_INDUSTRIES.slice(0, 4).join(', ')}; unknown labels carry no weight`,
      },
      {
        name: 'title',
        datatype: 'BYTES',
        shape: [-1],
        optional: true,
        description: 'job title as entered, may be ""; read for seniority',
      },
    ],
    outputs: [
      { name: 'score', datatype: 'FP32', shape: [-1], description: 'probability that the lead converts' },
      {
        name: 'factors',
        datatype: 'BYTES',
        shape: [-1],
        description:
          'JSON array of the top 3 {"feature","contribution"} by |weight × standardised value|, largest first',
      },
    ],
    parameters: {
      training_seed: seed,
      train_rows: train,
      heldout_rows: test,
      heldout_auc: Number(heldoutAuc.toFixed(4)),
      heldout_accuracy: Number((correct / test).toFixed(4)),
      heldout_base_rate: Number((positives / test).toFixed(4)),
      features: LEAD_FEATURES.join(','),
    },
    infer(columns: Columns, rows: number): Outputs {
      const score = new Array<number>(rows);
      const factors = new Array<string>(rows);
      for (let i = 0; i < rows; i++) {
        rawFeatures(columns, i, row, 0);
        standardize(row, 0);
        score[i] = predictLogistic(w, row);
        // the three largest |contributions|, without sorting all of them
        top.fill(-1);
        for (let j = 0; j < D; j++) {
          const c = Math.abs(w[j]! * row[j]!);
          for (let k = 0; k < 3; k++) {
            const t = top[k]!;
            if (t === -1 || c > Math.abs(w[t]! * row[t]!)) {
              top.copyWithin(k + 1, k, 2);
              top[k] = j;
              break;
            }
          }
        }
        let json = '[';
        for (let k = 0; k < 3; k++) {
          const j = top[k]!;
          json += `${k ? ',' : ''}{"feature":${JSON.stringify(LEAD_FEATURES[j])},"contribution":${round4(w[j]! * row[j]!)}}`;
        }
        factors[i] = `${json}]`;
      }
      return { score, factors };
    },
  };
}
