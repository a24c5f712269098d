// One undici Pool (keep-alive connections to one origin) per Caller, and JSON requests over it. Each
// request carries the Idempotency-Key (and traceparent when given), reads the whole body, and turns
// whatever goes wrong into a CallError; retries and timeouts are the resilience layer's business.
import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import { CallError, classifyTransportError, httpStatusError } from './call-error';
import { parseRetryAfter } from './retry-after';

export type HttpMethod = 'POST' | 'PUT' | 'PATCH';

export interface HttpClientOptions {
  /** Logical endpoint name, for error messages. */
  endpoint: string;
  /** http(s)://host[:port][/path prefix] */
  baseUrl: string;
  /** Sent on every request (e.g. authorization); the protocol headers below win over them. */
  headers?: Record<string, string>;
  /** Most open connections to the origin. Default 16. */
  connections?: number;
  /** Default 10 000. The resilience layer's per-attempt timeout still applies. */
  connectTimeoutMs?: number;
  /** Larger bodies fail with 'bad-response'. Default 64 MiB. */
  maxResponseBytes?: number;
}

export interface JsonRequest {
  method: HttpMethod;
  /** Appended to the base URL's path; starts with '/'. */
  path: string;
  body: unknown;
  idempotencyKey: string;
  traceparent?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface JsonResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined for an empty body (e.g. 204). */
  body: unknown;
}

const SNIPPET_CHARS = 300;

function snippet(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > SNIPPET_CHARS ? `${t.slice(0, SNIPPET_CHARS)}…` : t;
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

export class HttpClient {
  readonly endpoint: string;
  readonly origin: string;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;
  private readonly pool: Pool;

  constructor(options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`baseUrl must be http(s), got ${options.baseUrl}`);
    }
    if (url.search || url.hash)
      throw new TypeError(`baseUrl must not have a query or fragment: ${options.baseUrl}`);
    this.endpoint = options.endpoint;
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.headers = lowerCaseKeys(options.headers);
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 16,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      maxResponseSize: options.maxResponseBytes ?? 64 * 1024 * 1024,
    });
  }

  /** Sends `body` as JSON; resolves for 2xx responses with their parsed JSON, rejects with a CallError otherwise. */
  async send(req: JsonRequest): Promise<JsonResponse> {
    const path = `${this.basePath}${req.path}`;
    const what = `${this.endpoint}: ${req.method} ${path}`;
    const headers: Record<string, string> = {
      ...this.headers,
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': req.idempotencyKey,
    };
    if (req.traceparent) headers.traceparent = req.traceparent;

    let statusCode: number;
    let responseHeaders: IncomingHttpHeaders;
    let text: string;
    try {
      const res = await this.pool.request({
        method: req.method,
        path,
        headers,
        body: JSON.stringify(req.body),
        signal: req.signal ?? null,
      });
      statusCode = res.statusCode;
      responseHeaders = res.headers;
      text = await res.body.text();
    } catch (err) {
      throw classifyTransportError(err, what);
    }

    if (statusCode < 200 || statusCode > 299) {
      throw httpStatusError(statusCode, {
        what,
        retryAfterMs: parseRetryAfter(responseHeaders['retry-after']),
        bodySnippet: snippet(text),
      });
    }
    if (text.trim() === '') return { status: statusCode, headers: responseHeaders, body: undefined };
    try {
      return { status: statusCode, headers: responseHeaders, body: JSON.parse(text) as unknown };
    } catch (err) {
      throw new CallError({
        code: 'bad-response',
        message: `${what}: response is not JSON: ${snippet(text)}`,
        status: statusCode,
        cause: err,
      });
    }
  }

  /** Waits for requests under way, then closes the pool's connections. */
  close(): Promise<void> {
    return this.pool.closed ? Promise.resolve() : this.pool.close();
  }
}
