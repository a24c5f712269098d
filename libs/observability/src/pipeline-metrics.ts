/**
 * The Prometheus metrics every pipeline emits, named by the conventions (`junction_` prefix, base
 * units in the name, `_total` for counters). One registry per process; `/metrics` serves it.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PipelineMetrics {
  registry: Registry;
  /** Records read from a source or retry topic. */
  recordsIn: Counter<'pipeline' | 'topic'>;
  /** Finished records by outcome: output, review, drop, duplicate, retry, dlq. */
  recordsOut: Counter<'pipeline' | 'outcome'>;
  degraded: Counter<'pipeline'>;
  /** Event time (the source record's timestamp) to result committed. */
  endToEndSeconds: Histogram<'pipeline'>;
  /** One model/system call as the pipeline sees it (inline retries included). */
  callSeconds: Histogram<'pipeline' | 'endpoint' | 'outcome'>;
  /** Records in their call right now (at most the pipeline's maxInFlight). */
  inFlight: Gauge<'pipeline'>;
  /** Records fetched and not yet committed (at most maxBuffered; then the partitions pause). */
  buffered: Gauge<'pipeline'>;
  pausedPartitions: Gauge<'pipeline'>;
  /** 0 closed, 1 half-open, 2 open. */
  circuitState: Gauge<'pipeline' | 'endpoint'>;
  /** Records behind the end of each partition at the last fetch. */
  consumerLag: Gauge<'pipeline' | 'topic' | 'partition'>;
  qualityFailures: Counter<'pipeline' | 'source' | 'rule' | 'field'>;
  /** Distribution of numeric model outputs (a score), per model version: watch it for drift. */
  modelScore: Histogram<'pipeline' | 'model' | 'version'>;
  /** Counts of categorical model outputs (a class), per model version. */
  modelClass: Counter<'pipeline' | 'model' | 'version' | 'class'>;
  commits: Counter<'pipeline' | 'result'>;
  /** One partition's result transaction, begin to commit (records, offsets and completed keys). */
  transactionSeconds: Histogram<'pipeline'>;
  /** Source records committed per transaction. */
  transactionRecords: Histogram<'pipeline'>;
  /**
   * Registers a function that sets the state gauges (in flight, buffered, paused, circuit) when
   * they are scraped, so they are exact at every scrape and cost nothing between scrapes.
   */
  onScrape(refresh: () => void): void;
}

export function createPipelineMetrics(
  registry = new Registry(),
  options: { defaultMetrics?: boolean } = {},
): PipelineMetrics {
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'junction_' });
  const registers = [registry];
  const refreshers: (() => void)[] = [];
  // prom-client calls a gauge's collect() before reading it (each refresher sets all state gauges;
  // running them once per gauge is cheaper than keeping them current on the hot path)
  const collect = () => {
    for (const r of refreshers) r();
  };
  return {
    onScrape: (refresh) => {
      refreshers.push(refresh);
    },
    registry,
    recordsIn: new Counter({
      name: 'junction_records_in_total',
      help: 'Records read from source and retry topics',
      labelNames: ['pipeline', 'topic'],
      registers,
    }),
    recordsOut: new Counter({
      name: 'junction_records_out_total',
      help: 'Finished records by outcome (output, review, drop, duplicate, retry, dlq)',
      labelNames: ['pipeline', 'outcome'],
      registers,
    }),
    degraded: new Counter({
      name: 'junction_results_degraded_total',
      help: 'Results made by the fallback',
      labelNames: ['pipeline'],
      registers,
    }),
    endToEndSeconds: new Histogram({
      name: 'junction_end_to_end_latency_seconds',
      help: 'Source record timestamp to result committed',
      labelNames: ['pipeline'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    callSeconds: new Histogram({
      name: 'junction_call_duration_seconds',
      help: 'Model or system call latency by endpoint and outcome (ok, fallback, failed)',
      labelNames: ['pipeline', 'endpoint', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    inFlight: new Gauge({
      name: 'junction_records_in_flight',
      help: 'Records in their model or system call (at most maxInFlight)',
      labelNames: ['pipeline'],
      registers,
      collect,
    }),
    buffered: new Gauge({
      name: 'junction_records_buffered',
      help: 'Records fetched and not yet committed (at maxBuffered the partitions pause)',
      labelNames: ['pipeline'],
      registers,
      collect,
    }),
    pausedPartitions: new Gauge({
      name: 'junction_paused_partitions',
      help: 'Partitions paused by backpressure or a retry not yet due',
      labelNames: ['pipeline'],
      registers,
      collect,
    }),
    circuitState: new Gauge({
      name: 'junction_circuit_state',
      help: 'Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open',
      labelNames: ['pipeline', 'endpoint'],
      registers,
      collect,
    }),
    consumerLag: new Gauge({
      name: 'junction_consumer_lag_records',
      help: 'Records between the last fetched offset and the end of the partition',
      labelNames: ['pipeline', 'topic', 'partition'],
      registers,
    }),
    qualityFailures: new Counter({
      name: 'junction_quality_failures_total',
      help: 'Data-quality rule failures by source topic, rule and field',
      labelNames: ['pipeline', 'source', 'rule', 'field'],
      registers,
    }),
    modelScore: new Histogram({
      name: 'junction_model_score',
      help: 'Distribution of numeric model outputs per model version (drift)',
      labelNames: ['pipeline', 'model', 'version'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    }),
    modelClass: new Counter({
      name: 'junction_model_class_total',
      help: 'Categorical model outputs per model version (drift)',
      labelNames: ['pipeline', 'model', 'version', 'class'],
      registers,
    }),
    commits: new Counter({
      name: 'junction_transactions_total',
      help: 'Result transactions by result (committed, aborted)',
      labelNames: ['pipeline', 'result'],
      registers,
    }),
    transactionSeconds: new Histogram({
      name: 'junction_transaction_duration_seconds',
      help: 'One committed result transaction of a partition, from its first request to its commit',
      labelNames: ['pipeline'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    transactionRecords: new Histogram({
      name: 'junction_transaction_records',
      help: 'Source records committed per result transaction',
      labelNames: ['pipeline'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
      registers,
    }),
  };
}
