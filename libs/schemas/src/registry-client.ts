// A small client for a Confluent-compatible schema registry (Confluent, or Apicurio's /apis/ccompat/v7),
// over Node's global fetch (undici: keep-alive connections by default).
import { schemaText, type AvroSchemaInput } from './avro';
import {
  IncompatibleSchemaError,
  InvalidSchemaError,
  RegistryRequestError,
  RegistryUnavailableError,
  UnknownSchemaError,
  type RegistryError,
  type RegistryErrorDetails,
} from './errors';
import { registryEndpoint, type RegistryAuth } from './registry-auth';

export type SchemaTypeName = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as stored under an id (ids are immutable: the same id always means the same schema). */
export interface RegisteredSchema {
  id: number;
  /** The schema text as the registry returns it. */
  schema: string;
  /** AVRO when the registry leaves it out (Confluent does for Avro). */
  schemaType: SchemaTypeName;
  references: SchemaReference[];
}

/** One version of a subject. */
export interface SubjectVersion extends RegisteredSchema {
  subject: string;
  version: number;
}

export interface RegistryClientOptions {
  /**
   * Base URL, e.g. `http://127.0.0.1:8080/apis/ccompat/v7`. Credentials in it (`https://user:pw@host/...`)
   * are sent as basic auth, never in the URL (fetch refuses such URLs).
   */
  url: string;
  /**
   * Basic auth or a bearer token. Default: the URL's credentials, else `SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO`
   * or `SCHEMA_REGISTRY_BEARER_TOKEN` (or their `_FILE` forms) from the environment.
   */
  auth?: RegistryAuth;
  /** Per-request timeout (default 5000 ms). A timeout is a `RegistryUnavailableError`. */
  timeoutMs?: number;
  /** How long a 404 for a schema id is remembered before asking again (default 5000 ms). */
  notFoundTtlMs?: number;
  /** Mark `UnknownSchemaError` for an unknown id as retriable (e.g. behind a lagging registry replica). Default false. */
  unknownSchemaRetriable?: boolean;
  /** Extra headers on every request; an `authorization` here wins over `auth`. */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global fetch). */
  fetch?: typeof fetch;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/json;q=0.9';

interface NotFound {
  error: UnknownSchemaError;
  until: number;
}

interface RequestContext {
  subject?: string;
  schemaId?: number;
  /** What was asked, for messages: "GET schema id 7". */
  what: string;
}

interface Response {
  status: number;
  body: unknown;
}

export class RegistryClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly notFoundTtlMs: number;
  private readonly unknownSchemaRetriable: boolean;
  private readonly headers: Record<string, string>;
  private readonly fetchFn: typeof fetch;
  /** Resolved and in-flight lookups by id; a failed lookup is removed (404s go to `notFound`). */
  private readonly byId = new Map<number, Promise<RegisteredSchema>>();
  private readonly notFound = new Map<number, NotFound>();

  constructor(options: RegistryClientOptions | string) {
    const o = typeof options === 'string' ? { url: options } : options;
    const endpoint = registryEndpoint(o.url, o.auth ? { auth: o.auth } : {});
    this.url = endpoint.url;
    this.timeoutMs = o.timeoutMs ?? 5_000;
    this.notFoundTtlMs = o.notFoundTtlMs ?? 5_000;
    this.unknownSchemaRetriable = o.unknownSchemaRetriable ?? false;
    this.headers = { accept: ACCEPT, ...endpoint.headers, ...o.headers };
    this.fetchFn = o.fetch ?? globalThis.fetch;
  }

  /**
   * The schema registered under `id` (GET /schemas/ids/{id}). Cached for the life of the client;
   * concurrent calls for one id share one request; a 404 is remembered for `notFoundTtlMs`.
   */
  getSchemaById(id: number): Promise<RegisteredSchema> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    const missing = this.notFound.get(id);
    if (missing) {
      if (missing.until > Date.now()) return Promise.reject(missing.error);
      this.notFound.delete(id);
    }
    const pending = this.fetchSchemaById(id).catch((err: unknown) => {
      this.byId.delete(id);
      if (err instanceof UnknownSchemaError)
        this.notFound.set(id, { error: err, until: Date.now() + this.notFoundTtlMs });
      throw err;
    });
    this.byId.set(id, pending);
    return pending;
  }

  private async fetchSchemaById(id: number): Promise<RegisteredSchema> {
    const ctx = { schemaId: id, what: `schema id ${id}` };
    const res = await this.request('GET', `/schemas/ids/${encodeURIComponent(id)}`, undefined, ctx);
    if (res.status === 404) {
      throw new UnknownSchemaError(
        `schema id ${id} is not in the registry ${this.url}: ${registryMessage(res)}`,
        {
          ...details(res, ctx),
          retriable: this.unknownSchemaRetriable,
        },
      );
    }
    this.ensureOk(res, ctx);
    return toRegistered(id, res.body);
  }

  /** Registers `schema` under `subject` (POST /subjects/{subject}/versions) and returns its id; idempotent. */
  async register(subject: string, schema: AvroSchemaInput): Promise<number> {
    const ctx = { subject, what: `register under subject ${subject}` };
    const res = await this.request(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      schemaBody(schema),
      ctx,
    );
    this.ensureOk(res, ctx);
    const id = (res.body as { id?: unknown }).id;
    if (typeof id !== 'number') throw this.unexpected(res, ctx);
    return id;
  }

  /** The version of `subject` holding `schema` (POST /subjects/{subject}), or undefined when it is not registered there. */
  async lookup(subject: string, schema: AvroSchemaInput): Promise<SubjectVersion | undefined> {
    const ctx = { subject, what: `look up schema under subject ${subject}` };
    const res = await this.request(
      'POST',
      `/subjects/${encodeURIComponent(subject)}`,
      schemaBody(schema),
      ctx,
    );
    if (res.status === 404) return undefined;
    this.ensureOk(res, ctx);
    return toSubjectVersion(res.body, subject);
  }

  /** The latest version of `subject`; `UnknownSchemaError` when the subject does not exist. */
  async latest(subject: string): Promise<SubjectVersion> {
    const ctx = { subject, what: `latest version of subject ${subject}` };
    const res = await this.request(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/latest`,
      undefined,
      ctx,
    );
    if (res.status === 404) {
      throw new UnknownSchemaError(
        `subject ${subject} has no versions in the registry ${this.url}: ${registryMessage(res)}`,
        details(res, ctx),
      );
    }
    this.ensureOk(res, ctx);
    return toSubjectVersion(res.body, subject);
  }

  /**
   * Whether `schema` could be registered as the next version of `subject` under its compatibility
   * level (POST /compatibility/subjects/{subject}/versions/latest). An unknown subject is compatible.
   */
  async checkCompatibility(subject: string, schema: AvroSchemaInput): Promise<boolean> {
    const ctx = { subject, what: `compatibility check for subject ${subject}` };
    const res = await this.request(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
      schemaBody(schema),
      ctx,
    );
    if (res.status === 404) return true;
    this.ensureOk(res, ctx);
    const ok = (res.body as { is_compatible?: unknown }).is_compatible;
    if (typeof ok !== 'boolean') throw this.unexpected(res, ctx);
    return ok;
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    ctx: RequestContext,
  ): Promise<Response> {
    const url = `${this.url}${path}`;
    let res: globalThis.Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': CONTENT_TYPE },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new RegistryUnavailableError(
        `registry ${this.url} unavailable (${ctx.what}): ${describeFetchError(err, this.timeoutMs)}`,
        {
          subject: ctx.subject,
          schemaId: ctx.schemaId,
          cause: err,
        },
      );
    }
    let parsed: unknown = text;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text: an HTML error page from a proxy, say
      }
    }
    return { status: res.status, body: parsed };
  }

  private ensureOk(res: Response, ctx: RequestContext): void {
    if (res.status >= 200 && res.status < 300) {
      if (typeof res.body !== 'object' || res.body === null) throw this.unexpected(res, ctx);
      return;
    }
    throw this.classify(res, ctx);
  }

  private classify(res: Response, ctx: RequestContext): RegistryError {
    const d = details(res, ctx);
    const msg = `${ctx.what}: HTTP ${res.status}: ${registryMessage(res)}`;
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      return new RegistryUnavailableError(`registry ${this.url} unavailable (${msg})`, d);
    }
    if (res.status === 409)
      return new IncompatibleSchemaError(
        `schema incompatible with subject ${ctx.subject ?? '?'} (${msg})`,
        d,
      );
    if (res.status === 422) return new InvalidSchemaError(`schema refused as invalid (${msg})`, d);
    if (res.status === 404) return new UnknownSchemaError(`not found (${msg})`, d);
    return new RegistryRequestError(`registry ${this.url} refused the request (${msg})`, d);
  }

  private unexpected(res: Response, ctx: RequestContext): RegistryError {
    return new RegistryRequestError(
      `${ctx.what}: unexpected response from registry ${this.url}: HTTP ${res.status} ${preview(res.body)}`,
      details(res, ctx),
    );
  }
}

function schemaBody(schema: AvroSchemaInput): string {
  return JSON.stringify({ schema: schemaText(schema), schemaType: 'AVRO' });
}

function details(res: Response, ctx: RequestContext): RegistryErrorDetails {
  const code = (res.body as { error_code?: unknown } | null)?.error_code;
  return {
    subject: ctx.subject,
    schemaId: ctx.schemaId,
    status: res.status,
    errorCode: typeof code === 'number' ? code : undefined,
  };
}

/** The registry's own message (`{"error_code":40403,"message":"Schema 7 not found."}`), or the body's start. */
function registryMessage(res: Response): string {
  const body = res.body as { message?: unknown; error_code?: unknown } | string | null;
  if (body && typeof body === 'object' && typeof body.message === 'string') {
    return typeof body.error_code === 'number'
      ? `${body.message} (error_code ${body.error_code})`
      : body.message;
  }
  return preview(body) || '(empty body)';
}

function preview(body: unknown): string {
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause === 'object') {
      const code = typeof cause.code === 'string' ? `${cause.code}: ` : '';
      const message = typeof cause.message === 'string' ? cause.message : String(cause);
      return `${err.message} (${code}${message})`;
    }
    return err.message;
  }
  return String(err);
}

function toRegistered(id: number, body: unknown): RegisteredSchema {
  const b = body as { schema?: unknown; schemaType?: unknown; references?: unknown };
  if (typeof b.schema !== 'string') {
    throw new RegistryRequestError(
      `schema id ${id}: the registry's answer has no "schema" string: ${preview(body)}`,
      { schemaId: id },
    );
  }
  return {
    id,
    schema: b.schema,
    schemaType: typeof b.schemaType === 'string' ? (b.schemaType.toUpperCase() as SchemaTypeName) : 'AVRO',
    references: Array.isArray(b.references) ? (b.references as SchemaReference[]) : [],
  };
}

function toSubjectVersion(body: unknown, subject: string): SubjectVersion {
  const b = body as { id?: unknown; version?: unknown; subject?: unknown };
  if (typeof b.id !== 'number' || typeof b.version !== 'number') {
    throw new RegistryRequestError(
      `subject ${subject}: unexpected answer from the registry: ${preview(body)}`,
      { subject },
    );
  }
  const schema = (body as { schema?: unknown }).schema;
  return {
    ...toRegistered(b.id, { ...(body as object), schema: typeof schema === 'string' ? schema : '' }),
    subject: typeof b.subject === 'string' ? b.subject : subject,
    version: b.version,
  };
}
