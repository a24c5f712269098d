/** What a user checks after every scenario, as assertions (shared by the short and the full suite). */
import { expect } from 'vitest';
import type { ScenarioFigures } from './checker';
import { POISON_KINDS } from './poison';

/** A list in a failure message: how many, and the first few. */
const few = <T>(items: readonly T[]) => ({ count: items.length, first: items.slice(0, 10) });
const none = { count: 0, first: [] };

/** Exactly one result per valid event; every poison event dead-lettered once, with its reason. */
export function expectPromiseKept(f: ScenarioFigures): void {
  const t = f.tally;
  expect(few(t.missing), 'valid events without a result').toEqual(none);
  expect(few(t.duplicated), 'valid events with more than one result').toEqual(none);
  expect(few(t.validInDlq), 'valid events dead-lettered').toEqual(none);
  expect(few(t.poisonMissing), 'poison events not in the DLQ').toEqual(none);
  expect(few(t.poisonWrongReason), 'poison events dead-lettered for another reason').toEqual(none);
  expect(few(t.poisonDuplicated), 'poison events dead-lettered more often than sent').toEqual(none);
  expect(few(t.poisonWithResult), 'poison events with a result').toEqual(none);
  expect(t.dlqWithoutReason, 'dead letters without reason headers').toBe(0);
  expect(t.unexpected, 'records for events never sent').toBe(0);
  expect(t.exactlyOnce).toBe(t.valid);
  expect(t.poisonInDlq).toBe(t.poison);
  expect(t.valid).toBeGreaterThan(0);
}

/** Every poison kind of `poison.ts` reached the DLQ under its own reason. */
export function expectEveryPoisonKind(f: ScenarioFigures): void {
  for (const kind of POISON_KINDS) {
    expect(
      f.tally.dlqByReason[`${kind.errorClass}/${kind.errorCode}`] ?? 0,
      `${kind.name} in the DLQ as ${kind.errorClass}`,
    ).toBeGreaterThan(0);
  }
}

/**
 * The service's memory did not follow the backlog: its peak stays under a budget far below what
 * holding the backlog would take (200,000 decoded leads alone are several hundred MB).
 */
export const RSS_BUDGET_BYTES = 640 * 1024 * 1024;
