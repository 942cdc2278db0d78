// Calls client.accessTokens.list once with Letta's official TypeScript SDK,
// configured only by LETTA_API_KEY and LETTA_BASE_URL, as an SDK user would
// be. argv[2] is the JSON query ({limit, offset, agentId}). Prints the page
// as JSON; on an API error prints {"error": {"name", "status"}} and exits 3.
import Letta from '@letta-ai/letta-client';

const query = JSON.parse(process.argv[2] ?? '{}');
const client = new Letta({ maxRetries: 0 });
try {
  const page = await client.accessTokens.list(query);
  process.stdout.write(JSON.stringify(page));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { name: err.constructor.name, status: err.status ?? null } }));
  process.exit(3);
}
