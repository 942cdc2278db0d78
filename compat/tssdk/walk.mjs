// Walks every page of the account with Letta's official TypeScript SDK,
// the way an SDK user would: offset += tokens.length until hasNextPage is
// false. argv[2] is the page size (default 100). Prints {"count", "pages",
// "ms"} as JSON: the tokens listed, the requests made, and the elapsed
// milliseconds of the walk alone, for comparing with
// `letta-tokens list --all` against the same server (BENCHMARKS.md). On an
// API error prints {"error": {"name", "status"}} and exits 3.
//
// With argv[3] "default-retries" the client keeps the SDK's default retries
// (2) instead of none, as against a mock serving faults, and the output
// adds "distinct": how many different token values the walk saw.
import Letta from '@letta-ai/letta-client';

const limit = Number(process.argv[2] ?? 100);
const defaultRetries = process.argv[3] === 'default-retries';
const client = new Letta(defaultRetries ? {} : { maxRetries: 0 });
try {
  const start = performance.now();
  let offset = 0;
  let pages = 0;
  const seen = defaultRetries ? new Set() : null;
  for (;;) {
    const page = await client.accessTokens.list({ limit, offset });
    pages++;
    offset += page.tokens.length;
    if (seen) for (const t of page.tokens) seen.add(t.token);
    if (!page.hasNextPage || page.tokens.length === 0) break;
  }
  const ms = performance.now() - start;
  const out = { count: offset, pages, ms: Math.round(ms * 10) / 10 };
  if (seen) out.distinct = seen.size;
  process.stdout.write(JSON.stringify(out));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { name: err.constructor.name, status: err.status ?? null } }));
  process.exit(3);
}
