// Walks every page of the account with Letta's official TypeScript SDK,
// the way an SDK user would: offset += tokens.length until hasNextPage is
// false. argv[2] is the page size (default 100). Prints {"count", "pages",
// "ms"} as JSON: the tokens listed, the requests made, and the elapsed
// milliseconds of the walk alone, for comparing with
// `letta-tokens list --all` against the same server (BENCHMARKS.md). On an
// API error prints {"error": {"name", "status"}} and exits 3.
import Letta from '@letta-ai/letta-client';

const limit = Number(process.argv[2] ?? 100);
const client = new Letta({ maxRetries: 0 });
try {
  const start = performance.now();
  let offset = 0;
  let pages = 0;
  for (;;) {
    const page = await client.accessTokens.list({ limit, offset });
    pages++;
    offset += page.tokens.length;
    if (!page.hasNextPage || page.tokens.length === 0) break;
  }
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ count: offset, pages, ms: Math.round(ms * 10) / 10 }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { name: err.constructor.name, status: err.status ?? null } }));
  process.exit(3);
}
