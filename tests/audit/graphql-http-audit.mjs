// The graphql-http server audit (GraphQL over HTTP conformance) against a running server.
// Usage: node graphql-http-audit.mjs http://127.0.0.1:8000/graphql
// Prints every audit's result; exits 1 when any is not ok (warnings included).
import { auditServer } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node graphql-http-audit.mjs <graphql endpoint URL>");
  process.exit(2);
}

const results = await auditServer({ url });
let failures = 0;
for (const result of results) {
  const line = `${result.status.toUpperCase().padEnd(6)} ${result.id} ${result.name}`;
  if (result.status === "ok") {
    console.log(line);
    continue;
  }
  failures += 1;
  const response = result.response;
  const body = response ? await response.text().catch(() => "") : "";
  console.log(`${line}\n       ${result.reason}`);
  if (response) {
    console.log(
      `       got ${response.status} ${response.headers.get("content-type") ?? ""}: ${body.slice(0, 300)}`,
    );
  }
}
const ok = results.length - failures;
console.log(`\n${ok} ok, ${failures} not ok, of ${results.length} audits`);
process.exit(failures ? 1 : 0);
