// `pnpm --filter @junction/model-server evaluate`: trains both models as the server does and prints
// their held-out figures and the time a 64-row batch takes.
import { generateLead, generateTicket, Random } from '@junction/datagen';
import { leadRow, trainLeadConversion } from './models/lead-conversion';
import type { Columns, Model } from './models/model';
import { trainTicketClassifier } from './models/ticket-classifier';

function columns(rows: Record<string, number | string>[]): Columns {
  const cols: Record<string, (number | string)[]> = {};
  for (const name of Object.keys(rows[0] ?? {})) cols[name] = rows.map((r) => r[name]!);
  return cols;
}

/** Median microseconds of `model.infer` over a 64-row batch. */
function batchMicros(model: Model, cols: Columns): number {
  const times: number[] = [];
  for (let r = 0; r < 300; r++) {
    const t0 = performance.now();
    model.infer(cols, 64);
    times.push((performance.now() - t0) * 1000);
  }
  return Math.round(times.sort((a, b) => a - b)[150]!);
}

const rng = new Random(99);
const batches: Record<string, Columns> = {
  'lead-conversion': columns(Array.from({ length: 64 }, (_, i) => leadRow(generateLead(rng, i).lead))),
  'ticket-classifier': columns(
    Array.from({ length: 64 }, (_, i) => {
      const { ticket } = generateTicket(rng, i);
      return { text: `${ticket.subject}\n${ticket.body}`, tier: ticket.customerTier };
    }),
  ),
};

for (const train of [trainLeadConversion, trainTicketClassifier]) {
  const started = performance.now();
  const model = train();
  const ms = Math.round(performance.now() - started);
  const figures = Object.entries(model.parameters)
    .filter(([k]) => k !== 'features')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`${model.name} v${model.version}: ${figures}`);
  console.log(
    `  trained in ${ms} ms; a 64-row batch takes ${batchMicros(model, batches[model.name]!)} µs (median)`,
  );
}
