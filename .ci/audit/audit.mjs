// Runs graphql-http's audit of the GraphQL over HTTP spec against a running
// Parley server: node audit.mjs http://127.0.0.1:PORT/query
// Exits 1 if any audit ends in error; prints every warning with its reason.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url, fetchFn: fetch });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  if (r.status !== 'ok') {
    console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}\n    ${r.reason}`);
  }
}
console.log(`graphql-http audit of ${url}: ${counts.ok} ok, ${counts.notice} notice, ${counts.warn} warn, ${counts.error} error`);
process.exit(counts.error > 0 ? 1 : 0);
