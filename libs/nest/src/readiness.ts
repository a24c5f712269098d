// The readiness verdict of a service, apart from HTTP so it can be reasoned about (and tested) alone.
import type { RunnerHealth } from '@junction/pipeline';
import { maskUserInfo, registryEndpoint, type RegistryEndpoint } from '@junction/schemas';

/** How long the readiness check waits for the schema registry. */
export const REGISTRY_TIMEOUT_MS = 2_000;

export interface KafkaCheck {
  ok: boolean;
  brokers: string[];
  /** Why not ok: the pipelines whose consumer is not connected. */
  reason?: string;
}

export interface RegistryCheck {
  ok: boolean;
  /** The registry URL (credentials masked). */
  url: string;
  /** HTTP status of `GET <url>/subjects`, when it answered. */
  status?: number;
  latencyMs: number;
  reason?: string;
}

export interface PipelineCheck {
  running: boolean;
  kafkaConnected: boolean;
  assignedPartitions: string[];
  inFlight: number;
  circuit: RunnerHealth['circuit'];
  ok: boolean;
  /** Why not ok, e.g. `circuit open: calls fail fast until it closes`. */
  reason?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  checks: {
    kafka: KafkaCheck;
    registry: RegistryCheck;
    pipelines: Record<string, PipelineCheck>;
  };
}

/**
 * Ready when every pipeline runs with its Kafka consumer connected and no open circuit, and the
 * registry answers. A host that is stopping is never ready, so traffic moves away while it drains.
 * A pipeline without partitions (more instances than partitions) is still ready.
 */
export function evaluateReadiness(input: {
  brokers: string[];
  registry: RegistryCheck;
  pipelines: Record<string, RunnerHealth>;
  stopping: boolean;
}): ReadinessReport {
  const pipelines: Record<string, PipelineCheck> = {};
  const disconnected: string[] = [];
  for (const [name, h] of Object.entries(input.pipelines)) {
    const reasons: string[] = [];
    if (input.stopping) reasons.push('stopping');
    else if (!h.running) reasons.push('not running');
    if (!h.kafkaConnected) {
      reasons.push('Kafka consumer not connected');
      disconnected.push(name);
    }
    if (h.circuit === 'open') reasons.push('circuit open: calls fail fast until it closes');
    pipelines[name] = {
      running: h.running,
      kafkaConnected: h.kafkaConnected,
      assignedPartitions: h.assignedPartitions,
      inFlight: h.inFlight,
      circuit: h.circuit,
      ok: reasons.length === 0,
      ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    };
  }
  const kafka: KafkaCheck = {
    ok: disconnected.length === 0,
    brokers: input.brokers,
    ...(disconnected.length > 0 ? { reason: `not connected: ${disconnected.join(', ')}` } : {}),
  };
  const ready = kafka.ok && input.registry.ok && Object.values(pipelines).every((p) => p.ok);
  return {
    status: ready ? 'ready' : 'not-ready',
    checks: { kafka, registry: input.registry, pipelines },
  };
}

/**
 * `GET <url>/subjects` within the timeout; ok on a 2xx answer. Credentials in the URL or the environment
 * (`SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO`, `SCHEMA_REGISTRY_BEARER_TOKEN`) are sent as the registry
 * client sends them, so ready means the pipelines' own fetches authenticate too; never shown in the report.
 */
export async function checkRegistry(
  registryUrl: string,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<RegistryCheck> {
  const timeoutMs = options.timeoutMs ?? REGISTRY_TIMEOUT_MS;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const { url, shown, headers } = splitCredentials(registryUrl);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetchFn(`${url}/subjects`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok
      ? { ok: true, url: shown, status: res.status, latencyMs: latency() }
      : { ok: false, url: shown, status: res.status, latencyMs: latency(), reason: `HTTP ${res.status}` };
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : `unreachable: ${describeFetchError(err)}`;
    return { ok: false, url: shown, latencyMs: latency(), reason };
  }
}

/** The registry endpoint the pipelines' client uses (credentials from the URL or the environment), masked for the report. */
function splitCredentials(raw: string): { url: string; shown: string; headers: Record<string, string> } {
  let endpoint: RegistryEndpoint;
  try {
    endpoint = registryEndpoint(raw);
  } catch {
    // Not reachable as configured; the fetch below reports it as unreachable.
    return { url: raw, shown: maskUserInfo(raw), headers: {} };
  }
  return { url: endpoint.url, shown: maskUserInfo(raw).replace(/\/+$/, ''), headers: endpoint.headers };
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
}
