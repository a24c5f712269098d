/**
 * ticket-classifier v1: two softmax regressions over lower-cased words and bigrams of subject + body,
 * one for the category and one for the priority (which also sees the customer tier when given).
 * Trained at start on tickets from @junction/datagen (seed 20251124: 20,000 train, 5,000 held out).
 */
import { generateTicket, Random, TICKET_CATEGORIES, TICKET_PRIORITIES } from '@junction/datagen';
import type { Columns, Model, Outputs } from './model';
import { ngrams, SoftmaxText, Vocabulary, words } from './softmax-text';

const TIERS = ['FREE', 'STANDARD', 'ENTERPRISE'];
const tierToken = (tier: unknown) =>
  typeof tier === 'string' && TIERS.includes(tier.toUpperCase()) ? `__tier_${tier.toLowerCase()}` : undefined;

/**
 * The priority model's extra tokens: the tier, and each word paired with the tier, so that "down" can
 * mean P1 for an enterprise customer and P2 for others (a linear model cannot multiply on its own).
 */
const tierFeatures = (tier: string | undefined, ws: readonly string[]): string[] =>
  tier === undefined ? [] : [tier, ...ws.map((w) => `${tier}|${w}`)];

export function trainTicketClassifier(seed = 20251124, train = 20_000, test = 5_000): Model {
  const rng = new Random(seed);
  const data = Array.from({ length: train + test }, (_, i) => generateTicket(rng, i, 1_700_000_000_000));
  // one vocabulary for both models: a request's text is split and looked up once
  const vocab = new Vocabulary();
  const texts = data.map((d) => words(`${d.ticket.subject}\n${d.ticket.body}`));
  const docs = texts.map((ws) => vocab.grow(ngrams(ws)));
  const priorityDocs = data.map((d, i) => {
    const extra = vocab.grow(tierFeatures(tierToken(d.ticket.customerTier), texts[i]!));
    const out = new Int32Array(docs[i]!.length + extra.length);
    out.set(docs[i]!);
    out.set(extra, docs[i]!.length);
    return out;
  });
  const category = new SoftmaxText(TICKET_CATEGORIES, vocab);
  category.train(
    docs.slice(0, train),
    data.slice(0, train).map((d) => d.category),
    { seed },
  );
  const priority = new SoftmaxText(TICKET_PRIORITIES, vocab);
  priority.train(
    priorityDocs.slice(0, train),
    data.slice(0, train).map((d) => d.priority),
    { seed: seed + 1 },
  );

  let catOk = 0;
  let prioOk = 0;
  let prioNoTierOk = 0;
  for (let i = train; i < train + test; i++) {
    if (category.predictIds(docs[i]!).label === data[i]!.category) catOk++;
    if (priority.predictIds(priorityDocs[i]!).label === data[i]!.priority) prioOk++;
    if (priority.predictIds(docs[i]!).label === data[i]!.priority) prioNoTierOk++;
  }

  const index = new FeatureIndex(vocab);
  let ids = new Int32Array(1024);

  return {
    name: 'ticket-classifier',
    version: '1',
    platform: 'junction-softmax-text',
    inputs: [
      { name: 'text', datatype: 'BYTES', shape: [-1], description: 'subject + "\\n" + body' },
      {
        name: 'tier',
        datatype: 'BYTES',
        shape: [-1],
        optional: true,
        description: `customer tier (${TIERS.join(', ')}); sharpens the priority`,
      },
    ],
    outputs: [
      { name: 'category', datatype: 'BYTES', shape: [-1], description: TICKET_CATEGORIES.join(', ') },
      {
        name: 'category_confidence',
        datatype: 'FP32',
        shape: [-1],
        description: 'probability of the category',
      },
      {
        name: 'priority',
        datatype: 'BYTES',
        shape: [-1],
        description: `${TICKET_PRIORITIES.join(', ')} (P1 most urgent)`,
      },
      {
        name: 'priority_confidence',
        datatype: 'FP32',
        shape: [-1],
        description: 'probability of the priority',
      },
    ],
    parameters: {
      training_seed: seed,
      train_rows: train,
      heldout_rows: test,
      heldout_category_accuracy: Number((catOk / test).toFixed(4)),
      heldout_priority_accuracy: Number((prioOk / test).toFixed(4)),
      heldout_priority_accuracy_without_tier: Number((prioNoTierOk / test).toFixed(4)),
    },
    infer(columns: Columns, rows: number): Outputs {
      const out: Outputs = {
        category: new Array<string>(rows),
        category_confidence: new Array<number>(rows),
        priority: new Array<string>(rows),
        priority_confidence: new Array<number>(rows),
      };
      const { text, tier } = columns;
      for (let i = 0; i < rows; i++) {
        const ws = words(String(text?.[i] ?? ''));
        if (ids.length < ws.length * 3 + 1) ids = new Int32Array(ws.length * 6 + 2);
        const n = index.textIds(ws, ids);
        const c = category.predictIds(ids, n);
        out.category![i] = c.label;
        out.category_confidence![i] = c.confidence;
        const p = priority.predictIds(ids, index.tierIds(tierToken(tier?.[i]), ws, ids, n));
        out.priority![i] = p.label;
        out.priority_confidence![i] = p.confidence;
      }
      return out;
    },
  };
}

/**
 * The vocabulary split for inference: unigram ids, bigram ids by first then second word, and
 * tier-paired word ids by tier, so a request is looked up word by word without building token strings.
 */
class FeatureIndex {
  private readonly unigrams = new Map<string, number>();
  private readonly bigrams = new Map<string, Map<string, number>>();
  private readonly tiers = new Map<string, { id: number; words: Map<string, number> }>();

  constructor(vocab: Vocabulary) {
    const tier = (t: string) => {
      let entry = this.tiers.get(t);
      if (!entry) this.tiers.set(t, (entry = { id: -1, words: new Map() }));
      return entry;
    };
    // words never contain "_" or "|" (see WORD), so the separators are unambiguous
    for (const [token, id] of vocab.entries()) {
      const bar = token.indexOf('|');
      if (bar >= 0) tier(token.slice(0, bar)).words.set(token.slice(bar + 1), id);
      else if (token.startsWith('__tier_')) tier(token).id = id;
      else {
        const us = token.indexOf('_');
        if (us < 0) this.unigrams.set(token, id);
        else {
          const first = token.slice(0, us);
          let next = this.bigrams.get(first);
          if (!next) this.bigrams.set(first, (next = new Map()));
          next.set(token.slice(us + 1), id);
        }
      }
    }
  }

  /** Ids of the text's known unigrams and bigrams into `out` (room for 2 per word); returns how many. */
  textIds(ws: readonly string[], out: Int32Array): number {
    let n = 0;
    for (let i = 0; i < ws.length; i++) {
      const id = this.unigrams.get(ws[i]!);
      if (id !== undefined) out[n++] = id;
    }
    for (let i = 0; i + 1 < ws.length; i++) {
      const id = this.bigrams.get(ws[i]!)?.get(ws[i + 1]!);
      if (id !== undefined) out[n++] = id;
    }
    return n;
  }

  /** Appends the tier's id and its tier-paired word ids after `n` (room for 1 + 1 per word); returns the new end. */
  tierIds(tier: string | undefined, ws: readonly string[], out: Int32Array, n: number): number {
    const entry = tier === undefined ? undefined : this.tiers.get(tier);
    if (!entry || entry.id < 0) return n;
    out[n++] = entry.id;
    for (const w of ws) {
      const id = entry.words.get(w);
      if (id !== undefined) out[n++] = id;
    }
    return n;
  }
}
