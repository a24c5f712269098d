/**
 * ticket-classifier v1: two softmax regressions over words and bigrams of subject + body, one for the
 * category and one for the priority (which also sees the customer tier when given). Trained at start
 * on tickets from @junction/datagen (seed 20251124, 20,000 train / 5,000 held out).
 */
import { generateTicket, Random } from '@junction/datagen';
import type { Model } from './model';
import { SoftmaxText, tokenize } from './softmax-text';

const CATEGORIES = ['BILLING', 'TECHNICAL', 'ACCOUNT', 'SHIPPING', 'FEEDBACK', 'OTHER'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];

const tierToken = (tier: unknown) =>
  typeof tier === 'string' && tier !== '' ? [`__tier_${tier.toLowerCase()}`] : [];

export function trainTicketClassifier(seed = 20251124, train = 20_000, test = 5_000): Model {
  const rng = new Random(seed);
  const data = Array.from({ length: train + test }, (_, i) => generateTicket(rng, i, 1_700_000_000_000));
  const docs = data.map((d) => tokenize(`${d.ticket.subject}\n${d.ticket.body}`));
  const category = new SoftmaxText(CATEGORIES);
  category.train(
    docs.slice(0, train),
    data.slice(0, train).map((d) => d.category),
    { seed },
  );
  const priorityDocs = data.map((d, i) => [...docs[i]!, ...tierToken(d.ticket.customerTier)]);
  const priority = new SoftmaxText(PRIORITIES);
  priority.train(
    priorityDocs.slice(0, train),
    data.slice(0, train).map((d) => d.priority),
    { seed: seed + 1 },
  );

  let catOk = 0;
  let prioOk = 0;
  for (let i = train; i < train + test; i++) {
    if (category.predict(docs[i]!).label === data[i]!.category) catOk++;
    if (priority.predict(priorityDocs[i]!).label === data[i]!.priority) prioOk++;
  }

  return {
    name: 'ticket-classifier',
    version: '1',
    platform: 'junction-softmax-text',
    inputs: [
      { name: 'text', datatype: 'BYTES', shape: [-1] },
      { name: 'tier', datatype: 'BYTES', shape: [-1], optional: true },
    ],
    outputs: [
      { name: 'category', datatype: 'BYTES', shape: [-1] },
      { name: 'category_confidence', datatype: 'FP32', shape: [-1] },
      { name: 'priority', datatype: 'BYTES', shape: [-1] },
      { name: 'priority_confidence', datatype: 'FP32', shape: [-1] },
    ],
    parameters: {
      training_seed: seed,
      train_rows: train,
      heldout_rows: test,
      heldout_category_accuracy: Number((catOk / test).toFixed(4)),
      heldout_priority_accuracy: Number((prioOk / test).toFixed(4)),
    },
    infer(rows) {
      const out = {
        category: [] as string[],
        category_confidence: [] as number[],
        priority: [] as string[],
        priority_confidence: [] as number[],
      };
      for (const row of rows) {
        const tokens = tokenize(String(row.text ?? ''));
        const c = category.predict(tokens);
        const p = priority.predict([...tokens, ...tierToken(row.tier)]);
        out.category.push(c.label);
        out.category_confidence.push(c.confidence);
        out.priority.push(p.label);
        out.priority_confidence.push(p.confidence);
      }
      return out;
    },
  };
}
