/**
 * Partition-scoped, disk-backed idempotency keys, restored from the pipeline's changelog topic.
 *
 * ```ts
 * import { KeyState, defaultStateDir } from './state';
 * const state = new KeyState({ dir: defaultStateDir('lead-scoring'), pipeline: 'lead-scoring',
 *   windowMs: 7 * 86_400_000, changelog: new ChangelogReader(...) });
 * const keys = await state.assign(3);          // restored from the checkpoint to the changelog's end
 * if (!keys.has(eventId)) { keys.markPending(eventId); ... keys.committed([eventId]); }
 * await state.revoke(3);
 * ```
 */
export { KeyState, defaultStateDir, type RestoreStats } from './key-state';
export type { ChangelogRecord, ChangelogSource, KeyStateOptions, PartitionKeys } from './types';
