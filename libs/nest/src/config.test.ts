import { describe, expect, it } from 'vitest';
import { ConfigError, loadJunctionConfig } from './config';

const REQUIRED = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadJunctionConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadJunctionConfig', () => {
  it('reads the required settings and fills in the defaults', () => {
    expect(
      loadJunctionConfig({
        KAFKA_BROKERS: '127.0.0.1:9092, kafka-2.internal:9093,',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7/',
      }),
    ).toEqual({
      kafkaBrokers: ['127.0.0.1:9092', 'kafka-2.internal:9093'],
      kafka: { brokers: ['127.0.0.1:9092', 'kafka-2.internal:9093'], securityProtocol: 'PLAINTEXT' },
      schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
      httpPort: 3000,
      httpHost: '127.0.0.1',
      logLevel: 'info',
      shutdownTimeoutMs: 20_000,
    });
  });

  it('reads every optional setting', () => {
    expect(
      loadJunctionConfig({
        ...REQUIRED,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'DEBUG',
        SHUTDOWN_TIMEOUT_MS: '5000',
        SERVICE_NAME: 'lead-scoring-canary',
      }),
    ).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      kafka: { brokers: ['127.0.0.1:9092'], securityProtocol: 'PLAINTEXT' },
      schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
      httpPort: 0,
      httpHost: '127.0.0.1',
      logLevel: 'debug',
      shutdownTimeoutMs: 5_000,
      serviceName: 'lead-scoring-canary',
    });
  });

  it('reads the Kafka security settings and reports their problems with the others, in one message', () => {
    expect(
      loadJunctionConfig({
        ...REQUIRED,
        KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'lead-scoring',
        KAFKA_SASL_PASSWORD: 'pw',
      }).kafka,
    ).toEqual({
      brokers: ['127.0.0.1:9092'],
      securityProtocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'lead-scoring', password: 'pw' },
    });
    expect(configError({ ...REQUIRED, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', PORT: 'x' }).problems).toEqual([
      'KAFKA_SASL_MECHANISM: missing (KAFKA_SECURITY_PROTOCOL is SASL_SSL); expected one of SCRAM-SHA-256, SCRAM-SHA-512, PLAIN, OAUTHBEARER',
      'PORT: expected a TCP port 0-65535 (0 = any free port); found "x"',
    ]);
  });

  it('treats blank settings as unset', () => {
    expect(loadJunctionConfig({ ...REQUIRED, PORT: '', LOG_LEVEL: ' ' })).toMatchObject({
      httpPort: 3000,
      logLevel: 'info',
    });
    expect(configError({ ...REQUIRED, KAFKA_BROKERS: '  ' }).problems).toEqual([
      'KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092',
    ]);
  });

  it('lists every bad or missing setting in one message, one per line, with what was expected and found', () => {
    const err = configError({
      SCHEMA_REGISTRY_URL: 'registry:8080',
      PORT: '99999',
      LOG_LEVEL: 'loud',
      SHUTDOWN_TIMEOUT_MS: '20s',
      HOST: '127.0.0.1',
    });
    expect(err.name).toBe('ConfigError');
    expect(err.message.split('\n')).toEqual([
      'invalid configuration (5 settings):',
      '  KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092',
      '  SCHEMA_REGISTRY_URL: expected an http(s) URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7; found "registry:8080"',
      '  PORT: expected a TCP port 0-65535 (0 = any free port); found "99999"',
      '  LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent; found "loud"',
      '  SHUTDOWN_TIMEOUT_MS: expected a whole number of milliseconds >= 0, e.g. 20000; found "20s"',
    ]);
  });

  it('reports both required settings when the environment is empty', () => {
    expect(configError({}).problems).toEqual([
      'KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092',
      'SCHEMA_REGISTRY_URL: missing; expected an http(s) URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7',
    ]);
  });

  it.each([
    ['localhost', 'no port'],
    ['127.0.0.1:9092;127.0.0.1:9093', 'wrong separator'],
    ['kafka:0', 'port 0'],
    ['kafka:70000', 'port out of range'],
    ['PLAINTEXT://kafka:9092', 'a listener URL'],
  ])('rejects KAFKA_BROKERS=%s (%s)', (brokers) => {
    expect(configError({ ...REQUIRED, KAFKA_BROKERS: brokers }).problems).toEqual([
      `KAFKA_BROKERS: expected comma-separated host:port, e.g. 127.0.0.1:9092; found ${JSON.stringify(brokers)}`,
    ]);
  });

  it.each(['ftp://registry:8080', '127.0.0.1:8080', 'http//registry'])(
    'rejects SCHEMA_REGISTRY_URL=%s',
    (url) => {
      expect(configError({ ...REQUIRED, SCHEMA_REGISTRY_URL: url }).problems).toHaveLength(1);
    },
  );

  it('masks credentials of a registry URL in the message', () => {
    const err = configError({ ...REQUIRED, SCHEMA_REGISTRY_URL: 'ftp://user:s3cret@registry' });
    expect(err.message).toContain('"ftp://user:***@registry"');
    expect(err.message).not.toContain('s3cret');
  });

  it.each(['-1', '1.5', '0x10', '80a'])('rejects PORT=%s', (port) => {
    expect(configError({ ...REQUIRED, PORT: port }).problems).toEqual([
      `PORT: expected a TCP port 0-65535 (0 = any free port); found "${port}"`,
    ]);
  });

  it('accepts an IPv6 broker address in brackets', () => {
    expect(loadJunctionConfig({ ...REQUIRED, KAFKA_BROKERS: '[::1]:9092' }).kafkaBrokers).toEqual([
      '[::1]:9092',
    ]);
  });
});
