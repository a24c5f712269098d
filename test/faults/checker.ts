/**
 * The promise every fault scenario checks: exactly one result per valid event, every bad event in the
 * dead-letter topic with its reason, nothing anywhere that was never sent.
 *
 * `tally` is pure: it takes what was sent (the ledger) and what a downstream consumer finds on the
 * output, review, retry and DLQ topics (observations), and counts. `read-topics.ts` produces the
 * observations from the real topics; scenarios print `figuresLine(...)` and assert on the tally.
 */

/** What should become of one sent event. */
export type Expectation =
  { kind: 'valid' } | { kind: 'poison'; poison: string; errorClass: string; errorCode: string };

export interface Ledger {
  /** Every event id sent, with what should become of it. */
  readonly expected: ReadonlyMap<string, Expectation>;
  /**
   * Ids whose send failed and was repeated: the broker may hold them twice, so a poison record among
   * them may rightly be dead-lettered twice. (A valid one must still get exactly one result.)
   */
  readonly resent: ReadonlySet<string>;
}

export type ObservedTopic = 'output' | 'review' | 'retry' | 'dlq';

/** One record a downstream consumer read, reduced to what the check needs. */
export interface Observation {
  topic: ObservedTopic;
  /** The event id: from the result's value (`sourceEventId`), or the original header on a dead letter. */
  id: string | undefined;
  /** Dead letters and retries: `kafka_dlt-exception-fqcn`. */
  errorClass?: string;
  /** Dead letters and retries: `junction-error-code`. */
  errorCode?: string;
  /** Dead letters and retries: `kafka_dlt-exception-message`. */
  errorMessage?: string;
  /** Results: `junction-degraded: true` (the fallback made it). */
  degraded?: boolean;
}

export interface Tally {
  events: number;
  valid: number;
  poison: number;
  /** Result records read (output + review). */
  results: number;
  /** Valid events with exactly one result. */
  exactlyOnce: number;
  /** Valid events without a result. */
  missing: string[];
  /** Valid events with more than one result. */
  duplicated: { id: string; count: number }[];
  /** Valid events whose one result went to the review topic. */
  review: number;
  /** Results made by the fallback. */
  degraded: number;
  /** Valid events found in the DLQ (each also counts as missing unless it has a result). */
  validInDlq: { id: string; reason: string }[];
  /** Dead-letter records by `<errorClass>/<errorCode>`. */
  dlqByReason: Record<string, number>;
  dlq: number;
  /** Poison events dead-lettered with the expected reason. */
  poisonInDlq: number;
  /** Poison events not in the DLQ. */
  poisonMissing: string[];
  /** Poison events dead-lettered with another reason than expected. */
  poisonWrongReason: { id: string; expected: string; got: string }[];
  /** Poison events dead-lettered more often than they were sent. */
  poisonDuplicated: { id: string; count: number }[];
  /** Poison events that produced a result. */
  poisonWithResult: string[];
  /** Dead letters without an error class or message. */
  dlqWithoutReason: number;
  /** Records (results or dead letters) whose id was never sent, or that carry no id. */
  unexpected: number;
  /** Records on the retry topic: attempts that waited for a second chance. */
  retried: number;
}

const reasonOf = (o: { errorClass?: string | undefined; errorCode?: string | undefined }): string =>
  `${o.errorClass ?? '?'}/${o.errorCode ?? '?'}`;

export function tally(ledger: Ledger, observations: Iterable<Observation>): Tally {
  const results = new Map<string, { count: number; review: number }>();
  const dead = new Map<string, Observation[]>();
  const t: Tally = {
    events: ledger.expected.size,
    valid: 0,
    poison: 0,
    results: 0,
    exactlyOnce: 0,
    missing: [],
    duplicated: [],
    review: 0,
    degraded: 0,
    validInDlq: [],
    dlqByReason: {},
    dlq: 0,
    poisonInDlq: 0,
    poisonMissing: [],
    poisonWrongReason: [],
    poisonDuplicated: [],
    poisonWithResult: [],
    dlqWithoutReason: 0,
    unexpected: 0,
    retried: 0,
  };

  for (const o of observations) {
    if (o.topic === 'retry') {
      t.retried++;
      continue;
    }
    const known = o.id !== undefined && ledger.expected.has(o.id);
    if (o.topic === 'dlq') {
      t.dlq++;
      const reason = reasonOf(o);
      t.dlqByReason[reason] = (t.dlqByReason[reason] ?? 0) + 1;
      if (!o.errorClass || !o.errorMessage) t.dlqWithoutReason++;
      if (!known) t.unexpected++;
      else dead.set(o.id!, [...(dead.get(o.id!) ?? []), o]);
      continue;
    }
    t.results++;
    if (o.degraded) t.degraded++;
    if (!known) {
      t.unexpected++;
      continue;
    }
    const r = results.get(o.id!) ?? { count: 0, review: 0 };
    r.count++;
    if (o.topic === 'review') r.review++;
    results.set(o.id!, r);
  }

  for (const [id, e] of ledger.expected) {
    const r = results.get(id);
    const letters = dead.get(id) ?? [];
    if (e.kind === 'valid') {
      t.valid++;
      if (!r) t.missing.push(id);
      else if (r.count === 1) {
        t.exactlyOnce++;
        if (r.review === 1) t.review++;
      } else t.duplicated.push({ id, count: r.count });
      for (const l of letters) t.validInDlq.push({ id, reason: reasonOf(l) });
      continue;
    }
    t.poison++;
    if (r) t.poisonWithResult.push(id);
    if (letters.length === 0) {
      t.poisonMissing.push(id);
      continue;
    }
    const expected = reasonOf(e);
    const wrong = letters.find((l) => reasonOf(l) !== expected);
    if (wrong) t.poisonWrongReason.push({ id, expected, got: reasonOf(wrong) });
    else t.poisonInDlq++;
    if (letters.length > (ledger.resent.has(id) ? 2 : 1))
      t.poisonDuplicated.push({ id, count: letters.length });
  }
  return t;
}

/** True when the promise held: every valid event once, every poison event dead-lettered once with its reason. */
export function clean(t: Tally): boolean {
  return (
    t.missing.length === 0 &&
    t.duplicated.length === 0 &&
    t.validInDlq.length === 0 &&
    t.poisonMissing.length === 0 &&
    t.poisonWrongReason.length === 0 &&
    t.poisonDuplicated.length === 0 &&
    t.poisonWithResult.length === 0 &&
    t.dlqWithoutReason === 0 &&
    t.unexpected === 0
  );
}

/** What a scenario adds to the tally for its report. */
export interface ScenarioFigures {
  scenario: string;
  tally: Tally;
  /** Faults injected, e.g. `3 SIGKILL + 3 restarts`. */
  faults: string;
  /** Peak resident memory of the busiest service process (VmHWM), bytes. */
  peakRssBytes?: number;
  durationMs: number;
  /** Anything else worth a number, e.g. `{ "processed while the registry was down": 812 }`. */
  notes?: Record<string, number | string>;
}

function reasons(byReason: Record<string, number>): string {
  const entries = Object.entries(byReason).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([r, n]) => `${r}=${n}`).join(' ');
}

const mb = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : `${Math.round(bytes / (1024 * 1024))} MB`;

/** The one line each scenario prints. */
export function figuresLine(f: ScenarioFigures): string {
  const t = f.tally;
  const parts = [
    `events=${t.events}`,
    `valid=${t.valid}`,
    `results=${t.results}`,
    `exactly-once=${t.exactlyOnce}`,
    `missing=${t.missing.length}`,
    `duplicates=${t.duplicated.length}`,
    `dlq=${t.dlq} (${reasons(t.dlqByReason)})`,
    `poison-in-dlq=${t.poisonInDlq}/${t.poison}`,
    `review=${t.review}`,
    `degraded=${t.degraded}`,
    `retried=${t.retried}`,
    `faults=${f.faults}`,
    `peak-rss=${mb(f.peakRssBytes)}`,
    `duration=${(f.durationMs / 1000).toFixed(1)}s`,
    ...Object.entries(f.notes ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  return `[faults] ${f.scenario}: ${parts.join(' ')}`;
}

/** A table of every scenario's figures, for the full run. */
export function figuresTable(rows: readonly ScenarioFigures[]): string {
  const head = [
    'scenario',
    'events',
    'valid',
    'results',
    'missing',
    'dup',
    'DLQ',
    'poison in DLQ',
    'review',
    'degraded',
    'retried',
    'faults',
    'peak RSS',
    'duration',
  ];
  const body = rows.map((f) => {
    const t = f.tally;
    return [
      f.scenario,
      String(t.events),
      String(t.valid),
      String(t.results),
      String(t.missing.length),
      String(t.duplicated.length),
      String(t.dlq),
      `${t.poisonInDlq}/${t.poison}`,
      String(t.review),
      String(t.degraded),
      String(t.retried),
      f.faults,
      mb(f.peakRssBytes),
      `${(f.durationMs / 1000).toFixed(0)} s`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
