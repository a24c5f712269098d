// Plain JSON over HTTP, for write-backs to a system's API: the request is the JSON body, the path comes
// from a template ('/leads/{leadId}/score', filled from the request's fields) or a function.
import { assembleCaller, type CallContext, type Caller } from './caller';
import { HttpClient, type HttpMethod } from './http-client';
import { createResilience, type ResilienceOptions } from './resilience';

export interface JsonHttpOptions<Req> extends ResilienceOptions {
  /** Logical name for breaker and metrics; defaults to the base URL's host. */
  endpoint?: string;
  baseUrl: string;
  /** Default POST. */
  method?: HttpMethod;
  /** '/orders/{orderId}/lines': each {field} is replaced by the request's field, URI-encoded. Or a function of the request. */
  path: string | ((req: Req) => string);
  headers?: Record<string, string>;
  /**
   * The model's identity for result headers and drift metrics: a fixed name, and its version either
   * fixed or read from the response (a dotted path such as `'model.version'`, or a function).
   */
  model?: { name: string; version?: string | { from: string | ((body: unknown) => unknown) } };
}

/** `'a.b'` of `{ a: { b: 1 } }` → 1; undefined when a step is missing. */
function atPath(body: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
      body,
    );
}

function modelOf(
  spec: JsonHttpOptions<unknown>['model'],
  body: unknown,
): { name: string; version?: string } | undefined {
  if (!spec) return undefined;
  const v = spec.version;
  if (v === undefined || typeof v === 'string') return { name: spec.name, ...(v ? { version: v } : {}) };
  const found = typeof v.from === 'function' ? v.from(body) : atPath(body, v.from);
  return {
    name: spec.name,
    ...(typeof found === 'string' || typeof found === 'number' ? { version: String(found) } : {}),
  };
}

/**
 * A model's base URL from the environment: `<NAME>_URL` (`risk-model` → `RISK_MODEL_URL`), else the
 * fallback; throws naming the variable when neither is there.
 */
export function modelUrl(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback?: string,
): string {
  const variable = `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
  const url = env[variable]?.trim() || fallback;
  if (!url)
    throw new Error(`${variable} is not set: the base URL of the ${name} model, e.g. http://127.0.0.1:9000`);
  return url;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** Fills `{field}` placeholders from the request's own fields (strings, numbers, booleans), URI-encoded. */
export function fillPathTemplate(template: string, req: unknown): string {
  return template.replace(PLACEHOLDER, (_match, field: string) => {
    const value: unknown =
      typeof req === 'object' && req !== null ? (req as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(
        `path template ${template}: request field '${field}' is missing or not a string/number/boolean`,
      );
    }
    if (value === '') throw new TypeError(`path template ${template}: request field '${field}' is empty`);
    return encodeURIComponent(String(value));
  });
}

/** Plain JSON over HTTP (write-backs to a system's API): method + path template per call. */
export function jsonHttp<Req, Res>(opts: JsonHttpOptions<Req>): Caller<Req, Res> {
  const endpoint = opts.endpoint ?? new URL(opts.baseUrl).host;
  const method = opts.method ?? 'POST';
  const http = new HttpClient({ endpoint, baseUrl: opts.baseUrl, headers: opts.headers });
  const resilience = createResilience(endpoint, opts);
  const template = opts.path;
  const pathOf = typeof template === 'function' ? template : (req: Req) => fillPathTemplate(template, req);

  return assembleCaller<Req, Res>({
    endpoint,
    http,
    resilience,
    call: (req: Req, ctx: CallContext) => {
      const raw = pathOf(req);
      const path = raw.startsWith('/') ? raw : `/${raw}`;
      return resilience.execute(async ({ signal }) => {
        const res = await http.send({
          method,
          path,
          body: req,
          idempotencyKey: ctx.idempotencyKey,
          traceparent: ctx.traceparent,
          signal,
        });
        // the other side's JSON is taken on trust: Res is the caller's description of it
        const model = modelOf(opts.model, res.body);
        return { output: res.body as Res, ...(model ? { model } : {}) };
      }, ctx.signal);
    },
  });
}
