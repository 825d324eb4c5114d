// What both pages share: GraphQL over HTTP (asking for the page's language), a graphql-ws client,
// the signed-in session (a bearer token kept for this browser tab only).
import { createClient } from 'graphql-ws';
import { language } from './words.js';

// The server closes a socket with 4401 when its sign-in session ends (sign-out anywhere,
// a password change, the token's expiry), and answers HTTP 401 to a token it no longer knows.
export const SESSION_ENDED = 4401;

export class SessionEnded extends Error {}

export async function graphql(query, variables = {}, token = null) {
  // Problems come back in the page's language.
  const headers = { 'content-type': 'application/json', 'accept-language': language };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) throw new SessionEnded('Your session has ended.');
  const body = await response.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

// One socket per page and sign-in, signed in once through connection_init. It reconnects
// by itself after a network fault; a session that ended (4401) is final, and `onSessionEnded`
// is told so the page can sign out.
export function liveClient(token, onSessionEnded = () => {}) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  return createClient({
    url,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 1000,
    shouldRetry: (event) => event?.code !== SESSION_ENDED,
    on: {
      closed: (event) => {
        if (event?.code === SESSION_ENDED) onSessionEnded();
      },
    },
  });
}

// Subscribe so that a lost socket loses nothing: each event's `cursor` is kept as the
// subscription's `since`, which graphql-ws sends again when it reconnects and
// resubscribes, and the server first replays what happened meanwhile. Only when its
// history no longer reaches back (RESYNC_REQUIRED) is `onResync` told to re-read.
export const RESYNC_REQUIRED = 'RESYNC_REQUIRED';

export function subscribeResuming(client, query, variables, onData, onResync, onEnd) {
  const payload = { query, variables: { ...variables, since: null } };
  return client.subscribe(payload, {
    next: (result) => {
      const resync = result.errors?.some((e) => e.extensions?.code === RESYNC_REQUIRED);
      if (resync) return onResync();
      if (result.errors) return onEnd(result.errors);
      const cursor = Object.values(result.data ?? {})[0]?.cursor;
      if (cursor) payload.variables.since = cursor;
      return onData(result.data);
    },
    error: (error) => onEnd(error),
    complete: () => onEnd(null),
  });
}

// The token lives in sessionStorage, one per page: it survives a reload, not the closing
// of the tab, and the staff panel's sign-in never becomes the booking page's.
const TOKEN_KEY = 'portal-token:' + location.pathname;
export const savedToken = () => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

export const instant = (iso) => Date.parse(iso);

// "4:59": minutes and seconds left until an instant (never below zero).
export function left(untilMs, nowMs = Date.now()) {
  const seconds = Math.max(0, Math.ceil((untilMs - nowMs) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'onclick') node.addEventListener('click', value);
    else if (name === 'onsubmit') {
      node.addEventListener('submit', (event) => {
        event.preventDefault();
        value(event);
      });
    } else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// A form's button is disabled while its operation runs, so a double click sends it once.
export async function busy(button, work) {
  if (button) button.disabled = true;
  try {
    return await work();
  } finally {
    if (button) button.disabled = false;
  }
}
