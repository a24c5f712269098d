/**
 * The `junction` CLI's pieces, for embedding and tests.
 *
 * ```ts
 * import { FleetManager, parseFleet, simulate } from '@junction/cli';
 * await simulate({ systems: ['crm'], brokers, registryUrl, rate: 100, count: 1_000, badShare: 0.02 });
 * const { status } = await new FleetManager().up();   // what `junction up` does
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
export {
  FleetManager,
  FleetError,
  somethingDown,
  stackSourceFromEnv,
  type FleetManagerOptions,
  type FleetStatus,
  type ProcessStatus,
  type StackSource,
  type UpResult,
} from './fleet/fleet-manager';
export {
  fleetEntries,
  SIMULATOR,
  parseFleet,
  portVariable,
  launchSpec,
  FleetDefinitionError,
  type FleetEntry,
  type FleetMember,
  type FleetContext,
} from './fleet/fleet';
export { PipelineCounters } from './fleet/pipeline-counters';
export { runDemo, type DemoOptions } from './commands/demo';
