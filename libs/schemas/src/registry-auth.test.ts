import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack, uniqueTopic } from '@junction/testing';
import { RegistrySettingsError, maskUserInfo, registryAuthFromEnv, registryEndpoint } from './registry-auth';
import { RegistryClient } from './registry-client';

const SCHEMA = {
  type: 'record',
  name: 'AuthProbe',
  namespace: 'junction.test',
  fields: [{ name: 'id', type: 'string' }],
};

function settingsError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistrySettingsError) return err.message;
    throw err;
  }
  throw new Error('expected a RegistrySettingsError');
}

describe('registryAuthFromEnv', () => {
  it('reads basic auth (a colon in the password included) and bearer tokens, inline or from a file', () => {
    expect(registryAuthFromEnv({ SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: 'svc:pa:ss' })).toEqual({
      kind: 'basic',
      username: 'svc',
      password: 'pa:ss',
    });
    expect(
      registryAuthFromEnv({ SCHEMA_REGISTRY_BEARER_TOKEN_FILE: '/run/secrets/token' }, () => 'tok-123\n'),
    ).toEqual({ kind: 'bearer', token: 'tok-123' });
    expect(registryAuthFromEnv({ SCHEMA_REGISTRY_BEARER_TOKEN: '  ' })).toBeUndefined();
  });

  it('names the variable of a bad value without quoting the secret', () => {
    const noColon = settingsError(() =>
      registryAuthFromEnv({ SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: 'hunter2' }),
    );
    expect(noColon).toBe(
      'SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: expected user:password (the user name, a colon, the password)',
    );
    expect(noColon).not.toContain('hunter2');
    expect(
      settingsError(() =>
        registryAuthFromEnv({
          SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: 'a:b',
          SCHEMA_REGISTRY_BEARER_TOKEN: 't',
        }),
      ),
    ).toMatch(/both set; expected basic auth or a bearer token, not both/);
    expect(
      settingsError(() =>
        registryAuthFromEnv({ SCHEMA_REGISTRY_BEARER_TOKEN_FILE: '/nope' }, () => {
          throw Object.assign(new Error('no'), { code: 'ENOENT' });
        }),
      ),
    ).toBe('SCHEMA_REGISTRY_BEARER_TOKEN_FILE: cannot read /nope (ENOENT); expected a readable file');
  });
});

describe('registryEndpoint', () => {
  it('moves credentials out of the URL into an Authorization header', () => {
    expect(
      registryEndpoint('https://svc%40corp:p%2Fw@registry.internal:8443/apis/ccompat/v7/', { env: {} }),
    ).toEqual({
      url: 'https://registry.internal:8443/apis/ccompat/v7',
      headers: { authorization: `Basic ${Buffer.from('svc@corp:p/w').toString('base64')}` },
      auth: 'basic',
    });
    expect(maskUserInfo('https://svc:p@registry.internal/x')).toBe('https://svc:***@registry.internal/x');
  });

  it('refuses credentials in both the URL and the environment, and a URL that is not one', () => {
    expect(
      settingsError(() =>
        registryEndpoint('http://a:b@registry:8080', { env: { SCHEMA_REGISTRY_BEARER_TOKEN: 't' } }),
      ),
    ).toBe(
      'the registry URL http://registry:8080 carries credentials and so does SCHEMA_REGISTRY_BEARER_TOKEN; expected one of them',
    );
    const notUrl = settingsError(() => registryEndpoint('registry:secret@8080', { env: {} }));
    expect(notUrl).toBe(
      'registry URL "***@8080" is not an http(s) URL; expected e.g. http://127.0.0.1:8080/apis/ccompat/v7',
    );
  });
});

/** A registry stand-in that only checks the Authorization header: 401 without the expected one. */
describe('RegistryClient authentication (HTTP)', () => {
  let server: Server;
  let base: string;
  const seen: IncomingHttpHeaders[] = [];
  const expected = new Set([`Basic ${Buffer.from('svc:s3cret').toString('base64')}`, 'Bearer tok-123']);

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (!expected.has(req.headers.authorization ?? '')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error_code: 40101, message: 'Unauthorized' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ schema: '"string"' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends URL credentials as basic auth (fetch would refuse them in the URL)', async () => {
    const client = new RegistryClient({ url: `http://svc:s3cret@${base}/apis/ccompat/v7` });
    await expect(client.getSchemaById(1)).resolves.toMatchObject({ id: 1, schema: '"string"' });
    expect(client.url).toBe(`http://${base}/apis/ccompat/v7`);
  });

  it('sends a bearer token given as an option', async () => {
    const client = new RegistryClient({ url: `http://${base}`, auth: { kind: 'bearer', token: 'tok-123' } });
    await expect(client.getSchemaById(2)).resolves.toMatchObject({ id: 2 });
  });

  it('reports a wrong password as a permanent refusal, naming the URL without the secret', async () => {
    const client = new RegistryClient({ url: `http://svc:wrong@${base}` });
    const err = await client.getSchemaById(3).then(
      () => undefined,
      (e: unknown) => e as Error & { retriable: boolean; status: number },
    );
    expect(err?.message).toMatch(/refused the request .*HTTP 401: Unauthorized/);
    expect(err?.message).not.toContain('wrong');
    expect(err?.retriable).toBe(false);
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('svc:wrong').toString('base64')}`);
  });
});

describe('RegistryClient with credentials in the URL, on the real registry', () => {
  it('registers and fetches (the test registry runs without auth and ignores the header)', async () => {
    const url = new URL(testStack().schemaRegistryUrl);
    url.username = 'svc';
    url.password = 's3cret';
    const client = new RegistryClient({ url: url.toString() });
    const id = await client.register(`${uniqueTopic('test.registry.auth.v1')}-value`, SCHEMA);
    await expect(new RegistryClient({ url: url.toString() }).getSchemaById(id)).resolves.toMatchObject({
      id,
    });
  });
});
