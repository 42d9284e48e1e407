import { Client, cacheExchange, fetchExchange } from 'urql';

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

export function makeClient(api: string): Client {
  return new Client({
    url: api,
    exchanges: [cacheExchange, fetchExchange],
  });
}
