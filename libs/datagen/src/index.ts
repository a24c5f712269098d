/**
 * Seeded, reproducible business events: the data the reference models train on and the simulators send.
 *
 * ```ts
 * import { Random, generateLead, generateTicket } from '@junction/datagen';
 * const rng = new Random(42);
 * const { lead, converted } = generateLead(rng, 0);
 * const { ticket, category, priority } = generateTicket(rng, 0);
 * ```
 */
export { Random, sigmoid } from './random';
export { generateLead, LEAD_INDUSTRIES, SOURCE_CHANNELS, type GeneratedLead } from './leads';
export { generateTicket, TICKET_CATEGORIES, TICKET_PRIORITIES, type GeneratedTicket } from './tickets';
export { generateFromSchema } from './from-schema';
