/**
 * The `junction` CLI's pieces, for embedding and tests.
 *
 * ```ts
 * import { simulate } from '@junction/cli';
 * await simulate({ systems: ['crm'], brokers, registryUrl, rate: 100, count: 1_000, badShare: 0.02 });
 * ```
 */
export { addStackCommand } from './commands/stack';
export {
  simulate,
  DEFAULT_TOPICS,
  UNKNOWN_SCHEMA_ID,
  type SimulateOptions,
  type SimulateProgress,
  type SourceSystem,
} from './simulator';
export { FleetManager, type FleetStatus, type MemberStatus } from './fleet/fleet-manager';
export { fleet, type FleetMember } from './fleet/fleet';
