// Authentication to the schema registry: basic auth or a bearer token, from the options, from
// credentials written into the URL, or from the environment (the variable names Confluent's clients use).
//
// | Variable                                   | Meaning                                               |
// | ------------------------------------------ | ----------------------------------------------------- |
// | `SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO`      | `user:password` for basic auth                        |
// | `SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE` | a file holding `user:password` (a mounted secret)     |
// | `SCHEMA_REGISTRY_BEARER_TOKEN`              | a bearer token, sent as `Authorization: Bearer ...`   |
// | `SCHEMA_REGISTRY_BEARER_TOKEN_FILE`         | a file holding the token                              |
//
// `fetch` refuses a URL with credentials in it (`http://user:pw@host/...` throws a TypeError on every
// request), so credentials found in the URL are moved into an `Authorization` header here.
import { readFileSync } from 'node:fs';
import { SchemaError } from './errors';

export type RegistryAuth =
  { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

/** Registry settings that cannot be used; permanent. */
export class RegistrySettingsError extends SchemaError {
  readonly kind = 'permanent' as const;
  readonly failureCode = 'registry-settings';
}

const USER_INFO = 'SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO';
const TOKEN = 'SCHEMA_REGISTRY_BEARER_TOKEN';

/**
 * The registry credentials in the environment, or undefined when none is set. Throws a
 * `RegistrySettingsError` naming the variable when one is malformed, unreadable or contradicts another.
 */
export function registryAuthFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RegistryAuth | undefined {
  const value = (name: string): string | undefined => {
    const inline = blankless(env[name]);
    const file = blankless(env[`${name}_FILE`]);
    if (inline !== undefined && file !== undefined)
      throw new RegistrySettingsError(`${name} and ${name}_FILE are both set; expected one of them`);
    if (file === undefined) return inline;
    let content: string;
    try {
      content = readFile(file).replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new RegistrySettingsError(
        `${name}_FILE: cannot read ${file} (${typeof code === 'string' ? code : String(err)}); expected a readable file`,
      );
    }
    if (content === '') throw new RegistrySettingsError(`${name}_FILE: the file ${file} is empty`);
    return content;
  };
  const userInfo = value(USER_INFO);
  const token = value(TOKEN);
  if (userInfo !== undefined && token !== undefined)
    throw new RegistrySettingsError(
      `${USER_INFO} and ${TOKEN} are both set; expected basic auth or a bearer token, not both`,
    );
  if (token !== undefined) return { kind: 'bearer', token };
  if (userInfo === undefined) return undefined;
  const colon = userInfo.indexOf(':');
  if (colon <= 0)
    // Never quote the value: it may be a password given without its user name.
    throw new RegistrySettingsError(
      `${USER_INFO}: expected user:password (the user name, a colon, the password)`,
    );
  return { kind: 'basic', username: userInfo.slice(0, colon), password: userInfo.slice(colon + 1) };
}

export interface RegistryEndpoint {
  /** The URL without credentials and without a trailing slash: safe to fetch and to log. */
  url: string;
  /** The `authorization` header, when there are credentials. */
  headers: Record<string, string>;
  /** How the credentials were found, for status output: never the secret itself. */
  auth: 'none' | 'basic' | 'bearer';
}

/**
 * Where and how to reach the registry. Credentials come from `auth` when given, else from the URL's
 * user info, else from the environment; credentials in the URL and in the environment at once are refused
 * (which one is meant is not clear).
 */
export function registryEndpoint(
  rawUrl: string,
  options: { auth?: RegistryAuth; env?: Readonly<Record<string, string | undefined>> } = {},
): RegistryEndpoint {
  let parsed: URL | undefined;
  try {
    parsed = new URL(rawUrl);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new RegistrySettingsError(
      `registry URL ${JSON.stringify(maskUserInfo(rawUrl).replace(/^[^/]*@/, '***@'))} is not an http(s) URL; expected e.g. http://127.0.0.1:8080/apis/ccompat/v7`,
    );
  }
  let fromUrl: RegistryAuth | undefined;
  if (parsed.username !== '' || parsed.password !== '') {
    fromUrl = {
      kind: 'basic',
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    };
    parsed.username = '';
    parsed.password = '';
  }
  const url = parsed.toString().replace(/\/+$/, '');
  let auth = options.auth ?? fromUrl;
  if (options.auth === undefined) {
    const fromEnv = registryAuthFromEnv(options.env ?? process.env);
    if (fromUrl && fromEnv)
      throw new RegistrySettingsError(
        `the registry URL ${url} carries credentials and so does ${fromEnv.kind === 'basic' ? USER_INFO : TOKEN}; expected one of them`,
      );
    auth ??= fromEnv;
  }
  if (!auth) return { url, headers: {}, auth: 'none' };
  const authorization =
    auth.kind === 'bearer'
      ? `Bearer ${auth.token}`
      : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return { url, headers: { authorization }, auth: auth.kind };
}

/** `http://user:***@host/...`: a URL fit for a log line. */
export function maskUserInfo(url: string): string {
  return url.replace(/(\/\/[^/@\s:]*:)[^/@\s]*@/, '$1***@');
}

function blankless(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
