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

// The actor's positions, a page at a time: each page is its own query with
// the cursor of the page before (Relay's first/after); "More" adds a page.
// When a position the page shows changes, or one that is (now) the actor's
// (the subscription), every page shown is read again from the server; a
// change to another actor's position is let pass.
function Positions({ actor, pageSize }: { actor: string; pageSize: number }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  // The ids each page shows, by its cursor.
  const shown = useRef(new Map<string, string[]>());
  const onShown = useCallback((after: string | null, ids: string[]) => shown.current.set(after ?? '', ids), []);
  const concerns = (c: PositionChange['changes']) =>
    (c.node != null && 'holder' in c.node && c.node.holder.id === actor) ||
    [...shown.current.values()].some((ids) => ids.includes(c.nodeId));
  const [{ data: last }] = useSubscription(
    { query: PositionChangesSubscription },
    (prev: PositionChange | undefined, next: PositionChange) =>
      concerns(next.changes) ? next : (prev ?? { changes: { ...next.changes, seq: 0 } }),
  );
  const seq = last?.changes.seq ?? 0;
  return (
    <section className="positions" data-seq={seq}>
      {cursors.map((after, i) => (
        <Page
          key={after ?? ''}
          actor={actor}
          first={pageSize}
          after={after}
          seq={seq}
          header={i === 0}
          onShown={onShown}
          onMore={i === cursors.length - 1 ? (next) => setCursors([...cursors, next]) : undefined}
        />
      ))}
    </section>
  );
}

interface PageProps {
  actor: string;
  first: number;
  after: string | null;
  seq: number;
  header: boolean;
  onShown: (after: string | null, ids: string[]) => void;
  onMore?: (endCursor: string) => void;
}

function Page({ actor, first, after, seq, header, onShown, onMore }: PageProps) {
  const [{ data, fetching, error }, reread] = useQuery({
    query: ActorPositionsQuery,
    variables: { id: actor, first, after },
  });
  useEffect(() => {
    if (seq > 0) reread({ requestPolicy: 'network-only' });
  }, [seq, reread]);
  const node = data?.node;
  useEffect(() => {
    if (node && 'positions' in node) onShown(after, node.positions.edges.map((e) => e.node.id));
  }, [node, after, onShown]);
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return fetching ? <p className="loading">Loading…</p> : null;
  if (!node) return <p className="error">No node with id {actor}.</p>;
  if (!('positions' in node)) return <p className="error">{actor} is a {node.__typename}, not an actor.</p>;
  const { positions } = node;
  return (
    <>
      {header && (
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
      {onMore && positions.pageInfo.hasNextPage && positions.pageInfo.endCursor && (
        <MoreButton onClick={() => onMore(positions.pageInfo.endCursor!)} />
      )}
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
