// GraphiQL for this service, bundled with its styles and fonts: nothing comes from a CDN.
// Queries and mutations go to /graphql over HTTP; subscriptions over graphql-ws on the
// same path, signed in with the headers tab's Authorization (sent in connection_init).
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { setNonce } from "get-nonce";
import { GraphiQL } from "graphiql";
import { parse } from "graphql";
import "graphiql/style.css";
import "./page.css";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

// The one style element GraphiQL adds itself (dialogs' scroll lock) carries the page's
// nonce, which the Content-Security-Policy of this response allows.
setNonce(document.querySelector('meta[name="csp-nonce"]').content);

const endpoint = new URL("/graphql", window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

const send = createGraphiQLFetcher({
  url: endpoint.href,
  subscriptionUrl: socket.href,
  // GraphQL over HTTP's own media type, so a malformed query is told with a 400.
  headers: { accept: "application/graphql-response+json, application/json;q=0.9" },
  enableIncrementalDelivery: false,
});

// GraphiQL hands the fetcher the document it parsed when typing last paused (100 ms
// after), so a subscription pasted and run at once went over HTTP and was refused. The
// transport is chosen from the text being sent instead; text that does not parse goes
// over HTTP, whose answer says what is wrong with it.
function fetcher(params, options) {
  let documentAST;
  try {
    documentAST = parse(params.query);
  } catch {
    documentAST = undefined;
  }
  return send(params, { ...options, documentAST });
}

const FIRST_QUERY = `# Clinic portal booking API: run with ▶ (Ctrl-Enter).
# To sign in, take the token from the login mutation
# and put {"Authorization": "Bearer <token>"} in
# Headers below (subscriptions sign in with it too).
{
  clinic { name timeZone settings { holdMinutes approvalRequired } }
  practitioners { id name services { id name durationMinutes } }
}
`;

createRoot(document.getElementById("graphiql")).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: FIRST_QUERY,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
  }),
);
