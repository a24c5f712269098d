/**
 * Embedded stores for the idempotency state, measured the way the engine uses them: N keys of ~40
 * bytes (a UUID plus a short prefix) with their completion time, inserted in transaction-sized batches
 * together with a time index (for window expiry), then `has()` hits and misses, RSS, bytes on disk per
 * key and the time to reopen the store.
 *
 *   node --import tsx test/bench/state-store.ts --store sqlite --keys 5000000
 *   node --import tsx test/bench/state-store.ts --store lmdb --lmdb-from /tmp/lmdb --keys 5000000
 *
 * `lmdb` is not a dependency of the workspace: install it on the side to compare
 * (`npm install --prefix /tmp/lmdb lmdb@3.5.6`) and pass that directory with `--lmdb-from`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    keys: { type: 'string', default: '5000000' },
    batch: { type: 'string', default: '500' },
    probes: { type: 'string', default: '100000' },
    'lmdb-from': { type: 'string' },
    dir: { type: 'string' },
  },
});
const N = Number(args.keys);
const BATCH = Number(args.batch);
const PROBES = Number(args.probes);
const dir = args.dir ?? mkdtempSync(join(tmpdir(), `junction-state-bench-${args.store}-`));

interface Store {
  insert(batch: [string, number][]): void;
  has(key: string): boolean;
  close(): void;
}

function sqliteStore(path: string): Store {
  const require = createRequire(import.meta.url);
  const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000;
    CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS keys_at ON keys (at);`);
  const put = db.prepare('INSERT OR REPLACE INTO keys (key, at) VALUES (?, ?)');
  const get = db.prepare('SELECT 1 FROM keys WHERE key = ?');
  return {
    insert(batch) {
      db.exec('BEGIN');
      for (const [k, at] of batch) put.run(k, at);
      db.exec('COMMIT');
    },
    has: (key) => get.get(key) !== undefined,
    close: () => db.close(),
  };
}

interface LmdbDb {
  putSync(k: unknown, v: unknown): void;
  get(k: unknown): unknown;
  transactionSync(fn: () => void): void;
  openDB(opts: object): LmdbDb;
  close(): void;
}
function lmdbStore(path: string): Store {
  if (!args['lmdb-from']) throw new Error('--lmdb-from <dir where lmdb is installed> is required');
  const require = createRequire(join(args['lmdb-from'], 'node_modules', 'x.js'));
  const { open } = require('lmdb') as { open(opts: object): LmdbDb };
  const root = open({ path, noSync: true });
  const keys = root.openDB({ name: 'keys' });
  const byTime = root.openDB({ name: 'by-time' });
  return {
    insert(batch) {
      root.transactionSync(() => {
        for (const [k, at] of batch) {
          keys.putSync(k, Math.floor(at / 1000));
          byTime.putSync([at, k], 0);
        }
      });
    },
    has: (key) => keys.get(key) !== undefined,
    close: () => root.close(),
  };
}

const open = (): Store =>
  args.store === 'lmdb' ? lmdbStore(join(dir, 'lmdb')) : sqliteStore(join(dir, 'keys.sqlite'));

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const timer = setInterval(sample, 100);

const key = (i: number) => `lead:${i.toString(36).padStart(6, '0')}:${randomUUID()}`.slice(0, 44);
const sampleKeys: string[] = [];
let store = open();
const t0 = performance.now();
const base = Date.now() - N;
for (let i = 0; i < N; i += BATCH) {
  const batch: [string, number][] = [];
  for (let j = i; j < Math.min(N, i + BATCH); j++) {
    const k = key(j);
    if (j % Math.max(1, Math.floor(N / PROBES)) === 0) sampleKeys.push(k);
    batch.push([k, base + j]);
  }
  store.insert(batch);
  if (i % (BATCH * 200) === 0) sample();
}
const insertMs = performance.now() - t0;
sample();
const rssAfterInsert = process.memoryUsage().rss;

const probe = (keys: string[], expect: boolean) => {
  const lat: number[] = [];
  for (const k of keys) {
    const s = performance.now();
    const hit = store.has(k);
    lat.push(performance.now() - s);
    if (hit !== expect) throw new Error(`has(${k}) = ${hit}, expected ${expect}`);
  }
  lat.sort((a, b) => a - b);
  const q = (p: number) => +(lat[Math.floor(p * (lat.length - 1))]! * 1000).toFixed(1);
  return {
    p50us: q(0.5),
    p99us: q(0.99),
    meanUs: +((lat.reduce((a, b) => a + b, 0) / lat.length) * 1000).toFixed(2),
  };
};
const shuffled = [...sampleKeys].sort(() => Math.random() - 0.5);
const hit = probe(shuffled, true);
const miss = probe(
  shuffled.map(() => randomUUID()),
  false,
);
store.close();

const diskBytes = (p: string): number =>
  statSync(p).isDirectory()
    ? readdirSync(p).reduce((s, f) => s + diskBytes(join(p, f)), 0)
    : statSync(p).size;
const bytes = diskBytes(dir);

const r0 = performance.now();
store = open();
const firstHit = store.has(sampleKeys[0]!);
const reopenMs = performance.now() - r0;
store.close();
sample();
clearInterval(timer);

console.log(
  JSON.stringify({
    store: args.store,
    node: process.version,
    keys: N,
    batch: BATCH,
    insertSec: +(insertMs / 1000).toFixed(1),
    insertPerSec: Math.round(N / (insertMs / 1000)),
    hit,
    miss,
    rssAfterInsertMB: Math.round(rssAfterInsert / 2 ** 20),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    diskMB: Math.round(bytes / 2 ** 20),
    diskBytesPerKey: Math.round(bytes / N),
    reopenMs: +reopenMs.toFixed(1),
    reopenFound: firstHit,
  }),
);
if (!args.dir) rmSync(dir, { recursive: true, force: true });
