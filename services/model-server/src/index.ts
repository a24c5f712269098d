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
export { startModelServer, BODY_LIMIT, type ModelServer, type ModelServerOptions } from './server';
export { ModelHost, trainedModels, IDEMPOTENCY_ENTRIES } from './model-host';
export { faultsFromEnv, updateFaults, type Faults } from './faults';
export { trainLeadConversion, leadRow, LEAD_FEATURES } from './models/lead-conversion';
export { trainTicketClassifier } from './models/ticket-classifier';
export type { Model, TensorSpec, Columns, Outputs, Value } from './models/model';
