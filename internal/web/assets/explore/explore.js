// Parley's graph explorer: a page built on the public GraphQL API only.
// Its queries are the .graphql files beside it (checked against the schema
// in CI); cytoscape.js draws the graph. Every view has its own URL:
//   #/search/<text>   #/node/<id>   #/issue/<id>   #/path/<from>/<to>
import cytoscape from './vendor/cytoscape.esm.min.mjs';

const queries = {};

// gql runs one of the page's named queries. With partial, an answer with
// errors still returns its data (a field that failed is null in it).
async function gql(name, variables, partial = false, token = '') {
  if (!queries[name]) {
    const res = await fetch(`/assets/explore/queries/${name}.graphql`);
    queries[name] = await res.text();
  }
  const headers = { 'Content-Type': 'application/json', 'Accept': 'application/graphql-response+json, application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch('/query', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: queries[name], operationName: name, variables }),
  });
  const body = await res.json();
  if (body.errors && !(partial && body.data)) {
    const err = new Error(body.errors.map((e) => e.message).join('; '));
    err.graphql = body.errors;
    throw err;
  }
  return body.data;
}

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const label = (n) => n.name || n.title || n.text || n.words || n.id;
const short = (s, n = 48) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
const lower = (s) => String(s).toLowerCase().replace(/_/g, ' ');

// What each kind of link says, read from its `from` to its `to`; a
// position's link says its stance.
const linkVerbs = {
  HOLDS_POST_IN: 'holds a post in', ACTS_FOR: 'acts for', TOOK_PART_IN: 'took part in', SPOKE_AT: 'spoke at',
  ADDRESSED: 'addressed', HOLDS_POSITION_ON: 'holds a position on', COMMITS_TO: 'makes a commitment to',
  COMMITS_IN: 'makes a commitment in', COMMITS_ON: 'makes a commitment on', REQUIRES: 'requires an act of',
  FAMILY: 'is family of', MEMBER_OF: 'is a member of', PART_OF: 'is part of', AFFILIATED_WITH: 'is affiliated with',
  IN_CONTACT: 'has been in touch with', IN_ISSUE: 'belongs to the issue', SUBISSUE_OF: 'is part of the issue',
  IN_PACKAGE: 'is in the package', REFINES: 'refines', DRAFTED: 'drafted', BACKS: 'backs', PARTY_TO: 'is a party to',
  COVERS: 'covers', CLAIMS: 'claims', ABOUT: 'is about',
};
const stanceVerbs = {
  SUPPORTS: 'supports', CONDITIONALLY_SUPPORTS: 'conditionally supports', OPEN_TO: 'is open to', UNDECIDED: 'is undecided on', OPPOSES: 'opposes',
};
function verb(kind, stance) {
  if (kind === 'HOLDS_POSITION_ON' && stanceVerbs[stance]) return stanceVerbs[stance];
  return linkVerbs[kind] || lower(kind);
}

// On whose word an assertion rests: the voice (the claimant named, else a
// statement's speaker, else the source's own for the journalist) and how
// it is sourced, with the outlet it came through.
const bases = {
  ON_RECORD: 'on the record', SPOKESPERSON: 'through a spokesperson', OFFICIAL_TEXT: 'in an official text',
  ANONYMOUS_OFFICIAL: 'anonymous officials', ANALYST: 'an analyst\'s judgement', JOURNALIST: 'the journalist\'s own words',
};
function voice(n) {
  const a = n.attribution;
  const who = (a && a.by && a.by.name) || (n.speaker && n.speaker.name)
    || (a && a.basis === 'JOURNALIST' ? 'the source itself' : 'not named in the data');
  const how = a ? bases[a.basis] || lower(a.basis) : '';
  return `<p class="voice"><span class="label">Who says so</span> <b>${esc(who)}</b>${how ? ' — ' + esc(how) : ''}` +
    `${a && a.via ? ', as reported by ' + esc(a.via.name) : ''}</p>`;
}

function show(pane) {
  for (const id of ['home', 'results', 'issue', 'graph', 'reader']) $('#' + id).hidden = id !== pane;
  if (pane !== 'graph') $('#graph-title').innerHTML = '';
  // The reader is open only while its pane shows (tests wait on it).
  if (pane !== 'reader' && window.parleyExplorer) window.parleyExplorer.reader = null;
}

function details(html) {
  $('#details').innerHTML = html;
}

function failed(err) {
  details(`<p class="error">${esc(err.message)}</p>`);
}

// ---- The graph -------------------------------------------------------

const kindColours = {
  Person: '#3b7dd8', State: '#2e8b57', Organization: '#8e5fc7', Group: '#d17a22',
  Issue: '#c0392b', Proposition: '#7f8c8d', Document: '#16a0a0', Event: '#b58900', Source: '#95a5a6',
  Claim: '#e8a33d',
};
const kindShapes = {
  Person: 'ellipse', State: 'round-rectangle', Organization: 'rectangle', Group: 'hexagon',
  Issue: 'diamond', Proposition: 'round-tag', Document: 'rectangle', Event: 'star', Source: 'rectangle',
  Claim: 'round-rectangle',
};
const stanceColours = {
  SUPPORTS: '#2e9e44', CONDITIONALLY_SUPPORTS: '#9acd32', OPEN_TO: '#8a94a6', UNDECIDED: '#8a94a6', OPPOSES: '#d63031',
};

let cy;
function graph() {
  if (cy) return cy;
  cy = cytoscape({
    container: $('#cy'),
    maxZoom: 1.6,
    minZoom: 0.2,
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: {
        'background-color': (n) => kindColours[n.data('type')] || '#999',
        'shape': (n) => kindShapes[n.data('type')] || 'ellipse',
        'label': 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-max-width': 140,
        'text-valign': 'bottom', 'text-margin-y': 4, 'width': 26, 'height': 26,
        'text-background-color': '#fff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
        // Every node has the focus's border, unseen, so that the focus
        // moving never changes a node's size (the layout sized for it).
        'border-width': 4, 'border-color': '#1d2433', 'border-opacity': 0,
      } },
      // The node shown: larger, ringed, its name in bold on a dark
      // ground (see emphasise).
      { selector: 'node.centre', style: {
        'border-opacity': 1, 'width': 30, 'height': 30, 'font-size': 12, 'font-weight': 'bold', 'color': '#fff',
        'text-background-color': '#1d2433', 'text-background-opacity': 1, 'text-background-padding': 2,
        'text-background-shape': 'roundrectangle', 'z-index': 10,
      } },
      { selector: 'node.centre.tight', style: {
        'width': 26, 'height': 26, 'font-size': 11, 'font-weight': 'bold', 'color': '#1d2433',
        'text-background-color': '#fff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
      } },
      { selector: 'edge', style: {
        'width': 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8,
        'line-color': (e) => stanceColours[e.data('stance')] || (e.data('status') ? '#16a0a0' : '#b8bfcc'),
        'target-arrow-color': (e) => stanceColours[e.data('stance')] || (e.data('status') ? '#16a0a0' : '#b8bfcc'),
        'line-style': (e) => (e.data('status') ? 'dashed' : 'solid'),
      } },
      { selector: 'edge.path', style: { 'line-color': '#e8a33d', 'target-arrow-color': '#e8a33d', 'width': 5 } },
      { selector: 'node.path', style: { 'border-color': '#e8a33d', 'border-opacity': 1 } },
      { selector: ':selected', style: { 'overlay-opacity': 0.15 } },
    ],
  });
  cy.on('tap', 'node', (ev) => selectNode(ev.target.id(), true).then(() => focusOn(ev.target.id())));
  cy.on('tap', 'edge', (ev) => showEdge(ev.target));
  return cy;
}

// addNode adds a node unless it is there, and says whether it added it.
function addNode(n) {
  const c = graph();
  if (c.getElementById(n.id).length) return false;
  c.add({ group: 'nodes', data: { id: n.id, type: n.__typename, label: short(label(n)), full: label(n) } });
  return true;
}

function addLink(l) {
  const c = graph();
  // Drawn in the link's own direction, also where a path walks it back.
  const [from, to] = l.reversed ? [l.to, l.from] : [l.from, l.to];
  const id = `${l.via.id}|${l.kind}|${from.id}|${to.id}`;
  if (c.getElementById(id).length || !c.getElementById(from.id).length || !c.getElementById(to.id).length) return;
  c.add({ group: 'edges', data: {
    id, source: from.id, target: to.id, kind: l.kind, via: l.via.id, viaType: l.via.__typename,
    stance: l.via.stance, status: l.via.status,
  } });
}

// ---- Layout ------------------------------------------------------------
// Nodes are placed one at a time, each at the first free spot on rings
// around its anchor (the node that brought it in), with the spot's box
// sized to the node and its label: no node or label covers another, the
// same input gives the same picture on every load, and a node once placed
// never moves. Free means: its box, padded, meets no placed node's box.

const typeOrder = ['Issue', 'Proposition', 'Document', 'Event', 'State', 'Organization', 'Group', 'Person', 'Claim', 'Source'];
const pad = 8;

// box is a node's extent, label included, relative to its position.
function box(n) {
  const p = n.position();
  const bb = n.boundingBox({ includeLabels: true, includeOverlays: false });
  return { x1: bb.x1 - p.x, x2: bb.x2 - p.x, y1: bb.y1 - p.y, y2: bb.y2 - p.y };
}

// emphasise marks the node shown. A node placed as the view's first is
// placed drawn so, and its neighbours around it; a node placed before it
// was shown may have neighbours too close for its larger drawing, and is
// then only ringed (tight), so that it covers none of them.
function emphasise(node) {
  const c = graph();
  c.nodes().removeClass('centre tight');
  node.addClass('centre');
  const bb = (n) => n.boundingBox({ includeLabels: true, includeOverlays: false });
  const mine = bb(node);
  if (c.nodes().not(node).some((o) => o.scratch('_placed') && meets(mine, bb(o)))) node.addClass('tight');
}

function at(b, x, y) {
  return { x1: b.x1 + x - pad, x2: b.x2 + x + pad, y1: b.y1 + y - pad, y2: b.y2 + y + pad };
}

const meets = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

// place positions the unplaced nodes in ring order around the anchor.
function place(nodes, anchor) {
  const c = graph();
  const placed = c.nodes().filter((n) => n.scratch('_placed')).map((n) => at(box(n), n.position('x'), n.position('y')));
  const centre = anchor ? anchor.position() : { x: 0, y: 0 };
  const todo = nodes.filter((n) => !n.scratch('_placed')).sort((a, b) =>
    (typeOrder.indexOf(a.data('type')) - typeOrder.indexOf(b.data('type'))) || a.data('label').localeCompare(b.data('label')) || a.id().localeCompare(b.id()));
  // Spread the new nodes evenly round the anchor, away from where the
  // graph already is when the anchor is not its centre.
  let start = -Math.PI / 2;
  if (anchor && placed.length > 1) {
    const g = c.nodes().filter((n) => n.scratch('_placed')).boundingBox();
    const dx = centre.x - (g.x1 + g.x2) / 2, dy = centre.y - (g.y1 + g.y2) / 2;
    if (Math.hypot(dx, dy) > 1) start = Math.atan2(dy, dx) - Math.PI / 2;
  }
  todo.forEach((n, i) => {
    const b = box(n);
    const aim = start + (2 * Math.PI * i) / Math.max(todo.length, 1);
    const spread = Math.PI / Math.max(todo.length, 1);
    let spot = null;
    if (!placed.length) spot = { x: centre.x, y: centre.y };
    for (let r = 70; !spot; r += 10) {
      const step = Math.min(0.05, 12 / r);
      for (let k = 0; k * step <= Math.PI && !spot; k++) {
        for (const t of k === 0 ? [aim] : [aim + k * step, aim - k * step]) {
          if (Math.abs(t - aim) > spread && r < 400) continue;
          const x = centre.x + r * Math.cos(t), y = centre.y + r * Math.sin(t);
          const bx = at(b, x, y);
          if (!placed.some((o) => meets(o, bx))) { spot = { x, y }; break; }
        }
      }
    }
    n.position({ x: Math.round(spot.x), y: Math.round(spot.y) });
    n.scratch('_placed', true);
    placed.push(at(b, spot.x, spot.y));
  });
}

// focusOn centres the view on a node, zoomed so that the whole graph
// shows around it.
function focusOn(id) {
  const c = graph();
  const n = c.getElementById(id);
  if (!n.length) return;
  c.resize();
  const p = n.position();
  const bb = c.nodes().boundingBox({ includeLabels: true });
  const w = c.width() / 2 - 16, h = c.height() / 2 - 16;
  const dx = Math.max(p.x - bb.x1, bb.x2 - p.x, 1), dy = Math.max(p.y - bb.y1, bb.y2 - p.y, 1);
  const zoom = Math.max(c.minZoom(), Math.min(c.maxZoom(), w / dx, h / dy));
  c.viewport({ zoom, pan: { x: c.width() / 2 - p.x * zoom, y: c.height() / 2 - p.y * zoom } });
}

// expand adds a node's neighbourhood to the graph, placing only what is new.
async function expand(id) {
  const data = await gql('Neighbourhood', { id, hops: 1 });
  const nb = data.neighbourhood;
  const c = graph();
  const fresh = [];
  for (const n of nb.nodes) if (addNode(n)) fresh.push(c.getElementById(n.id));
  nb.links.forEach(addLink);
  const anchor = c.getElementById(id);
  // A view's first node is placed as drawn when shown, with room for it.
  if (!anchor.scratch('_placed')) { emphasise(anchor); place([anchor], null); }
  place(c.collection(fresh), anchor);
  $('#graph-note').textContent = `${c.nodes().length} nodes, ${c.edges().length} links` +
    (nb.truncated ? ' (some neighbours left out: the node has too many)' : '') + '. Click a node to expand it, a link to read its evidence.';
}

// kindName says what sort of node it is, in words.
const kindName = (n) => lower(n.__typename);

// linkMeaning says a link as a sentence: who or what, the link, whom or
// what, as the graph stores it.
function linkMeaning(from, kind, stance, to) {
  return `<p class="link-meaning"><b>${esc(from)}</b> ${esc(verb(kind, stance))} <b>${esc(to)}</b></p>`;
}

// selectNode shows a node in the panel, with its links said in words, and
// expands it if asked.
async function selectNode(id, grow) {
  try {
    const c = graph();
    // Shown before it grows, so that its new neighbours keep clear of it.
    if (c.getElementById(id).length) emphasise(c.getElementById(id));
    if (grow) await expand(id);
    const node = c.getElementById(id);
    emphasise(node);
    const info = await gql('Evidence', { id });
    const n = info.node;
    const name = label(n);
    $('#graph-title').innerHTML = `<h1 id="shown">${esc(name)}</h1><span class="kind">${esc(kindName(n))}</span>`;
    // One section per kind of link and its direction ("Russia supports
    // …", "… is about Russia"), one line per node at the other end:
    // several assertions behind the same link (two statements at one
    // event) are listed on that line, each with its own evidence.
    const sections = new Map();
    let lines = 0;
    node.connectedEdges().forEach((e) => {
      const out = e.source().id() === id;
      const other = out ? e.target() : e.source();
      const v = verb(e.data('kind'), e.data('stance'));
      const key = `${out ? 'out' : 'in'}|${v}`;
      if (!sections.has(key)) sections.set(key, { out, v, lines: new Map() });
      const ls = sections.get(key).lines;
      if (!ls.has(other.id())) { ls.set(other.id(), { other, edges: [] }); lines++; }
      ls.get(other.id()).edges.push(e);
    });
    const me = `<b>${esc(short(name, 40))}</b>`;
    const html = [...sections.values()].map(({ out, v, lines: ls }) => {
      const items = [...ls.values()].map(({ other, edges }) => {
        const first = `<button class="link" data-edge="${esc(edges[0].id())}">${esc(short(other.data('full'), 80))}</button>`;
        const more = edges.length > 1 ? `<span class="vias">${edges.length} ${esc(kindName({ __typename: edges[0].data('viaType') }))}s:
          ${edges.map((e, i) => `<button class="link via" data-edge="${esc(e.id())}" title="${esc(e.data('via'))}">${i + 1}</button>`).join(' ')}</span>` : '';
        return `<li>${first}${more}<button class="expand" data-node="${esc(other.id())}" title="Draw its neighbours">expand</button></li>`;
      }).join('');
      return `<h4 class="link-head">${out ? `${me} ${esc(v)} …` : `… ${esc(v)} ${me}`}</h4><ul class="links">${items}</ul>`;
    }).join('');
    details(`<h2>${esc(name)}</h2><span class="kind">${esc(kindName(n))}</span>
      ${n.__typename === 'Issue' ? `<p><a href="#/issue/${esc(id)}">See who stands where on this issue</a></p>` : ''}
      ${n.__typename === 'Source' ? `<p><a href="#/source/${esc(id)}">Read it, with what the graph draws from it</a></p>` : ''}
      ${assertionHTML(n)}
      <h3>Links (${lines})</h3><p class="hint">Click a line to read the words that back the link.</p>
      <div id="node-links">${html}</div>`);
    for (const b of document.querySelectorAll('#details button.link')) {
      b.onclick = () => showEdge(c.getElementById(b.dataset.edge));
    }
    for (const b of document.querySelectorAll('#details button.expand')) {
      b.onclick = () => selectNode(b.dataset.node, true).then(() => focusOn(b.dataset.node));
    }
  } catch (err) {
    failed(err);
  }
}

// assertionHTML says what an assertion (or a node with evidence) holds,
// on whose word, and in which words of the source.
function assertionHTML(n) {
  let html = '';
  if (n.attribution !== undefined || n.evidence?.length) {
    if (n.attribution !== undefined) html += `<p class="what" id="evidence-what">${esc(describe(n))}</p>${factsHTML(n)}${voice(n)}`;
    if (n.evidence?.length) html += `<h3>In the source's words</h3>${evidenceHTML(n)}`;
  }
  return html;
}

// factsHTML lists what a line does not say: conditions, red lines, status,
// beneficiaries, and a rank that marks a value wrong or superseded.
function factsHTML(n) {
  const facts = [];
  if (n.summary) facts.push(esc(n.summary));
  if (n.redLine) facts.push('<b>A red line.</b>');
  for (const c of n.conditions || []) facts.push(`On condition: ${esc(c)}`);
  if (n.status) facts.push(`Status: ${esc(lower(n.status))}`);
  if (n.beneficiaries?.length) facts.push(`For: ${esc(n.beneficiaries.map((b) => b.name).join(', '))}`);
  if (n.rank === 'DEPRECATED') facts.push(`<b>Deprecated${n.rankReason ? ' (' + esc(lower(n.rankReason)) + ')' : ''}</b>: kept for history, no longer held true.`);
  return facts.length ? `<ul class="facts">${facts.map((f) => `<li>${f}</li>`).join('')}</ul>` : '';
}

function evidenceHTML(n) {
  let html = '';
  for (const ev of n.evidence || []) {
    html += `<blockquote class="quote" data-start="${ev.start}" data-end="${ev.end}">${esc(ev.quote)}</blockquote>
      <div class="source">${esc(ev.source.title)}, characters ${ev.start}–${ev.end}
      · <a class="read" href="${readerHref(ev)}">read it in the source</a></div>`;
  }
  return html;
}

// showEdge shows what a drawn link says and what backs it.
function showEdge(e) {
  const d = e.data();
  return showEvidence(d.via, linkMeaning(e.source().data('full'), d.kind, d.stance, e.target().data('full')));
}

// showEvidence shows what backs a link (said by meaning, as a sentence):
// the assertion, on whose word, and its words in the source.
async function showEvidence(via, meaning) {
  try {
    const data = await gql('Evidence', { id: via });
    const n = data.node;
    const backed = n.attribution !== undefined
      ? `<h3>Backed by a ${esc(kindName(n))}</h3>${assertionHTML(n)}`
      : `<h3>Backed by the ${esc(kindName(n))} itself</h3><p class="what" id="evidence-what">${esc(label(n))}</p>${n.evidence?.length ? `<h3>In the source's words</h3>${evidenceHTML(n)}` : ''}`;
    details(`<h2>${meaning ? 'What this link says' : 'What the graph holds'}</h2>${meaning ? `<div id="link-meaning">${meaning}</div>` : ''}
      ${backed}
      <p class="source">Its id: <a href="#/node/${esc(n.id)}">${esc(n.id)}</a></p>`);
  } catch (err) {
    failed(err);
  }
}

async function nodeView(id) {
  show('graph');
  window.parleyExplorer.ready = null;
  graph().elements().remove();
  await selectNode(id, true);
  focusOn(id);
  window.parleyExplorer.ready = id;
}

// ---- Path --------------------------------------------------------------

async function pathView(from, to) {
  show('graph');
  $('#path-from').value = from;
  $('#path-to').value = to;
  const c = graph();
  c.elements().remove();
  try {
    const data = await gql('Path', { from, to });
    const p = data.path;
    if (!p) {
      details(`<h2>No path</h2><p>${esc(from)} and ${esc(to)} are not connected within 6 links.</p>`);
      return;
    }
    p.nodes.forEach(addNode);
    p.links.forEach(addLink);
    c.elements().addClass('path');
    // The chain from left to right, each node clear of the one before.
    let x = 0;
    p.nodes.forEach((pn, i) => {
      const n = c.getElementById(pn.id);
      const b = box(n);
      if (i > 0) x += -b.x1 + pad * 4;
      n.position({ x: Math.round(x), y: 0 });
      n.scratch('_placed', true);
      x += b.x2;
    });
    c.fit(undefined, 60);
    // Each link said as the graph stores it (a link the path walks
    // against its direction reads from its own start).
    const name = (x) => label(p.nodes.find((n) => n.id === x.id));
    const steps = p.links.map((l) => {
      const [f, t] = l.reversed ? [l.to, l.from] : [l.from, l.to];
      return `<li class="step">${linkMeaning(name(f), l.kind, l.via.stance, name(t))}
        ${l.via.attribution !== undefined ? voice(l.via) : ''}
        ${l.evidence.map((e) => `<blockquote class="quote">${esc(e.quote)}</blockquote>
        <div class="source"><a class="read" href="${readerHref(e)}">read it in the source</a></div>`).join('')}</li>`;
    }).join('');
    const ends = `${label(p.nodes[0])} to ${label(p.nodes[p.nodes.length - 1])}`;
    $('#graph-title').innerHTML = `<h1 id="shown">${esc(ends)}</h1><span class="kind">the shortest path</span>`;
    details(`<h2>${esc(ends)}: ${p.length} link${p.length === 1 ? '' : 's'}</h2>
      <ol class="links" id="path-steps">${steps}</ol>`);
    $('#graph-note').textContent = 'The shortest chain of relationships; each link with the words that back it.';
  } catch (err) {
    failed(err);
  }
}

// ---- Issue -------------------------------------------------------------

const stanceOrder = ['SUPPORTS', 'CONDITIONALLY_SUPPORTS', 'OPEN_TO', 'UNDECIDED', 'OPPOSES'];

async function issueView(id) {
  show('issue');
  try {
    const data = await gql('Issue', { id });
    const is = data.node;
    if (!is) throw new Error(`no issue ${id}`);
    const clashing = new Set(is.conflicts.edges.map((e) => e.node.proposition.id));
    const rows = is.propositions.edges.map(({ node: p }) => {
      const cells = stanceOrder.map((s) => {
        const hs = p.positions.edges.filter((e) => e.node.stance === s)
          .map((e) => `<a class="holder${e.node.redLine ? ' redline' : ''}" href="#/node/${esc(e.node.holder.id)}"
            data-position="${esc(e.node.id)}" title="${esc(e.node.speechAct.toLowerCase())}${e.node.redLine ? ', a red line' : ''}">${esc(e.node.holder.name)}</a>`);
        return `<td data-stance="${s}">${hs.join('')}</td>`;
      }).join('');
      const clash = clashing.has(p.id) ? '<div class="clash">⚡ actors clash on this</div>' : '';
      return `<tr data-proposition="${esc(p.id)}" class="${clashing.has(p.id) ? 'conflict' : ''}">
        <td class="proposition">${esc(p.text)}${p.issue.id !== is.id ? ` <span class="kind">${esc(p.issue.name)}</span>` : ''}${clash}</td>${cells}</tr>`;
    }).join('');
    $('#issue').innerHTML = `<h1>${esc(is.name)}</h1>
      ${is.description ? `<p>${esc(is.description)}</p>` : ''}
      <p>${is.parent ? `Part of <a href="#/issue/${esc(is.parent.id)}">${esc(is.parent.name)}</a>. ` : ''}
      ${is.subIssues.map((s) => `Includes <a href="#/issue/${esc(s.id)}">${esc(s.name)}</a>. `).join('')}
      <a href="#/node/${esc(is.id)}">Draw it</a>.</p>
      <table class="stances" id="issue-table"><thead><tr><th>Proposition</th>${stanceOrder.map((s) => `<th>${s.replace(/_/g, ' ').toLowerCase()}</th>`).join('')}</tr></thead>
      <tbody>${rows}</tbody></table>`;
    const conflicts = is.conflicts.edges.map(({ node: c }) => `<li><span>${esc(c.a.holder.name)} × ${esc(c.b.holder.name)}
      on “${esc(short(c.proposition.text, 70))}”</span>
      <button class="link" data-a="${esc(c.a.id)}" data-b="${esc(c.b.id)}">read both sides</button></li>`).join('');
    details(`<h2>Conflicts on ${esc(is.name)}</h2><ul class="links" id="conflicts">${conflicts || '<li>None</li>'}</ul>`);
    for (const b of document.querySelectorAll('#conflicts button')) {
      b.onclick = async () => {
        const [a, bb] = await Promise.all([gql('Evidence', { id: b.dataset.a }), gql('Evidence', { id: b.dataset.b })]);
        details(`<h2>Both sides</h2>${[a.node, bb.node].map((n) => `<h3>${esc(n.holder.name)} ${esc(verb('HOLDS_POSITION_ON', n.stance))} it</h3>
          ${factsHTML(n)}${voice(n)}${evidenceHTML(n)}`).join('')}`);
      };
    }
  } catch (err) {
    failed(err);
  }
}

// ---- Search --------------------------------------------------------------

async function searchView(q) {
  show('results');
  $('#search-input').value = q;
  try {
    const data = await gql('Search', { query: q });
    const hits = data.search.edges.map(({ node: h }) => {
      const n = h.node;
      const href = n.__typename === 'Issue' ? `#/issue/${n.id}` : `#/node/${n.id}`;
      return `<div class="result" data-id="${esc(n.id)}"><span class="kind">${esc(n.__typename)}</span>
        <a href="${esc(href)}">${esc(label(n))}</a><div class="snippet">${h.snippet.replace(/<(?!\/?b>)/g, '&lt;')}</div></div>`;
    }).join('');
    $('#results').innerHTML = `<h1>Results for “${esc(q)}”</h1>${hits || '<p>Nothing found.</p>'}`;
    details('<p>Pick a result to draw it, or an issue to see who stands where.</p>');
  } catch (err) {
    $('#results').innerHTML = `<p class="error">${esc(err.message)}</p>`;
  }
}

// ---- Source reader ---------------------------------------------------------
// #/source/<id>[/<start>-<end>]: the source's text with every span that
// evidence cites highlighted, coloured by what it backs; a click lists what
// a span backs. Which sentences no evidence cites is the server's answer
// (Source.coverage, the one `parley coverage` gives): the reader marks and
// counts exactly those, and the passages the data leaves out on purpose.
// Offsets count Unicode code points, as the API does; the page works in
// UTF-16, so the two are mapped both ways.

const backerColours = {
  Position: '#2e9e44', Statement: '#3b7dd8', Commitment: '#16a0a0', Requirement: '#c0392b',
  Role: '#8e5fc7', Relation: '#d17a22', Participation: '#b58900', Claim: '#e8a33d',
};
const assertionTypes = Object.keys(backerColours);
// An assertion is what the API says is one (it has a rank).
const isAssertion = (n) => n.rank !== undefined;

function readerHref(ev) {
  return `#/source/${encodeURIComponent(ev.source.id)}/${ev.start}-${ev.end}`;
}

// describe says in a line what an assertion (or another node) holds.
function describe(n) {
  switch (n.__typename) {
    case 'Position': return `${n.holder.name} ${verb('HOLDS_POSITION_ON', n.stance)} (${lower(n.speechAct)}): ${n.proposition.text}`;
    case 'Statement': return `${n.speaker.name}: “${n.words}”`;
    case 'Commitment': return `${n.promisors.map((p) => p.name).join(', ')} commit${n.promisors.length === 1 ? 's' : ''}${n.polarity === 'NEGATIVE' ? ' not' : ''}: ${n.obligation}`;
    case 'Requirement': return `${lower(n.requirementKind)}: ${n.description}`;
    case 'Role': return `${n.holder.name}: ${n.post}${n.organization ? ' of ' + n.organization.name : ''}`;
    case 'Relation': return `${n.subject.name} ${n.label || lower(n.kind)} ${n.object.name}`;
    case 'Participation': return `${n.actor.name} took part in ${n.event.name} (${lower(n.role)})`;
    case 'Claim': return `${n.claimant ? n.claimant.name : 'The source'} claims (${lower(n.claimKind)}): ${n.text}`;
    default: return label(n);
  }
}

// codePoints maps code point offsets to UTF-16 ones (u[cp]) and back.
function codePoints(text) {
  const u = [];
  let i = 0;
  for (const ch of text) { u.push(i); i += ch.length; }
  u.push(i);
  return { u, cp: (utf16) => { let lo = 0, hi = u.length - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (u[m] < utf16) lo = m + 1; else hi = m; } return lo; } };
}

let reader = null; // { id, src, text, map, spans, backers, coverage, marks }

async function loadSource(id) {
  const backers = [];
  let after = null, src = null, first = null;
  do {
    const data = await gql('Source', { id, after, first: !first });
    src = data.node;
    if (!src || src.__typename !== 'Source') throw new Error(`no source ${id}`);
    if (!first) first = src;
    backers.push(...src.mentions.edges.map((e) => e.node));
    after = src.mentions.pageInfo.hasNextPage ? src.mentions.pageInfo.endCursor : null;
  } while (after);
  const map = codePoints(first.text);
  const spans = [];
  for (const b of backers) {
    for (const ev of b.evidence || []) {
      if (ev.source.id !== id) continue;
      spans.push({ start: ev.start, end: ev.end, a: map.u[ev.start], b: map.u[ev.end], backer: b });
    }
  }
  // The server's coverage, as marks on the text: each sentence no evidence
  // cites, and each passage left out on purpose (once, with its reason).
  const cov = first.coverage;
  const marks = cov.uncovered.map((s) => ({ kind: 'uncited', start: s.start, end: s.end }));
  const seen = new Set();
  for (const l of cov.leftOut) {
    const key = `${l.start}-${l.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    marks.push({ kind: 'left-out', start: l.start, end: l.end, reason: l.reason });
  }
  for (const m of marks) { m.a = map.u[m.start]; m.b = map.u[m.end]; }
  return { id, src: first, text: first.text, map, spans, backers, coverage: cov, marks };
}

function renderReader(r, focus) {
  const text = r.text;
  // Cut the text wherever a span or a mark starts or ends.
  const cuts = new Set([0, text.length]);
  for (const s of [...r.spans, ...r.marks]) { cuts.add(s.a); cuts.add(s.b); }
  const points = [...cuts].sort((x, y) => x - y);
  let html = '';
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const over = r.spans.filter((sp) => sp.a <= a && b <= sp.b);
    const strong = [...new Set(over.filter((sp) => isAssertion(sp.backer)).map((sp) => sp.backer.__typename))];
    const cls = ['seg'];
    let style = '', title = '';
    if (over.length) {
      cls.push('cited');
      if (strong.length) {
        style += `background:${backerColours[strong[0]] || '#95a5a6'}2e;`;
        style += `box-shadow:${strong.map((k, j) => `inset 0 -${3 * (j + 1)}px 0 ${backerColours[k] || '#95a5a6'}`).join(',')};`;
      } else cls.push('mention');
      if (over.length > 1) cls.push('overlap');
    }
    const mark = r.marks.find((m) => m.a <= a && b <= m.b);
    if (mark) {
      cls.push(mark.kind);
      title = mark.kind === 'uncited' ? 'No evidence cites this sentence.' : `Left out on purpose: ${mark.reason}`;
    }
    html += `<span class="${cls.join(' ')}" data-u="${a}" data-n="${over.length}"${style ? ` style="${style}"` : ''}${title ? ` title="${esc(title)}"` : ''}>${esc(text.slice(a, b))}</span>`;
  }
  const cov = r.coverage;
  const assertions = r.backers.filter(isAssertion).length;
  const named = r.backers.length - assertions;
  const legend = assertionTypes
    .map((t) => `<span class="chip" style="border-color:${backerColours[t]};background:${backerColours[t]}2e">${t.toLowerCase()}</span>`).join('');
  const are = (k) => `<b>${k}</b> ${k === 1 ? 'is' : 'are'}`;
  const many = (k, one) => `${k} ${one}${k === 1 ? '' : 's'}`;
  $('#reader').innerHTML = `<h1>${esc(r.src.title)}</h1>
    <p class="source">${[r.src.publisher, r.src.published, r.src.url].filter(Boolean).map(esc).join(' · ')}</p>
    <p id="reader-counts">Of its <b>${cov.sentences}</b> sentences, ${are(cov.covered)} cited by some evidence,
      ${are(cov.leftOut.length)} left out on purpose <span class="seg left-out">(marked so: click one for the reason)</span>
      and ${are(cov.uncovered.length)} cited by nothing <span class="seg uncited">(marked so)</span>.
      ${many(r.spans.length, 'cited span')} ${r.spans.length === 1 ? 'backs' : 'back'} ${many(assertions, 'assertion')}${named ? ` and name ${many(named, 'other node')} (actors, events, issues, documents)` : ''}.</p>
    <p class="legend">Spans back: ${legend} <span class="chip mention">names a node</span> — a span over another shows both stripes.
      Click a span to see what it backs; select words to make a new statement, position, claim or commitment from them.</p>
    <div id="reader-text">${html}</div>`;
  $('#reader-text').onclick = (ev) => {
    const seg = ev.target.closest('.seg');
    if (!seg || !window.getSelection().isCollapsed) return;
    backersAt(r, Number(seg.dataset.u));
  };
  $('#reader-text').onmouseup = () => setTimeout(() => selected(r), 0);
  if (focus) {
    const [start, end] = focus.split('-').map(Number);
    const a = r.map.u[start], b = r.map.u[end];
    const segs = [...document.querySelectorAll('#reader-text .seg')].filter((s) => {
      const u = Number(s.dataset.u);
      return u >= a && u < b;
    });
    segs.forEach((s) => s.classList.add('focus'));
    if (segs.length) {
      segs[0].scrollIntoView({ block: 'center' });
      backersAt(r, Number(segs[0].dataset.u));
    }
  }
}

// backersAt lists in the panel what the spans over a point back, on whose
// word; or, where none does, why.
function backersAt(r, u) {
  const over = r.spans.filter((sp) => sp.a <= u && u < sp.b);
  const seen = new Set();
  const items = over.filter((sp) => !seen.has(sp.backer.id) && seen.add(sp.backer.id)).map((sp) => {
    const b = sp.backer;
    const colour = backerColours[b.__typename] || '#95a5a6';
    const link = isAssertion(b)
      ? `<button class="link evidence" data-id="${esc(b.id)}">evidence</button>`
      : '';
    // An assertion is drawn as a link of the graph: open its actor's graph.
    const actor = b.holder || b.speaker || (b.promisors && b.promisors[0]) || b.subject || b.actor || b.claimant;
    const target = actor && actor.id ? actor.id : b.id;
    return `<li class="backer" data-id="${esc(b.id)}"><span class="kind" style="background:${colour}33">${esc(b.__typename)}</span>
      <a href="#/node/${esc(target)}" title="${esc(b.id)}">${esc(short(describe(b), 90))}</a> ${link}
      <span class="source">characters ${sp.start}–${sp.end}</span></li>`;
  }).join('');
  const mark = r.marks.find((m) => m.a <= u && u < m.b);
  const none = !mark ? 'Nothing: no evidence cites these words.'
    : mark.kind === 'uncited' ? `No evidence cites this sentence (characters ${mark.start}–${mark.end}): what it says is not in the graph.`
      : `Characters ${mark.start}–${mark.end}, on purpose: ${mark.reason}`;
  details(`<h2>${items ? 'What this span backs' : mark?.kind === 'left-out' ? 'Left out on purpose' : 'Not cited'}</h2><ul class="links" id="backers">${items || `<li id="not-cited">${esc(none)}</li>`}</ul>`);
  for (const btn of document.querySelectorAll('#backers button.evidence')) btn.onclick = () => showEvidence(btn.dataset.id);
}

async function sourceView(id, focus) {
  show('reader');
  window.parleyExplorer.reader = null;
  try {
    reader = await loadSource(id);
    renderReader(reader, focus);
    if (!focus) details('<p>Click a highlighted span to see what it backs, or select words to curate from them.</p>');
    window.parleyExplorer.reader = id;
  } catch (err) {
    $('#reader').innerHTML = `<p class="error">${esc(err.message)}</p>`;
  }
}

// ---- Curation ----------------------------------------------------------------
// Select words in the reader, then make a statement, position or commitment
// with them as its evidence, through the public mutations with the token
// pasted once (kept in this browser's local storage). The server's problems
// are shown on the fields they name.

const tokenKey = 'parley-token';
let choices = null;

const slug = (s) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').split('-').slice(0, 5).join('-');

const forms = {
  Statement: {
    prefix: 'st',
    fields: (q) => `
      ${pick('speaker', 'Speaker', 'actors')}
      ${select('mode', 'Mode', ['DIRECT', 'INDIRECT', 'MIXED'])}
      ${area('words', 'Words (the source\'s own, within the selection)', q)}
      ${text('cueVerb', 'Cue verb (optional)', '')}
      ${pick('event', 'Event (optional)', 'events', true)}
      ${pick('expresses', 'What it voices: a position, claim or commitment', 'voiced', true)}
      ${text('expressesNothing', 'Or why it voices none (a procedural remark)', '')}`,
    input: (f, ev) => ({ speaker: f.speaker, mode: f.mode, words: f.words, cueVerb: f.cueVerb || null, event: f.event || null,
      expresses: f.expresses ? [f.expresses] : null, expressesNothing: f.expressesNothing || null, evidence: [ev] }),
  },
  Position: {
    prefix: 'pos',
    fields: () => `
      ${pick('holder', 'Holder', 'actors')}
      ${pick('proposition', 'Proposition', 'propositions')}
      ${select('stance', 'Stance', stanceOrder)}
      ${select('speechAct', 'Speech act', ['DEMANDS', 'PROPOSES', 'FLOATS', 'PROMISES', 'ACCEPTS', 'REJECTS', 'CONCEDES'])}
      ${text('summary', 'Summary (optional)', '')}`,
    input: (f, ev) => ({ holder: f.holder, proposition: f.proposition, stance: f.stance, speechAct: f.speechAct, summary: f.summary || null, evidence: [ev] }),
  },
  Claim: {
    prefix: 'claim',
    fields: (q) => `
      ${select('kind', 'Kind', ['FACT', 'ASSESSMENT', 'FORECAST'])}
      ${area('text', 'What is claimed, in a sentence', q)}
      ${select('attribution.basis', 'On whose word', ['JOURNALIST', 'ON_RECORD', 'SPOKESPERSON', 'OFFICIAL_TEXT', 'ANONYMOUS_OFFICIAL', 'ANALYST'])}
      ${pick('attribution.by', 'Claimant (optional; none for the source\'s own voice)', 'actors', true)}
      ${pick('attribution.via', 'Reported via (optional)', 'actors', true)}
      ${pick('about', 'About (optional)', 'subjects', true)}`,
    input: (f, ev) => ({ kind: f.kind, text: f.text, about: f.about ? [f.about] : null,
      attribution: { basis: f['attribution.basis'], by: f['attribution.by'] || null, via: f['attribution.via'] || null }, evidence: [ev] }),
  },
  Commitment: {
    prefix: 'com',
    fields: (q) => `
      ${pick('promisors', 'Promisor', 'actors')}
      ${area('obligation', 'Obligation', q)}
      ${select('polarity', 'Polarity', ['POSITIVE', 'NEGATIVE'])}
      ${select('status', 'Status', ['PROPOSED', 'UNDER_NEGOTIATION', 'AGREED_IN_PRINCIPLE', 'FORMALISED', 'IN_PROGRESS', 'STALLED', 'PARTIALLY_FULFILLED'])}
      ${pick('issue', 'Issue (optional)', 'issues', true)}`,
    input: (f, ev) => ({ promisors: f.promisors ? [f.promisors] : [], obligation: f.obligation, polarity: f.polarity, issue: f.issue || null,
      status: [{ status: f.status, evidence: [ev] }], evidence: [ev] }),
  },
};

function field(name, title, control) {
  return `<label class="field" data-field="${name}"><span>${esc(title)}</span>${control}<span class="problem" data-for="${name}"></span></label>`;
}
const text = (name, title, value) => field(name, title, `<input name="${name}" value="${esc(value)}">`);
const area = (name, title, value) => field(name, title, `<textarea name="${name}" rows="3">${esc(value)}</textarea>`);
const select = (name, title, values) => field(name, title, `<select name="${name}">${values.map((v) => `<option>${v}</option>`).join('')}</select>`);
function pick(name, title, list, optional = false) {
  const opts = (choices[list] || []).map((o) => `<option value="${esc(o.id)}">${esc(short(o.label, 70))}</option>`).join('');
  return field(name, title, `<select name="${name}">${optional ? '<option value="">—</option>' : '<option value="">choose…</option>'}${opts}</select>`);
}

async function loadChoices() {
  if (choices) return;
  const d = await gql('Choices', {});
  const list = (c, f) => c.edges.map((e) => ({ id: e.node.id, label: f(e.node) })).sort((a, b) => a.label.localeCompare(b.label));
  choices = { actors: list(d.actors, (n) => n.name), propositions: list(d.propositions, (n) => n.text),
    events: list(d.events, (n) => n.name), issues: list(d.issues, (n) => n.name),
    voiced: [...list(d.positions, (n) => `${n.holder.name}: ${n.proposition.text}`), ...list(d.claims, (n) => n.text),
      ...list(d.commitments, (n) => n.obligation)] };
  choices.subjects = [...choices.actors, ...choices.issues, ...choices.propositions, ...choices.events].sort((a, b) => a.label.localeCompare(b.label));
}

// selected opens the curation form on the words selected in the reader.
async function selected(r) {
  const sel = window.getSelection();
  const box = $('#reader-text');
  if (sel.isCollapsed || !sel.rangeCount || !box.contains(sel.anchorNode) || !box.contains(sel.focusNode)) return;
  const range = sel.getRangeAt(0);
  const before = document.createRange();
  before.setStart(box, 0);
  before.setEnd(range.startContainer, range.startOffset);
  let a = before.toString().length, b = a + range.toString().length;
  while (a < b && /\s/.test(r.text[a])) a++;
  while (b > a && /\s/.test(r.text[b - 1])) b--;
  if (b <= a) return;
  const quote = r.text.slice(a, b);
  const start = r.map.cp(a), end = r.map.cp(b);
  await loadChoices();
  curationForm(r, { quote, start, end }, 'Statement');
}

function curationForm(r, sel, kind) {
  const f = forms[kind];
  details(`<h2>New from the selection</h2>
    <blockquote class="quote" id="cur-quote">${esc(sel.quote)}</blockquote>
    <div class="source">characters ${sel.start}–${sel.end} of ${esc(r.src.title)}</div>
    <span class="problem" data-for="evidence"></span>
    <form id="curate" class="curate" data-start="${sel.start}" data-end="${sel.end}">
      ${field('make', 'Make a', `<select name="make">${Object.keys(forms).map((k) => `<option${k === kind ? ' selected' : ''}>${k}</option>`).join('')}</select>`)}
      ${text('id', 'Id', `${f.prefix}-${slug(sel.quote)}`)}
      ${f.fields(sel.quote)}
      ${field('token', 'Editor token (kept in this browser)', `<input name="token" type="password" autocomplete="off" value="${esc(localStorage.getItem(tokenKey) || '')}">`)}
      <button type="submit" id="cur-submit">Create ${kind.toLowerCase()}</button>
      <p class="problem" data-for="_"></p>
    </form>`);
  const form = $('#curate');
  form.elements.make.onchange = () => curationForm(r, sel, form.elements.make.value);
  form.onsubmit = async (e) => {
    e.preventDefault();
    for (const p of document.querySelectorAll('#details .problem')) p.textContent = '';
    const values = Object.fromEntries(new FormData(form).entries());
    const token = values.token.trim();
    if (token) localStorage.setItem(tokenKey, token);
    const ev = { source: r.id, quote: sel.quote, start: sel.start };
    const input = { id: values.id.trim(), ...f.input(values, ev) };
    try {
      const data = await gql('Create' + kind, { input }, false, token);
      const made = Object.values(data)[0][kind.toLowerCase()];
      reader = await loadSource(r.id);
      const span = made.evidence[0];
      renderReader(reader, `${span.start}-${span.end}`);
      await refreshGraph();
      details(`<h2>Created</h2><p id="cur-done">${esc(kind)} <a href="#/node/${esc(made.id)}">${esc(made.id)}</a>, backed by characters
        ${span.start}–${span.end}: <a class="read" href="${readerHref(span)}">see it in the source</a>.</p>`);
    } catch (err) {
      showProblems(err);
    }
  };
}

// showProblems puts each of the server's problems under the field it names
// (input.speaker, input.evidence[0].quote…), the rest under the form.
function showProblems(err) {
  const problems = (err.graphql || []).flatMap((e) => e.extensions?.problems?.length ? e.extensions.problems
    : [{ path: e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN' ? 'input.token' : '', message: e.message }]);
  if (!problems.length) problems.push({ path: '', message: err.message });
  for (const p of problems) {
    const path = (p.path || '').replace(/^input\./, '').replace(/\[\d+\]/g, '');
    const slot = document.querySelector(`#details .problem[data-for="${path}"]`)
      || document.querySelector(`#details .problem[data-for="${path.split('.')[0]}"]`)
      || document.querySelector('#details .problem[data-for="_"]');
    slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + p.message;
  }
}

// refreshGraph draws again what the graph shows, so a new link appears in
// it without a reload.
async function refreshGraph() {
  if (!cy || !cy.nodes().length) return;
  for (const n of cy.nodes().filter((x) => x.hasClass('centre')).toArray()) await expand(n.id());
}

// ---- Routing -------------------------------------------------------------

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'search': return searchView(parts.slice(1).join('/'));
    case 'node': return nodeView(parts[1]);
    case 'issue': return issueView(parts[1]);
    case 'path': return pathView(parts[1], parts[2]);
    case 'source': return sourceView(parts[1], parts[2]);
    default: show('home'); details('');
  }
}

$('#search-form').onsubmit = (e) => {
  e.preventDefault();
  location.hash = '#/search/' + encodeURIComponent($('#search-input').value.trim());
};
// resolve turns an id, or the start of an actor's name ("trump"), into an
// id. An unknown id is a null node, and the name may match.
async function resolve(text) {
  const data = await gql('Resolve', { id: text, name: text }, true);
  if (data.node) return data.node.id;
  const hit = data.actors.edges[0];
  if (hit) return hit.node.id;
  throw new Error(`nothing called “${text}”`);
}

$('#path-form').onsubmit = async (e) => {
  e.preventDefault();
  try {
    const [from, to] = await Promise.all([resolve($('#path-from').value.trim()), resolve($('#path-to').value.trim())]);
    location.hash = `#/path/${encodeURIComponent(from)}/${encodeURIComponent(to)}`;
  } catch (err) {
    show('graph');
    failed(err);
  }
};
window.addEventListener('hashchange', route);
window.parleyExplorer = { graph: () => cy, ready: null, reader: null };
route();
