import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWSClient, type Client as WSClient } from 'graphql-ws';

export interface Settings {
  /** The GraphQL endpoint, absolute. */
  api: string;
  /** The actor to show first, if any. */
  actor: string | null;
  /** Positions per page. */
  pageSize: number;
}

// The page's query string chooses the server and the actor:
//   ?api=http://127.0.0.1:8080/query&actor=zelenskyy&first=5
// Without api, the page's own origin's /query (npm run dev proxies it to a
// parley serve); VITE_PARLEY_API at build time sets another default.
export function settings(loc: Location): Settings {
  const q = new URLSearchParams(loc.search);
  const fallback = import.meta.env.VITE_PARLEY_API || '/query';
  const api = new URL(q.get('api') || fallback, loc.href).toString();
  const first = Number.parseInt(q.get('first') || '', 10);
  return {
    api,
    actor: q.get('actor'),
    pageSize: Number.isInteger(first) && first > 0 && first <= 100 ? first : 5,
  };
}

/** The websocket address of an http(s) GraphQL endpoint: the same path. */
export function wsURL(api: string): string {
  const u = new URL(api);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export type LiveStatus = 'connecting' | 'live' | 'closed';

/** The websocket's state, for the page to show (useSyncExternalStore). */
export class LiveState {
  status: LiveStatus = 'connecting';
  private listeners = new Set<() => void>();
  set(s: LiveStatus) {
    this.status = s;
    this.listeners.forEach((l) => l());
  }
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  get = () => this.status;
}

// Queries go over HTTP; subscriptions over one websocket (graphql-ws, the
// graphql-transport-ws protocol), which reconnects when it drops. Reads
// need no token; a server run with --require-token would want one in
// connectionParams.
export function makeClient(api: string, live: LiveState): { client: Client; ws: WSClient } {
  const ws = createWSClient({
    url: wsURL(api),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => live.set('live'),
      closed: () => live.set('closed'),
      connecting: () => live.set('connecting'),
    },
  });
  const client = new Client({
    url: api,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, ws };
}
