// Integration tests against the real registry of the test stack (Apicurio's Confluent-compatible API).
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack, uniqueTopic } from '@junction/testing';
import {
  IncompatibleSchemaError,
  InvalidSchemaError,
  RegistryUnavailableError,
  UnknownSchemaError,
  type SchemaError,
} from './errors';
import { RegistryClient, type RegistryClientOptions } from './registry-client';

const v1 = {
  type: 'record',
  name: 'ClientProbe',
  namespace: 'junction.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
  ],
};
const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
const incompatible = { ...v1, fields: [...v1.fields, { name: 'required', type: 'string' }] };

/** An id no test registers: the registry answers 404 for it. */
const UNKNOWN_ID = 2_147_480_000;

function subject(): string {
  return `${uniqueTopic('test.registry.client.v1')}-value`;
}

/** A client on the real registry that records the URLs it fetches (the registry itself is real). */
function countingClient(options: Partial<RegistryClientOptions> = {}): {
  client: RegistryClient;
  calls: string[];
} {
  const calls: string[] = [];
  const client = new RegistryClient({
    url: testStack().schemaRegistryUrl,
    ...options,
    fetch: (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    },
  });
  return { client, calls };
}

async function rejection(p: Promise<unknown>): Promise<SchemaError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as SchemaError,
  );
}

describe('RegistryClient against the real registry', () => {
  it('registers a schema (idempotently), looks it up and reads the latest version', async () => {
    const client = new RegistryClient(testStack().schemaRegistryUrl);
    const s = subject();
    const id = await client.register(s, v1);
    expect(id).toBeGreaterThan(0);
    expect(await client.register(s, v1)).toBe(id);
    expect(await client.register(s, JSON.stringify(v1))).toBe(id);

    const found = await client.lookup(s, v1);
    expect(found).toMatchObject({ subject: s, id, version: 1, schemaType: 'AVRO' });
    expect(await client.lookup(s, v2)).toBeUndefined();

    const latest = await client.latest(s);
    expect(latest).toMatchObject({ subject: s, id, version: 1 });
    expect(JSON.parse(latest.schema)).toEqual(v1);
  });

  it('gets a schema by id, from the registry once, then from the cache', async () => {
    const id = await new RegistryClient(testStack().schemaRegistryUrl).register(subject(), v1);
    const { client, calls } = countingClient();
    const first = await client.getSchemaById(id);
    expect(first).toMatchObject({ id, schemaType: 'AVRO', references: [] });
    expect(JSON.parse(first.schema)).toEqual(v1);
    expect(await client.getSchemaById(id)).toBe(first);
    expect(calls).toHaveLength(1);
  });

  it('shares one request between concurrent lookups of the same id', async () => {
    const id = await new RegistryClient(testStack().schemaRegistryUrl).register(subject(), v2);
    const { client, calls } = countingClient();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getSchemaById(id)));
    expect(new Set(results).size).toBe(1);
    expect(calls).toEqual([`${testStack().schemaRegistryUrl.replace(/\/+$/, '')}/schemas/ids/${id}`]);
  });

  it('rejects an unknown id with a non-retriable UnknownSchemaError, remembered only for notFoundTtlMs', async () => {
    const { client, calls } = countingClient({ notFoundTtlMs: 300 });
    const err = await rejection(client.getSchemaById(UNKNOWN_ID));
    expect(err).toBeInstanceOf(UnknownSchemaError);
    expect(err.name).toBe('UnknownSchemaError');
    expect(err.retriable).toBe(false);
    expect(err).toMatchObject({ schemaId: UNKNOWN_ID, status: 404, errorCode: 40403 });
    expect(err.message).toContain(`schema id ${UNKNOWN_ID}`);
    expect(err.message).toContain(`Schema ${UNKNOWN_ID} not found`); // the registry's own message

    await expect(client.getSchemaById(UNKNOWN_ID)).rejects.toBeInstanceOf(UnknownSchemaError);
    expect(calls).toHaveLength(1); // within the TTL: no second request
    await new Promise((r) => setTimeout(r, 350));
    await expect(client.getSchemaById(UNKNOWN_ID)).rejects.toBeInstanceOf(UnknownSchemaError);
    expect(calls).toHaveLength(2); // after it: asked again (replication lag, a late registration)
  });

  it('lets the caller treat an unknown id as retriable', async () => {
    const client = new RegistryClient({ url: testStack().schemaRegistryUrl, unknownSchemaRetriable: true });
    const err = await rejection(client.getSchemaById(UNKNOWN_ID));
    expect(err).toBeInstanceOf(UnknownSchemaError);
    expect(err.retriable).toBe(true);
  });

  it('rejects an unknown subject in latest() with UnknownSchemaError naming the subject', async () => {
    const s = subject();
    const err = await rejection(new RegistryClient(testStack().schemaRegistryUrl).latest(s));
    expect(err).toBeInstanceOf(UnknownSchemaError);
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(s);
    expect(err).toMatchObject({ subject: s, status: 404, errorCode: 40401 });
  });

  it('checks compatibility: an unknown subject is compatible, a new optional field is, a new required field is not', async () => {
    const client = new RegistryClient(testStack().schemaRegistryUrl);
    const s = subject();
    expect(await client.checkCompatibility(s, v1)).toBe(true);
    await client.register(s, v1);
    expect(await client.checkCompatibility(s, v2)).toBe(true);
    expect(await client.checkCompatibility(s, incompatible)).toBe(false);
  });

  it('rejects an incompatible registration with IncompatibleSchemaError (409)', async () => {
    const client = new RegistryClient(testStack().schemaRegistryUrl);
    const s = subject();
    const id = await client.register(s, v1);
    const err = await rejection(client.register(s, incompatible));
    expect(err).toBeInstanceOf(IncompatibleSchemaError);
    expect(err.name).toBe('IncompatibleSchemaError');
    expect(err.retriable).toBe(false);
    expect(err).toMatchObject({ subject: s, status: 409 });
    expect(err.message).toContain(s);
    expect(err.message).toMatch(/Incompatible artifact|incompatible/i); // the registry's message is kept
    expect((await client.latest(s)).id).toBe(id);
  });

  it('rejects an invalid schema with InvalidSchemaError (422)', async () => {
    const client = new RegistryClient(testStack().schemaRegistryUrl);
    const s = subject();
    const err = await rejection(client.register(s, '{"type":"record","name":"NoFields"}'));
    expect(err).toBeInstanceOf(InvalidSchemaError);
    expect(err.retriable).toBe(false);
    expect(err).toMatchObject({ subject: s, status: 422 });
    expect(err.message).toContain(s);
  });
});

describe('RegistryClient when the registry cannot be reached', () => {
  it('fails with a retriable RegistryUnavailableError at http://127.0.0.1:1, and does not cache it', async () => {
    const calls: string[] = [];
    const client = new RegistryClient({
      url: 'http://127.0.0.1:1',
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    for (let i = 0; i < 2; i++) {
      const err = await rejection(client.getSchemaById(1));
      expect(err).toBeInstanceOf(RegistryUnavailableError);
      expect(err.name).toBe('RegistryUnavailableError');
      expect(err.retriable).toBe(true);
      expect(err.message).toContain('http://127.0.0.1:1');
      expect(err.message).toContain('schema id 1');
      // undici refuses port 1 itself (a "bad port" in the Fetch spec) before connecting
      expect(err.message).toContain('fetch failed');
    }
    expect(calls).toHaveLength(2);
    const reg = await rejection(client.register('some-subject', v1));
    expect(reg).toBeInstanceOf(RegistryUnavailableError);
    expect(reg.message).toContain('some-subject');
  });

  it('reports a refused TCP connection (ECONNREFUSED) as a retriable RegistryUnavailableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there any more
    const err = await rejection(new RegistryClient(`http://127.0.0.1:${address.port}`).latest('s-value'));
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err.retriable).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('s-value');
  });

  describe('a registry that accepts connections and never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let url = '';
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      url = `http://127.0.0.1:${address.port}`;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('times out into a retriable RegistryUnavailableError', async () => {
      const client = new RegistryClient({ url, timeoutMs: 200 });
      const started = Date.now();
      const err = await rejection(client.getSchemaById(5));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(err).toBeInstanceOf(RegistryUnavailableError);
      expect(err.retriable).toBe(true);
      expect(err.message).toContain('no answer within 200 ms');
    });
  });
});
