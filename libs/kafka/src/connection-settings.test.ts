import { describe, expect, it } from 'vitest';
import {
  KafkaSettingsError,
  describeKafkaSettings,
  kafkaSettingsFromEnv,
  toKafkajsConfig,
  toLibrdkafkaConfig,
} from './connection-settings';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = {
  '/run/secrets/kafka-password': 's3cret:with spaces\n',
  '/run/secrets/empty': '\n',
  '/etc/kafka/ca.pem': PEM,
  '/etc/kafka/client.pem': PEM,
  '/etc/kafka/client.key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  '/etc/kafka/not-pem.txt': 'hello',
};
const readFile = (p: string): string => {
  const f = files[p];
  if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return f;
};

const SCRAM_SSL = {
  KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093',
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'lead-scoring',
  KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
  KAFKA_SSL_CA_LOCATION: '/etc/kafka/ca.pem',
};

function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    kafkaSettingsFromEnv(env, { readFile });
  } catch (err) {
    if (err instanceof KafkaSettingsError) return err.problems;
    throw err;
  }
  throw new Error('expected a KafkaSettingsError');
}

describe('kafkaSettingsFromEnv', () => {
  it('defaults to PLAINTEXT with brokers only', () => {
    expect(kafkaSettingsFromEnv({ KAFKA_BROKERS: ' 127.0.0.1:9092, ' }, { readFile })).toEqual({
      brokers: ['127.0.0.1:9092'],
      securityProtocol: 'PLAINTEXT',
    });
  });

  it('reads SCRAM over TLS with the password from a mounted secret (its trailing newline dropped)', () => {
    expect(kafkaSettingsFromEnv(SCRAM_SSL, { readFile })).toEqual({
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'lead-scoring', password: 's3cret:with spaces' },
      tls: { caLocation: '/etc/kafka/ca.pem', verifyHostname: true },
    });
  });

  it('maps to librdkafka properties and to kafkajs options', () => {
    const s = kafkaSettingsFromEnv(SCRAM_SSL, { readFile });
    expect(toLibrdkafkaConfig(s)).toEqual({
      'bootstrap.servers': 'kafka-1:9093,kafka-2:9093',
      'security.protocol': 'sasl_ssl',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'lead-scoring',
      'sasl.password': 's3cret:with spaces',
      'ssl.ca.location': '/etc/kafka/ca.pem',
      'ssl.endpoint.identification.algorithm': 'https',
    });
    expect(toKafkajsConfig(s, { readFile })).toEqual({
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      sasl: { mechanism: 'scram-sha-512', username: 'lead-scoring', password: 's3cret:with spaces' },
      ssl: { rejectUnauthorized: true, ca: [PEM] },
    });
    expect(describeKafkaSettings(s)).toBe(
      'kafka-1:9093,kafka-2:9093 over SASL_SSL, SCRAM-SHA-512 as lead-scoring, CA /etc/kafka/ca.pem',
    );
    expect(describeKafkaSettings(s)).not.toContain('s3cret');
  });

  it('reads mutual TLS without SASL', () => {
    const s = kafkaSettingsFromEnv(
      {
        KAFKA_BROKERS: 'kafka:9094',
        KAFKA_SECURITY_PROTOCOL: 'ssl',
        KAFKA_SSL_CA_LOCATION: '/etc/kafka/ca.pem',
        KAFKA_SSL_CERTIFICATE_LOCATION: '/etc/kafka/client.pem',
        KAFKA_SSL_KEY_LOCATION: '/etc/kafka/client.key',
        KAFKA_SSL_KEY_PASSWORD: 'pass',
        KAFKA_SSL_ENDPOINT_IDENTIFICATION: 'none',
      },
      { readFile },
    );
    expect(toLibrdkafkaConfig(s)).toEqual({
      'bootstrap.servers': 'kafka:9094',
      'security.protocol': 'ssl',
      'ssl.ca.location': '/etc/kafka/ca.pem',
      'ssl.certificate.location': '/etc/kafka/client.pem',
      'ssl.key.location': '/etc/kafka/client.key',
      'ssl.key.password': 'pass',
      'ssl.endpoint.identification.algorithm': 'none',
    });
    const kjs = toKafkajsConfig(s, { readFile });
    expect(kjs.ssl?.cert).toBe(PEM);
    expect(kjs.ssl?.passphrase).toBe('pass');
    expect(kjs.ssl?.checkServerIdentity?.()).toBeUndefined();
  });

  it('maps OAUTHBEARER to librdkafka OIDC and refuses it for kafkajs', () => {
    const s = kafkaSettingsFromEnv(
      {
        KAFKA_BROKERS: 'kafka:9093',
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'OAUTHBEARER',
        KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: 'https://idp.example/token',
        KAFKA_SASL_OAUTHBEARER_CLIENT_ID: 'junction',
        KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 'xyz',
      },
      { readFile },
    );
    expect(toLibrdkafkaConfig(s)).toMatchObject({
      'sasl.mechanisms': 'OAUTHBEARER',
      'sasl.oauthbearer.method': 'oidc',
      'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token',
      'sasl.oauthbearer.client.id': 'junction',
      'sasl.oauthbearer.client.secret': 'xyz',
    });
    expect(() => toKafkajsConfig(s)).toThrow(/OAUTHBEARER is supported by the native client/);
  });

  it('names each bad variable and what it expects, all in one error', () => {
    expect(
      problems({
        KAFKA_BROKERS: 'kafka-1',
        KAFKA_SECURITY_PROTOCOL: 'TLS',
      }),
    ).toEqual([
      'KAFKA_BROKERS: expected comma-separated host:port, e.g. 127.0.0.1:9092; found "kafka-1"',
      'KAFKA_SECURITY_PROTOCOL: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; found "TLS"',
    ]);
    expect(problems({})).toEqual([
      'KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092',
    ]);
    expect(problems({ ...SCRAM_SSL, KAFKA_SASL_MECHANISM: 'GSSAPI' })).toEqual([
      'KAFKA_SASL_MECHANISM: expected one of SCRAM-SHA-256, SCRAM-SHA-512, PLAIN, OAUTHBEARER; found "GSSAPI"',
    ]);
  });

  it('reports missing and contradictory SASL settings without quoting secrets', () => {
    expect(problems({ KAFKA_BROKERS: 'k:1', KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual([
      'KAFKA_SASL_MECHANISM: missing (KAFKA_SECURITY_PROTOCOL is SASL_SSL); expected one of SCRAM-SHA-256, SCRAM-SHA-512, PLAIN, OAUTHBEARER',
    ]);
    expect(
      problems({
        KAFKA_BROKERS: 'k:1',
        KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        KAFKA_SASL_MECHANISM: 'PLAIN',
      }),
    ).toEqual([
      "KAFKA_SASL_USERNAME: missing (KAFKA_SASL_MECHANISM is PLAIN); expected the principal's user name",
      'KAFKA_SASL_PASSWORD: missing (KAFKA_SASL_MECHANISM is PLAIN); expected the password, or KAFKA_SASL_PASSWORD_FILE naming a file that holds it',
    ]);
    const both = problems({ ...SCRAM_SSL, KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(both).toEqual([
      'KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set; expected one of them',
    ]);
    expect(both.join()).not.toContain('hunter2');
    // Credentials given to a plaintext connection would be silently ignored: refuse them instead.
    expect(
      problems({ KAFKA_BROKERS: 'k:1', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' }),
    ).toEqual([
      'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT; expected SASL_SSL or SASL_PLAINTEXT to use SASL, or unset them',
    ]);
    expect(problems({ KAFKA_BROKERS: 'k:1', KAFKA_SSL_CA_LOCATION: '/etc/kafka/ca.pem' })).toEqual([
      'KAFKA_SSL_CA_LOCATION set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT; expected SSL or SASL_SSL to use TLS, or unset them',
    ]);
  });

  it('reports unreadable, empty and non-PEM files by variable', () => {
    expect(
      problems({
        ...SCRAM_SSL,
        KAFKA_SASL_PASSWORD_FILE: '/run/secrets/missing',
        KAFKA_SSL_CA_LOCATION: '/etc/kafka/not-pem.txt',
        KAFKA_SSL_CERTIFICATE_LOCATION: '/etc/kafka/client.pem',
      }),
    ).toEqual([
      'KAFKA_SASL_PASSWORD_FILE: cannot read /run/secrets/missing (ENOENT); expected a readable file holding the secret',
      'KAFKA_SSL_CA_LOCATION: /etc/kafka/not-pem.txt is not PEM; expected a PEM file holding the CA certificate(s) to trust',
      'KAFKA_SSL_KEY_LOCATION: missing; mutual TLS needs both KAFKA_SSL_CERTIFICATE_LOCATION and KAFKA_SSL_KEY_LOCATION',
    ]);
    expect(problems({ ...SCRAM_SSL, KAFKA_SASL_PASSWORD_FILE: '/run/secrets/empty' })).toEqual([
      'KAFKA_SASL_PASSWORD_FILE: the file /run/secrets/empty is empty; expected the secret in it',
    ]);
  });

  it('is a permanent error', () => {
    const err = new KafkaSettingsError(['x']);
    expect(err.retriable).toBe(false);
    expect(err.message).toBe('invalid Kafka connection settings (1 problem):\n  x');
  });
});
