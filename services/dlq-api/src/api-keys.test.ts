import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack, uniqueSuffix } from '@junction/testing';
import { ConfigError, hashApiKey, parseKeys } from './config';
import { startDlqApi, type DlqApi } from './server';

const OPS_KEY = 'ops-key-for-hash-test';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('DLQ_API_KEYS', () => {
  it('keeps only the SHA-256 of each key', () => {
    const keys = parseKeys('view-key-0001:viewer:dashboards,ops-key-0001:operator');
    expect(keys).toEqual([
      { keyHash: sha256('view-key-0001'), role: 'viewer', name: 'dashboards' },
      {
        keyHash: sha256('ops-key-0001'),
        role: 'operator',
        name: `operator-${sha256('ops-key-0001').slice(0, 8)}`,
      },
    ]);
    expect(JSON.stringify(keys)).not.toContain('ops-key-0001');
  });

  it('takes a key given by its hash, so the deployment need not hold the key', () => {
    expect(parseKeys(`sha256=${hashApiKey(OPS_KEY)}:operator:alice`)).toEqual([
      { keyHash: hashApiKey(OPS_KEY), role: 'operator', name: 'alice' },
    ]);
  });

  it('names a bad entry by its position, never quoting it (it holds a key)', () => {
    const err = (text: string) => {
      try {
        parseKeys(text);
      } catch (e) {
        if (e instanceof ConfigError) return e.message;
        throw e;
      }
      throw new Error('expected a ConfigError');
    };
    expect(err('view-key-0001:viewer,short:operator')).toBe(
      'DLQ_API_KEYS entry 2: a key must have at least 8 characters (or be sha256=<64 hex digits>)',
    );
    const badRole = err('secret-key-0001:admin');
    expect(badRole).toBe('DLQ_API_KEYS entry 1: role must be viewer or operator');
    expect(badRole).not.toContain('secret-key-0001');
  });
});

describe('dlq-api with hashed keys and a rate limit', () => {
  let api: DlqApi;
  beforeAll(async () => {
    api = await startDlqApi({
      brokers: testStack().brokers,
      registryUrl: testStack().schemaRegistryUrl,
      port: 0,
      host: '127.0.0.1',
      keys: parseKeys(`sha256=${hashApiKey(OPS_KEY)}:operator:alice`),
      rateLimitPerMinute: 2,
      auditTopic: `junction.dlq.audit.${uniqueSuffix()}`,
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('accepts the key whose hash it holds, and answers 429 past the limit, unauthenticated floods included', async () => {
    const get = (key?: string) =>
      fetch(`${api.url}/audit?limit=1`, { headers: key ? { 'x-api-key': key } : {} }).then((r) => r.status);
    const ok = await fetch(`${api.url}/audit?limit=1`, { headers: { 'x-api-key': OPS_KEY } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(ok.headers.get('x-powered-by')).toBeNull();
    expect(await get('wrong-key-0001')).toBe(401);
    const huge = await fetch(`${api.url}/dlq/topics/x.dlq/replay`, {
      method: 'POST',
      headers: { 'x-api-key': OPS_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ filters: { key: 'k'.repeat(64 * 1024) }, dryRun: true }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ statusCode: 413, message: 'request body larger than 16kb' });
    const garbled = await fetch(`${api.url}/dlq/topics/x.dlq/replay`, {
      method: 'POST',
      headers: { 'x-api-key': OPS_KEY, 'content-type': 'application/json' },
      body: '{"filters":',
    });
    expect(garbled.status).toBe(400);
    const limited = await fetch(`${api.url}/audit?limit=1`, { headers: { 'x-api-key': OPS_KEY } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 30_000);
});
