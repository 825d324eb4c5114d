// What both pages share: GraphQL over HTTP, a graphql-ws client, and small helpers.
import { createClient } from 'graphql-ws';

export async function graphql(query, variables = {}, token = null) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

// One socket per page, signed in once through connection_init; it reconnects by itself.
export function liveClient(token) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  return createClient({
    url,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 1000,
    shouldRetry: () => true,
  });
}

// Subscribe; `onData` gets each result's data, `onEnd` is told when the stream stops
// (an error, or the server ending it) so the page can re-read and subscribe again.
export function subscribe(client, query, variables, onData, onEnd) {
  return client.subscribe(
    { query, variables },
    {
      next: (result) => (result.errors ? onEnd(result.errors) : onData(result.data)),
      error: (error) => onEnd(error),
      complete: () => onEnd(null),
    },
  );
}

// Times come with the clinic's own UTC offset, so the clinic's wall clock is in the text.
export const clock = (iso) => iso.slice(11, 16);
export const day = (iso) =>
  new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC',
  });
export const instant = (iso) => Date.parse(iso);

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function show(id, text, kind = 'info') {
  const node = document.getElementById(id);
  node.textContent = text;
  node.dataset.kind = kind;
}
