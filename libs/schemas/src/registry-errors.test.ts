// Unit tests of how RegistryClient classifies answers a healthy local registry never gives
// (5xx, 429, 401, HTML from a proxy). A fake fetch stands in for those answers; the real registry
// is covered in registry-client.test.ts.
import { describe, expect, it } from 'vitest';
import {
  RegistryRequestError,
  RegistryUnavailableError,
  UnknownSchemaError,
  type SchemaError,
} from './errors';
import { RegistryClient } from './registry-client';

function answering(
  status: number,
  body: string,
  contentType = 'application/json',
): { client: RegistryClient; calls: () => number } {
  let calls = 0;
  const client = new RegistryClient({
    url: 'http://registry.invalid/apis/ccompat/v7/',
    fetch: () => {
      calls++;
      return Promise.resolve(new Response(body, { status, headers: { 'content-type': contentType } }));
    },
  });
  return { client, calls: () => calls };
}

async function rejection(p: Promise<unknown>): Promise<SchemaError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as SchemaError,
  );
}

describe('RegistryClient error classification', () => {
  it.each([500, 502, 503, 504, 429, 408])(
    'HTTP %i is a retriable RegistryUnavailableError, not cached',
    async (status) => {
      const { client, calls } = answering(
        status,
        '{"error_code":50001,"message":"Error in the backend data store"}',
      );
      const err = await rejection(client.getSchemaById(3));
      expect(err).toBeInstanceOf(RegistryUnavailableError);
      expect(err.retriable).toBe(true);
      expect(err.message).toContain('schema id 3');
      expect(err.message).toContain('Error in the backend data store (error_code 50001)');
      expect(err).toMatchObject({ status, errorCode: 50001, schemaId: 3 });
      await rejection(client.getSchemaById(3));
      expect(calls()).toBe(2);
    },
  );

  it('HTTP 401 is a non-retriable RegistryRequestError that keeps the subject', async () => {
    const { client } = answering(401, '{"error_code":401,"message":"Unauthorized"}');
    const err = await rejection(client.register('crm.lead.created.v1-value', '"string"'));
    expect(err).toBeInstanceOf(RegistryRequestError);
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('crm.lead.created.v1-value');
    expect(err.message).toContain('Unauthorized');
  });

  it('quotes the start of a non-JSON error page', async () => {
    const { client } = answering(502, '<html><body>Bad gateway from the proxy</body></html>', 'text/html');
    const err = await rejection(client.latest('s'));
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err.message).toContain('Bad gateway from the proxy');
  });

  it('treats a 200 without the expected fields as a RegistryRequestError', async () => {
    const { client } = answering(200, '{"unexpected":true}');
    await expect(client.getSchemaById(1)).rejects.toBeInstanceOf(RegistryRequestError);
    await expect(client.register('s', '"string"')).rejects.toBeInstanceOf(RegistryRequestError);
  });

  it('an id that failed with a 5xx is fetched again; one that got a 404 is not, within the TTL', async () => {
    let status = 503;
    let calls = 0;
    const client = new RegistryClient({
      url: 'http://registry.invalid',
      fetch: () => {
        calls++;
        return Promise.resolve(new Response(status === 200 ? '{"schema":"\\"string\\""}' : '{}', { status }));
      },
    });
    await expect(client.getSchemaById(9)).rejects.toBeInstanceOf(RegistryUnavailableError);
    status = 200;
    expect((await client.getSchemaById(9)).schema).toBe('"string"');
    expect(calls).toBe(2);

    status = 404;
    await expect(client.getSchemaById(10)).rejects.toBeInstanceOf(UnknownSchemaError);
    status = 200;
    await expect(client.getSchemaById(10)).rejects.toBeInstanceOf(UnknownSchemaError);
    expect(calls).toBe(3);
  });
});
