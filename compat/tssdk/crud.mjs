// Runs create, list and delete with Letta's official TypeScript SDK,
// configured only by LETTA_API_KEY and LETTA_BASE_URL, as an SDK user would
// be. argv[2] is JSON: {"create": {hostname, policy, expires_at}, "list":
// {limit, offset, agentId}}. It creates the token, lists with the query,
// deletes the token, and lists again; it prints
// {"created", "listed", "deleted", "after"} as JSON (the pages as the SDK
// returned them). On an API error it prints {"error": {"name", "status",
// "step"}} and exits 3.
import Letta from '@letta-ai/letta-client';

const { create, list } = JSON.parse(process.argv[2] ?? '{}');
const client = new Letta({ maxRetries: 0 });
let step = 'create';
try {
  const created = await client.accessTokens.create(create);
  step = 'list';
  const listed = await client.accessTokens.list(list);
  step = 'delete';
  const deleted = await client.accessTokens.delete(created.token);
  step = 'list after delete';
  const after = await client.accessTokens.list(list);
  process.stdout.write(JSON.stringify({ created, listed, deleted: deleted ?? null, after }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { name: err.constructor.name, status: err.status ?? null, step } }));
  process.exit(3);
}
