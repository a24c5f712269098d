import { describe, expect, it } from 'vitest';
import { ConfigError, loadJunctionConfig } from './config';

describe('loadJunctionConfig', () => {
  it('reads a valid environment with defaults', () => {
    expect(
      loadJunctionConfig({
        KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7/',
      }),
    ).toEqual({
      kafkaBrokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
      httpPort: 3000,
      httpHost: '0.0.0.0',
      logLevel: 'info',
      shutdownTimeoutMs: 20_000,
    });
  });

  it('lists every bad or missing setting in one message, saying what is expected', () => {
    let err: unknown;
    try {
      loadJunctionConfig({ SCHEMA_REGISTRY_URL: 'registry', PORT: '99999', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).toBe('invalid configuration:');
    expect(lines).toContainEqual(
      '  KAFKA_BROKERS: missing; expected comma-separated host:port, e.g. 127.0.0.1:9092',
    );
    expect(lines).toContainEqual('  SCHEMA_REGISTRY_URL: expected an http(s) URL; got "registry"');
    expect(lines).toContainEqual('  PORT: expected a TCP port (1-65535); got "99999"');
    expect(lines.some((l) => l.startsWith('  LOG_LEVEL: expected one of'))).toBe(true);
  });

  it('rejects brokers that are not host:port', () => {
    expect(() => loadJunctionConfig({ KAFKA_BROKERS: 'localhost', SCHEMA_REGISTRY_URL: 'http://r' })).toThrow(
      /KAFKA_BROKERS: expected comma-separated host:port/,
    );
  });
});
