import avro from 'avsc';
const t = avro.Type.forSchema({ type: 'record', name: 'Bag', fields: [{ name: 'items', type: { type: 'array', items: 'string' } }] });
// zig-zag(2^27) = 2^28 -> varint bytes
function varint(n) { const out = []; while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); } out.push(n); return out; }
const body = Buffer.from([...varint(2 ** 28), 0x02, 0x61]);
console.log([...body].map(b=>b.toString(16)));
const started = Date.now();
try { t.fromBuffer(body); } catch (e) { console.log('threw after', Date.now() - started, 'ms:', e.message); }
