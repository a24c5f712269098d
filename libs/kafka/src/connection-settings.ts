/**
 * How to reach a Kafka cluster, read from the environment: one spec shared by every service, the CLI,
 * dlq-api and the tests, so a secured cluster is configured with the same variables everywhere.
 *
 * | Variable                                 | Meaning                                                        |
 * | ---------------------------------------- | -------------------------------------------------------------- |
 * | `KAFKA_BROKERS`                          | comma-separated host:port (required)                           |
 * | `KAFKA_SECURITY_PROTOCOL`                | PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL             |
 * | `KAFKA_SASL_MECHANISM`                   | SCRAM-SHA-256, SCRAM-SHA-512, PLAIN, OAUTHBEARER (SASL_* only) |
 * | `KAFKA_SASL_USERNAME`                    | the principal's name (SCRAM, PLAIN)                            |
 * | `KAFKA_SASL_PASSWORD`                    | its password, or                                               |
 * | `KAFKA_SASL_PASSWORD_FILE`               | a file holding it (a mounted secret; one trailing newline is dropped) |
 * | `KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL` | OIDC token endpoint (OAUTHBEARER; native client only)       |
 * | `KAFKA_SASL_OAUTHBEARER_CLIENT_ID`       | OIDC client id                                                 |
 * | `KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET`   | OIDC client secret, or `..._CLIENT_SECRET_FILE`                |
 * | `KAFKA_SASL_OAUTHBEARER_SCOPE`           | OIDC scope (optional)                                          |
 * | `KAFKA_SSL_CA_LOCATION`                  | PEM file of the CA(s) to trust (default: the system store)     |
 * | `KAFKA_SSL_CERTIFICATE_LOCATION`         | PEM client certificate (mTLS; with the key)                    |
 * | `KAFKA_SSL_KEY_LOCATION`                 | PEM client private key (mTLS; with the certificate)            |
 * | `KAFKA_SSL_KEY_PASSWORD`                 | the key's passphrase, if it has one                            |
 * | `KAFKA_SSL_ENDPOINT_IDENTIFICATION`      | `https` (default: the broker's name must match its certificate) or `none` |
 *
 * ```ts
 * const settings = kafkaSettingsFromEnv();       // throws KafkaSettingsError listing every bad variable
 * const native = new KafkaJS.Kafka({ ...toLibrdkafkaConfig(settings) }); // @confluentinc/kafka-javascript
 * const legacy = new Kafka({ clientId, ...toKafkajsConfig(settings) });  // kafkajs
 * ```
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN', 'OAUTHBEARER'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export type SaslSettings =
  | { mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN'; username: string; password: string }
  | {
      mechanism: 'OAUTHBEARER';
      tokenEndpointUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
    };

export interface TlsSettings {
  /** PEM file of the CA(s) to trust; absent: the system trust store. */
  caLocation?: string;
  /** PEM client certificate and key, for mutual TLS (both or neither). */
  certificateLocation?: string;
  keyLocation?: string;
  keyPassword?: string;
  /** Check the broker's host name against its certificate (default true). */
  verifyHostname: boolean;
}

/** A client-neutral description of a connection; map it with `toLibrdkafkaConfig` or `toKafkajsConfig`. */
export interface KafkaConnectionSettings {
  brokers: string[];
  securityProtocol: SecurityProtocol;
  /** Present exactly when the protocol is SASL_PLAINTEXT or SASL_SSL. */
  sasl?: SaslSettings;
  /** Present exactly when the protocol is SSL or SASL_SSL. */
  tls?: TlsSettings;
}

/** Settings that cannot be used; permanent (a restart with the same environment fails the same way). */
export class KafkaSettingsError extends Error {
  override name = 'KafkaSettingsError';
  readonly retriable = false;

  constructor(readonly problems: readonly string[]) {
    super(
      `invalid Kafka connection settings (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
}

export interface KafkaSettingsOptions {
  /** Reads secret and certificate files (default: fs.readFileSync as UTF-8); injectable for tests. */
  readFile?: (path: string) => string;
}

const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

function parseBrokers(value: string): string[] | undefined {
  const list = value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const valid = (b: string) => {
    const port = HOST_PORT.exec(b)?.[2];
    return port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
  };
  return list.length > 0 && list.every(valid) ? list : undefined;
}

function parseHttpsUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

const ENV_NAMES = [
  'KAFKA_BROKERS',
  'KAFKA_SECURITY_PROTOCOL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
  'KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL',
  'KAFKA_SASL_OAUTHBEARER_CLIENT_ID',
  'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
  'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE',
  'KAFKA_SASL_OAUTHBEARER_SCOPE',
  'KAFKA_SSL_CA_LOCATION',
  'KAFKA_SSL_CERTIFICATE_LOCATION',
  'KAFKA_SSL_KEY_LOCATION',
  'KAFKA_SSL_KEY_PASSWORD',
  'KAFKA_SSL_ENDPOINT_IDENTIFICATION',
] as const;
type EnvName = (typeof ENV_NAMES)[number];

/** Blank means unset: a Compose file or a Helm chart often renders `KAFKA_X=` for "not given". */
const text = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object(
  Object.fromEntries(ENV_NAMES.map((n) => [n, text])) as Record<EnvName, typeof text>,
);

/**
 * Reads and checks the connection settings. Throws a `KafkaSettingsError` naming every variable that is
 * missing, malformed, contradicts another, or points at a file that cannot be read. Secrets are never
 * quoted in a message.
 */
export function kafkaSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: KafkaSettingsOptions = {},
): KafkaConnectionSettings {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const e = envSchema.parse(Object.fromEntries(ENV_NAMES.map((n) => [n, env[n]])));
  const problems: string[] = [];
  const bad = (name: EnvName, expected: string, shown?: string) =>
    problems.push(
      `${name}: expected ${expected}${shown === undefined ? '' : `; found ${JSON.stringify(shown)}`}`,
    );

  let brokers: string[] = [];
  if (e.KAFKA_BROKERS === undefined)
    problems.push('KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092');
  else {
    brokers = parseBrokers(e.KAFKA_BROKERS) ?? [];
    if (brokers.length === 0)
      bad('KAFKA_BROKERS', 'comma-separated host:port, e.g. 127.0.0.1:9092', e.KAFKA_BROKERS);
  }

  let protocol: SecurityProtocol = 'PLAINTEXT';
  if (e.KAFKA_SECURITY_PROTOCOL !== undefined) {
    const p = SECURITY_PROTOCOLS.find((x) => x === e.KAFKA_SECURITY_PROTOCOL?.toUpperCase());
    if (p === undefined)
      bad('KAFKA_SECURITY_PROTOCOL', `one of ${SECURITY_PROTOCOLS.join(', ')}`, e.KAFKA_SECURITY_PROTOCOL);
    else protocol = p;
  }
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';

  /** A secret given inline or as a file, never both; the file's one trailing newline is not part of it. */
  const secret = (inline: EnvName, file: EnvName): string | undefined => {
    if (e[inline] !== undefined && e[file] !== undefined) {
      problems.push(`${inline} and ${file} are both set; expected one of them`);
      return undefined;
    }
    if (e[inline] !== undefined) return env[inline];
    const path = e[file];
    if (path === undefined) return undefined;
    try {
      const content = readFile(path).replace(/\r?\n$/, '');
      if (content === '') problems.push(`${file}: the file ${path} is empty; expected the secret in it`);
      return content === '' ? undefined : content;
    } catch (err) {
      problems.push(
        `${file}: cannot read ${path} (${errorCode(err)}); expected a readable file holding the secret`,
      );
      return undefined;
    }
  };

  let sasl: SaslSettings | undefined;
  const saslVars: EnvName[] = [
    'KAFKA_SASL_MECHANISM',
    'KAFKA_SASL_USERNAME',
    'KAFKA_SASL_PASSWORD',
    'KAFKA_SASL_PASSWORD_FILE',
    'KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL',
    'KAFKA_SASL_OAUTHBEARER_CLIENT_ID',
    'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
    'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE',
    'KAFKA_SASL_OAUTHBEARER_SCOPE',
  ];
  if (!usesSasl) {
    // Credentials that would silently be ignored are a misconfiguration, not a default.
    const given = saslVars.filter((n) => e[n] !== undefined);
    if (given.length > 0)
      problems.push(
        `${given.join(', ')} set but KAFKA_SECURITY_PROTOCOL is ${protocol}; expected SASL_SSL or SASL_PLAINTEXT to use SASL, or unset them`,
      );
  } else if (e.KAFKA_SASL_MECHANISM === undefined) {
    problems.push(
      `KAFKA_SASL_MECHANISM: missing (KAFKA_SECURITY_PROTOCOL is ${protocol}); expected one of ${SASL_MECHANISMS.join(', ')}`,
    );
  } else {
    const mechanism = SASL_MECHANISMS.find((m) => m === e.KAFKA_SASL_MECHANISM?.toUpperCase());
    if (mechanism === undefined)
      bad('KAFKA_SASL_MECHANISM', `one of ${SASL_MECHANISMS.join(', ')}`, e.KAFKA_SASL_MECHANISM);
    else if (mechanism === 'OAUTHBEARER') {
      const url = e.KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL;
      const clientSecret = secret(
        'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
        'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE',
      );
      if (url === undefined)
        problems.push(
          'KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: missing; expected the OIDC token endpoint (https URL)',
        );
      else if (parseHttpsUrl(url) === undefined)
        bad('KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL', 'an http(s) URL', url);
      if (e.KAFKA_SASL_OAUTHBEARER_CLIENT_ID === undefined)
        problems.push('KAFKA_SASL_OAUTHBEARER_CLIENT_ID: missing; expected the OIDC client id');
      if (clientSecret === undefined && e.KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE === undefined)
        problems.push(
          'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: missing; expected the OIDC client secret (or KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE)',
        );
      if (url !== undefined && e.KAFKA_SASL_OAUTHBEARER_CLIENT_ID !== undefined && clientSecret !== undefined)
        sasl = {
          mechanism,
          tokenEndpointUrl: url,
          clientId: e.KAFKA_SASL_OAUTHBEARER_CLIENT_ID,
          clientSecret,
          ...(e.KAFKA_SASL_OAUTHBEARER_SCOPE !== undefined ? { scope: e.KAFKA_SASL_OAUTHBEARER_SCOPE } : {}),
        };
    } else {
      const password = secret('KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE');
      if (e.KAFKA_SASL_USERNAME === undefined)
        problems.push(
          `KAFKA_SASL_USERNAME: missing (KAFKA_SASL_MECHANISM is ${mechanism}); expected the principal's user name`,
        );
      if (
        password === undefined &&
        e.KAFKA_SASL_PASSWORD_FILE === undefined &&
        e.KAFKA_SASL_PASSWORD === undefined
      )
        problems.push(
          `KAFKA_SASL_PASSWORD: missing (KAFKA_SASL_MECHANISM is ${mechanism}); expected the password, or KAFKA_SASL_PASSWORD_FILE naming a file that holds it`,
        );
      if (e.KAFKA_SASL_USERNAME !== undefined && password !== undefined)
        sasl = { mechanism, username: e.KAFKA_SASL_USERNAME, password };
    }
  }

  let tls: TlsSettings | undefined;
  const tlsVars: EnvName[] = [
    'KAFKA_SSL_CA_LOCATION',
    'KAFKA_SSL_CERTIFICATE_LOCATION',
    'KAFKA_SSL_KEY_LOCATION',
    'KAFKA_SSL_KEY_PASSWORD',
    'KAFKA_SSL_ENDPOINT_IDENTIFICATION',
  ];
  if (!usesTls) {
    const given = tlsVars.filter((n) => e[n] !== undefined);
    if (given.length > 0)
      problems.push(
        `${given.join(', ')} set but KAFKA_SECURITY_PROTOCOL is ${protocol}; expected SSL or SASL_SSL to use TLS, or unset them`,
      );
  } else {
    const pem = (name: EnvName, what: string): string | undefined => {
      const path = e[name];
      if (path === undefined) return undefined;
      try {
        if (!readFile(path).includes('-----BEGIN '))
          problems.push(`${name}: ${path} is not PEM; expected a PEM file holding ${what}`);
      } catch (err) {
        problems.push(
          `${name}: cannot read ${path} (${errorCode(err)}); expected a readable PEM file holding ${what}`,
        );
      }
      return path;
    };
    const caLocation = pem('KAFKA_SSL_CA_LOCATION', 'the CA certificate(s) to trust');
    const certificateLocation = pem('KAFKA_SSL_CERTIFICATE_LOCATION', 'the client certificate');
    const keyLocation = pem('KAFKA_SSL_KEY_LOCATION', 'the client private key');
    if ((certificateLocation === undefined) !== (keyLocation === undefined))
      problems.push(
        `${certificateLocation === undefined ? 'KAFKA_SSL_CERTIFICATE_LOCATION' : 'KAFKA_SSL_KEY_LOCATION'}: missing; mutual TLS needs both KAFKA_SSL_CERTIFICATE_LOCATION and KAFKA_SSL_KEY_LOCATION`,
      );
    let verifyHostname = true;
    const ident = e.KAFKA_SSL_ENDPOINT_IDENTIFICATION?.toLowerCase();
    if (ident !== undefined && ident !== 'https' && ident !== 'none')
      bad('KAFKA_SSL_ENDPOINT_IDENTIFICATION', 'https or none', e.KAFKA_SSL_ENDPOINT_IDENTIFICATION);
    else verifyHostname = ident !== 'none';
    tls = {
      ...(caLocation !== undefined ? { caLocation } : {}),
      ...(certificateLocation !== undefined ? { certificateLocation } : {}),
      ...(keyLocation !== undefined ? { keyLocation } : {}),
      ...(e.KAFKA_SSL_KEY_PASSWORD !== undefined
        ? { keyPassword: env.KAFKA_SSL_KEY_PASSWORD as string }
        : {}),
      verifyHostname,
    };
  }

  if (problems.length > 0) throw new KafkaSettingsError(problems);
  return { brokers, securityProtocol: protocol, ...(sasl ? { sasl } : {}), ...(tls ? { tls } : {}) };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
}

/** librdkafka's property names, for @confluentinc/kafka-javascript (and kcat `-X`). */
export type LibrdkafkaConfig = Record<string, string>;

export function toLibrdkafkaConfig(settings: KafkaConnectionSettings): LibrdkafkaConfig {
  const c: LibrdkafkaConfig = {
    'bootstrap.servers': settings.brokers.join(','),
    'security.protocol': settings.securityProtocol.toLowerCase(),
  };
  const { sasl, tls } = settings;
  if (sasl?.mechanism === 'OAUTHBEARER') {
    c['sasl.mechanisms'] = 'OAUTHBEARER';
    c['sasl.oauthbearer.method'] = 'oidc';
    c['sasl.oauthbearer.token.endpoint.url'] = sasl.tokenEndpointUrl;
    c['sasl.oauthbearer.client.id'] = sasl.clientId;
    c['sasl.oauthbearer.client.secret'] = sasl.clientSecret;
    if (sasl.scope !== undefined) c['sasl.oauthbearer.scope'] = sasl.scope;
  } else if (sasl) {
    c['sasl.mechanisms'] = sasl.mechanism;
    c['sasl.username'] = sasl.username;
    c['sasl.password'] = sasl.password;
  }
  if (tls) {
    if (tls.caLocation !== undefined) c['ssl.ca.location'] = tls.caLocation;
    if (tls.certificateLocation !== undefined) c['ssl.certificate.location'] = tls.certificateLocation;
    if (tls.keyLocation !== undefined) c['ssl.key.location'] = tls.keyLocation;
    if (tls.keyPassword !== undefined) c['ssl.key.password'] = tls.keyPassword;
    c['ssl.endpoint.identification.algorithm'] = tls.verifyHostname ? 'https' : 'none';
  }
  return c;
}

/** The subset of kafkajs's `KafkaConfig` a connection needs (structurally typed, so no kafkajs import here). */
export interface KafkajsConnectionConfig {
  brokers: string[];
  ssl?: {
    ca?: string[];
    cert?: string;
    key?: string;
    passphrase?: string;
    rejectUnauthorized: true;
    checkServerIdentity?: () => undefined;
  };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/**
 * The same settings for code still on kafkajs. kafkajs takes certificate contents rather than paths, so
 * the files are read here. OAUTHBEARER (OIDC) is configured in the native client only.
 */
export function toKafkajsConfig(
  settings: KafkaConnectionSettings,
  options: KafkaSettingsOptions = {},
): KafkajsConnectionConfig {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const out: KafkajsConnectionConfig = { brokers: settings.brokers };
  const { sasl, tls } = settings;
  if (sasl?.mechanism === 'OAUTHBEARER')
    throw new KafkaSettingsError([
      'KAFKA_SASL_MECHANISM: OAUTHBEARER is supported by the native client (@confluentinc/kafka-javascript) only; expected SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN for kafkajs',
    ]);
  if (sasl)
    out.sasl = {
      mechanism: sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512',
      username: sasl.username,
      password: sasl.password,
    };
  if (tls) {
    out.ssl = {
      rejectUnauthorized: true,
      ...(tls.caLocation !== undefined ? { ca: [readFile(tls.caLocation)] } : {}),
      ...(tls.certificateLocation !== undefined ? { cert: readFile(tls.certificateLocation) } : {}),
      ...(tls.keyLocation !== undefined ? { key: readFile(tls.keyLocation) } : {}),
      ...(tls.keyPassword !== undefined ? { passphrase: tls.keyPassword } : {}),
      // The certificate chain is still verified; only the name check is skipped, as librdkafka's `none`.
      ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  return out;
}

/** The settings with secrets masked, for logs and `stack status`. */
export function describeKafkaSettings(settings: KafkaConnectionSettings): string {
  const parts = [`${settings.brokers.join(',')} over ${settings.securityProtocol}`];
  if (settings.sasl?.mechanism === 'OAUTHBEARER') parts.push(`OAUTHBEARER client ${settings.sasl.clientId}`);
  else if (settings.sasl) parts.push(`${settings.sasl.mechanism} as ${settings.sasl.username}`);
  if (settings.tls?.caLocation) parts.push(`CA ${settings.tls.caLocation}`);
  if (settings.tls?.certificateLocation) parts.push(`client certificate ${settings.tls.certificateLocation}`);
  return parts.join(', ');
}
