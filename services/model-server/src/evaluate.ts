// Trains both models as the server does and prints their held-out figures.
import { trainLeadConversion } from './models/lead-conversion';
import { trainTicketClassifier } from './models/ticket-classifier';

for (const train of [trainLeadConversion, trainTicketClassifier]) {
  const started = performance.now();
  const model = train();
  console.log(
    `${model.name} v${model.version}: ${JSON.stringify(model.parameters)} (trained in ${Math.round(performance.now() - started)} ms)`,
  );
}
