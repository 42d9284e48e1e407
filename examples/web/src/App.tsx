import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useQuery, useSubscription } from 'urql';
import { ActorPositionsQuery, ActorsQuery, PositionChangesSubscription } from './queries';
import type { PositionChangesSubscription as PositionChange, PositionItemFragment } from './gql/graphql';
import type { LiveState } from './client';

interface AppProps {
  api: string;
  initialActor: string | null;
  pageSize: number;
  live: LiveState;
}

export function App({ api, initialActor, pageSize, live }: AppProps) {
  const [actor, setActor] = useState<string | null>(initialActor);
  const status = useSyncExternalStore(live.subscribe, live.get);
  return (
    <main>
      <header>
        <h1>Parley: who stands where</h1>
        <p className="api">
          API <code>{api}</code>{' '}
          <span className={'live ' + status} data-testid="live">
            {status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : 'live updates off (reconnecting)'}
          </span>
        </p>
        <ActorPicker current={actor} onPick={setActor} />
      </header>
      {actor ? <Positions key={actor} actor={actor} pageSize={pageSize} /> : <p>Pick an actor.</p>}
    </main>
  );
}

function ActorPicker({ current, onPick }: { current: string | null; onPick: (id: string) => void }) {
  const [name, setName] = useState('');
  const [{ data, error }] = useQuery({ query: ActorsQuery, variables: { name: name || null, first: 100 } });
  return (
    <label className="picker">
      Actor{' '}
      <input value={name} placeholder="a word of a name" onChange={(e) => setName(e.target.value)} />{' '}
      <select
        aria-label="actor"
        value={current ?? ''}
        onChange={(e) => e.target.value && onPick(e.target.value)}
      >
        <option value="">—</option>
        {current && !data?.actors.edges.some((e) => e.node.id === current) && <option value={current}>{current}</option>}
        {data?.actors.edges.map(({ node }) => (
          <option key={node.id} value={node.id}>
            {node.name} ({node.__typename})
          </option>
        ))}
      </select>
      {error && <span className="error"> {error.message}</span>}
    </label>
  );
}

// The actor's positions, a page at a time: each page is its own query
// (Relay's first/after), the first from the start, each later one after the
// endCursor the page before it has now; "More" adds a page. Pages are kept
// by their index, not by the cursor they were opened with, so they stay
// contiguous when a position is added or moved before a page's boundary
// (the page before ends elsewhere, and the page after follows it).
// When a position the page shows changes, or one that is (now) the actor's
// (the subscription), every page shown is read again from the server; a
// change to another actor's position is let pass.
function Positions({ actor, pageSize }: { actor: string; pageSize: number }) {
  const [pages, setPages] = useState(1);
  // Each page's endCursor as last read, by index (null: it is empty).
  const [ends, setEnds] = useState<(string | null)[]>([]);
  // The ids each page shows, by index.
  const shown = useRef(new Map<number, string[]>());
  const onShown = useCallback((index: number, ids: string[], end: string | null) => {
    shown.current.set(index, ids);
    setEnds((prev) => {
      if (prev[index] === end) return prev;
      const next = [...prev];
      next[index] = end;
      return next;
    });
  }, []);
  const concerns = (c: PositionChange['changes']) =>
    (c.node != null && 'holder' in c.node && c.node.holder.id === actor) ||
    [...shown.current.values()].some((ids) => ids.includes(c.nodeId));
  const [{ data: last }] = useSubscription(
    { query: PositionChangesSubscription },
    (prev: PositionChange | undefined, next: PositionChange) =>
      concerns(next.changes) ? next : (prev ?? { changes: { ...next.changes, seq: 0 } }),
  );
  const seq = last?.changes.seq ?? 0;
  const more = useCallback(() => setPages((n) => n + 1), []);
  // A page is shown once the page before it has an end to follow; one after
  // an empty page would start from the beginning again, so it waits.
  const after = (i: number) => (i === 0 ? null : (ends[i - 1] ?? undefined));
  return (
    <section className="positions" data-seq={seq}>
      {Array.from({ length: pages }, (_, i) => i).map((i) => {
        const a = after(i);
        return a === undefined ? null : (
          <Page
            key={i}
            index={i}
            actor={actor}
            first={pageSize}
            after={a}
            seq={seq}
            onShown={onShown}
            onMore={i === pages - 1 ? more : undefined}
          />
        );
      })}
    </section>
  );
}

interface PageProps {
  index: number;
  actor: string;
  first: number;
  after: string | null;
  seq: number;
  onShown: (index: number, ids: string[], endCursor: string | null) => void;
  onMore?: () => void;
}

function Page({ index, actor, first, after, seq, onShown, onMore }: PageProps) {
  // cache-and-network: when the page before now ends elsewhere, this page's
  // cursor changes, and a page read earlier at that cursor may be out of date.
  const [{ data, fetching, error }, reread] = useQuery({
    query: ActorPositionsQuery,
    variables: { id: actor, first, after },
    requestPolicy: 'cache-and-network',
  });
  // Read again once for each change that concerns the pages (not again when
  // only the cursor moved: that is a new query already).
  const read = useRef(seq);
  useEffect(() => {
    if (seq > read.current) {
      read.current = seq;
      reread({ requestPolicy: 'network-only' });
    }
  }, [seq, reread]);
  const node = data?.node;
  useEffect(() => {
    if (node && 'positions' in node)
      onShown(index, node.positions.edges.map((e) => e.node.id), node.positions.pageInfo.endCursor ?? null);
  }, [node, index, onShown]);
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return fetching ? <p className="loading">Loading…</p> : null;
  if (!node) return <p className="error">No node with id {actor}.</p>;
  if (!('positions' in node)) return <p className="error">{actor} is a {node.__typename}, not an actor.</p>;
  const { positions } = node;
  return (
    <>
      {index === 0 && (
        <h2>
          {node.name} <small>({node.__typename})</small>{' '}
          <span className="count" data-testid="total">
            {positions.totalCount} positions
          </span>
        </h2>
      )}
      <ol className="page" data-testid="page">
        {positions.edges.map(({ node: p }) => (
          <PositionCard key={p.id} p={p} />
        ))}
      </ol>
      {onMore && positions.pageInfo.hasNextPage && positions.pageInfo.endCursor && <MoreButton onClick={onMore} />}
    </>
  );
}

function MoreButton({ onClick }: { onClick: () => void }) {
  const [clicked, setClicked] = useState(false);
  useEffect(() => setClicked(false), [onClick]);
  return (
    <button
      type="button"
      className="more"
      disabled={clicked}
      onClick={() => {
        setClicked(true);
        onClick();
      }}
    >
      More
    </button>
  );
}

const stanceWords: Record<string, string> = {
  SUPPORTS: 'for',
  OPPOSES: 'against',
  CONDITIONALLY_SUPPORTS: 'for, on conditions',
  OPEN_TO: 'open to',
  UNDECIDED: 'undecided on',
};

function PositionCard({ p }: { p: PositionItemFragment }) {
  return (
    <li className="position" data-id={p.id} data-version={p.version}>
      <p className="claim">
        <span className={'stance ' + p.stance.toLowerCase()}>{stanceWords[p.stance] ?? p.stance}</span>{' '}
        {p.proposition.text}
        {p.redLine && <span className="redline"> red line</span>}
      </p>
      {p.summary && <p className="summary">{p.summary}</p>}
      {p.conditions.length > 0 && (
        <ul className="conditions">
          {p.conditions.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
      {p.evidence.map((e) => (
        <blockquote key={`${e.source.id}:${e.start}`} className="evidence">
          <q>{e.quote}</q>
          <cite>
            {e.source.url ? <a href={e.source.url}>{e.source.title}</a> : e.source.title}
            {e.source.publisher && `, ${e.source.publisher}`}
          </cite>
        </blockquote>
      ))}
    </li>
  );
}
