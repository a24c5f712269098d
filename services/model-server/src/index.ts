/**
 * The reference model server (Open Inference Protocol v2), startable in-process for tests.
 *
 * ```ts
 * import { startModelServer } from '@junction/model-server';
 * const server = await startModelServer({ port: 0 });
 * await fetch(`${server.url}/v2/models/lead-conversion`);
 * await server.close();
 * ```
 */
export { startModelServer, type ModelServer } from './server';
export { ModelHost } from './model-host';
export { faultsFromEnv, type Faults } from './faults';
export { trainLeadConversion, leadRow } from './models/lead-conversion';
export { trainTicketClassifier } from './models/ticket-classifier';
