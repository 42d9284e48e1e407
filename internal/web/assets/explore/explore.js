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
const label = (n) => n.name || n.title || n.text || n.id;
const short = (s, n = 48) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

function show(pane) {
  for (const id of ['home', 'results', 'issue', 'graph', 'reader']) $('#' + id).hidden = id !== pane;
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
      { selector: 'node.centre', style: { 'border-opacity': 1 } },
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
  cy.on('tap', 'edge', (ev) => showEvidence(ev.target.data('via'), ev.target.data()));
  return cy;
}

// addNode adds a node unless it is there, and says whether it added it.
function addNode(n) {
  const c = graph();
  if (c.getElementById(n.id).length) return false;
  c.add({ group: 'nodes', data: { id: n.id, type: n.__typename, label: short(label(n)) } });
  return true;
}

function addLink(l) {
  const c = graph();
  const id = `${l.via.id}|${l.kind}|${l.from.id}|${l.to.id}`;
  if (c.getElementById(id).length || !c.getElementById(l.from.id).length || !c.getElementById(l.to.id).length) return;
  c.add({ group: 'edges', data: {
    id, source: l.from.id, target: l.to.id, kind: l.kind, via: l.via.id, viaType: l.via.__typename,
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
  if (!anchor.scratch('_placed')) place([anchor], null);
  place(c.collection(fresh), anchor);
  $('#graph-note').textContent = `${c.nodes().length} nodes, ${c.edges().length} links` +
    (nb.truncated ? ' (some neighbours left out: the node has too many)' : '') + '. Click a node to expand it, a link to read its evidence.';
}

// selectNode shows a node's links in the panel, and expands it if asked.
async function selectNode(id, grow) {
  try {
    if (grow) await expand(id);
    const c = graph();
    const node = c.getElementById(id);
    c.nodes().removeClass('centre');
    node.addClass('centre');
    const info = await gql('Evidence', { id });
    const n = info.node;
    // One line per kind of link and node at the other end: several
    // assertions behind the same link (two statements at one event) are
    // listed on that line, each with its own evidence.
    const groups = new Map();
    node.connectedEdges().forEach((e) => {
      const other = e.source().id() === id ? e.target() : e.source();
      const key = `${e.data('kind')}|${other.id()}`;
      if (!groups.has(key)) groups.set(key, { kind: e.data('kind'), other, edges: [] });
      groups.get(key).edges.push(e);
    });
    const items = [...groups.values()].map(({ kind, other, edges }) => {
      const first = `<button class="link" data-edge="${esc(edges[0].id())}">${esc(other.data('label'))}</button>`;
      const more = edges.length > 1 ? `<span class="vias">${edges.length} ${esc(edges[0].data('viaType').toLowerCase())}s:
        ${edges.map((e, i) => `<button class="link via" data-edge="${esc(e.id())}" title="${esc(e.data('via'))}">${i + 1}</button>`).join(' ')}</span>` : '';
      return `<li><span class="kind">${esc(kind)}</span>${first}${more}
        <button class="expand" data-node="${esc(other.id())}" title="Draw its neighbours">expand</button></li>`;
    }).join('');
    details(`<h2>${esc(node.data('label') || id)}</h2><span class="kind">${esc(n.__typename)}</span>
      ${n.__typename === 'Issue' ? `<p><a href="#/issue/${esc(id)}">See who stands where on this issue</a></p>` : ''}
      ${n.__typename === 'Source' ? `<p><a href="#/source/${esc(id)}">Read it, with what the graph draws from it</a></p>` : ''}
      ${evidenceHTML(n)}
      <h3>Links (${groups.size})</h3><ul class="links">${items}</ul>`);
    for (const b of document.querySelectorAll('#details button.link')) {
      b.onclick = () => { const e = c.getElementById(b.dataset.edge); showEvidence(e.data('via'), e.data()); };
    }
    for (const b of document.querySelectorAll('#details button.expand')) {
      b.onclick = () => selectNode(b.dataset.node, true).then(() => focusOn(b.dataset.node));
    }
  } catch (err) {
    failed(err);
  }
}

function evidenceHTML(n) {
  let html = '';
  if (n.attribution) {
    const a = n.attribution;
    html += `<p class="attribution">On the word of: ${esc(a.basis.replace(/_/g, ' ').toLowerCase())}` +
      `${a.by ? ' — ' + esc(a.by.name) : ''}${a.via ? ', as reported by ' + esc(a.via.name) : ''}</p>`;
  }
  for (const ev of n.evidence || []) {
    html += `<blockquote class="quote" data-start="${ev.start}" data-end="${ev.end}">${esc(ev.quote)}</blockquote>
      <div class="source">${esc(ev.source.title)}, characters ${ev.start}–${ev.end}
      · <a class="read" href="${readerHref(ev)}">read it in the source</a></div>`;
  }
  return html;
}

// showEvidence shows what backs a link: the assertion and its words.
async function showEvidence(via, edge) {
  try {
    const data = await gql('Evidence', { id: via });
    const n = data.node;
    let what = '';
    if (n.__typename === 'Position') what = `${esc(n.holder.name)} <b>${esc(n.stance.toLowerCase().replace(/_/g, ' '))}</b> (${esc(n.speechAct.toLowerCase())}): ${esc(n.proposition.text)}`;
    else if (n.__typename === 'Commitment') what = `${esc(n.promisors.map((p) => p.name).join(', '))} commit${n.polarity === 'NEGATIVE' ? ' not' : ''}: ${esc(n.obligation)} <span class="kind">${esc(n.status)}</span>`;
    else if (n.__typename === 'Role') what = `${esc(n.holder.name)}: ${esc(n.post)}${n.organization ? ' of ' + esc(n.organization.name) : ''}`;
    else if (n.__typename === 'Relation') what = `${esc(n.subject.name)} ${esc(n.label || n.kind)} ${esc(n.object.name)}`;
    else if (n.__typename === 'Participation') what = `${esc(n.actor.name)} took part in ${esc(n.event.name)} (${esc(n.role.toLowerCase())})`;
    else if (n.__typename === 'Statement') what = `${esc(n.speaker.name)}: “${esc(n.words)}”`;
    else if (n.__typename === 'Claim') what = `${esc(n.claimant ? n.claimant.name : 'The source')} claims (${esc(n.claimKind.toLowerCase())}): ${esc(n.text)}`;
    details(`<h2>${esc(edge ? edge.kind.replace(/_/g, ' ').toLowerCase() : n.__typename)}</h2>
      <p id="evidence-what">${what}</p>${evidenceHTML(n)}
      <p class="source">Backed by <a href="#/node/${esc(n.id)}">${esc(n.__typename)} ${esc(n.id)}</a></p>`);
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
    const steps = p.links.map((l, i) => `<li class="step"><span class="kind">${esc(l.kind)}</span>
      ${esc(label(p.nodes.find((n) => n.id === l.from.id)))} → ${esc(label(p.nodes.find((n) => n.id === l.to.id)))}
      ${l.evidence.map((e) => `<blockquote class="quote">${esc(e.quote)}</blockquote>
        <div class="source"><a class="read" href="${readerHref(e)}">read it in the source</a></div>`).join('')}</li>`).join('');
    details(`<h2>${esc(label(p.nodes[0]))} to ${esc(label(p.nodes[p.nodes.length - 1]))}: ${p.length} link${p.length === 1 ? '' : 's'}</h2>
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
    const conflicts = is.conflicts.edges.map(({ node: c }) => `<li>${esc(c.a.holder.name)} × ${esc(c.b.holder.name)}
      <button class="link" data-a="${esc(c.a.id)}" data-b="${esc(c.b.id)}">read both sides</button></li>`).join('');
    details(`<h2>Conflicts on ${esc(is.name)}</h2><ul class="links" id="conflicts">${conflicts || '<li>None</li>'}</ul>`);
    for (const b of document.querySelectorAll('#conflicts button')) {
      b.onclick = async () => {
        const [a, bb] = await Promise.all([gql('Evidence', { id: b.dataset.a }), gql('Evidence', { id: b.dataset.b })]);
        details(`<h2>Both sides</h2>${[a.node, bb.node].map((n) => `<h3>${esc(n.holder.name)}: ${esc(n.stance.toLowerCase())}</h3>${evidenceHTML(n)}`).join('')}`);
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
// a span backs; sentences no evidence cites are marked and counted.
// Offsets count Unicode code points, as the API does; the page works in
// UTF-16, so the two are mapped both ways.

const backerColours = {
  Position: '#2e9e44', Statement: '#3b7dd8', Commitment: '#16a0a0', Requirement: '#c0392b',
  Role: '#8e5fc7', Relation: '#d17a22', Participation: '#b58900', Claim: '#e8a33d',
};
const assertionTypes = Object.keys(backerColours);
const isAssertion = (t) => assertionTypes.includes(t);

function readerHref(ev) {
  return `#/source/${encodeURIComponent(ev.source.id)}/${ev.start}-${ev.end}`;
}

// describe says in a line what a node of the reader backs.
function describe(n) {
  switch (n.__typename) {
    case 'Position': return `${n.holder.name} ${n.stance.toLowerCase().replace(/_/g, ' ')} (${n.speechAct.toLowerCase()}): ${n.proposition.text}`;
    case 'Statement': return `${n.speaker.name}: “${n.words}”`;
    case 'Commitment': return `${n.promisors.map((p) => p.name).join(', ')} commit${n.polarity === 'NEGATIVE' ? ' not' : ''}: ${n.obligation}`;
    case 'Requirement': return `${n.requirementKind.toLowerCase().replace(/_/g, ' ')}: ${n.description}`;
    case 'Role': return `${n.holder.name}: ${n.post}${n.organization ? ' of ' + n.organization.name : ''}`;
    case 'Relation': return `${n.subject.name} ${n.label || n.kind.toLowerCase().replace(/_/g, ' ')} ${n.object.name}`;
    case 'Participation': return `${n.actor.name} took part in ${n.event.name} (${n.role.toLowerCase()})`;
    case 'Claim': return `${n.claimant ? n.claimant.name : 'The source'} claims (${n.claimKind.toLowerCase()}): ${n.text}`;
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

// sentences splits a text into sentences (and lines), as UTF-16 ranges.
function sentences(text) {
  const out = [];
  const re = /[^\n.!?]*(?:[.!?]+["”’)]*|\n|$)/g;
  let m;
  while ((m = re.exec(text)) && m.index < text.length) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    let a = m.index, b = m.index + m[0].length;
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    if (b > a && /\w/.test(text.slice(a, b))) out.push({ a, b });
  }
  return out;
}

let reader = null; // { id, text, map, spans, backers }

async function loadSource(id) {
  const backers = [];
  let after = null, src = null;
  do {
    const data = await gql('Source', { id, after });
    src = data.node;
    if (!src || src.__typename !== 'Source') throw new Error(`no source ${id}`);
    backers.push(...src.mentions.edges.map((e) => e.node));
    after = src.mentions.pageInfo.hasNextPage ? src.mentions.pageInfo.endCursor : null;
  } while (after);
  const map = codePoints(src.text);
  const spans = [];
  for (const b of backers) {
    for (const ev of b.evidence || []) {
      if (ev.source.id !== id) continue;
      spans.push({ start: ev.start, end: ev.end, a: map.u[ev.start], b: map.u[ev.end], backer: b });
    }
  }
  return { id, src, text: src.text, map, spans, backers };
}

function renderReader(r, focus) {
  const text = r.text;
  const sents = sentences(text);
  // Cut the text wherever a span or a sentence starts or ends.
  const cuts = new Set([0, text.length]);
  for (const s of r.spans) { cuts.add(s.a); cuts.add(s.b); }
  for (const s of sents) { cuts.add(s.a); cuts.add(s.b); }
  const points = [...cuts].sort((x, y) => x - y);
  const cited = sents.map((s) => r.spans.some((sp) => sp.a < s.b && s.a < sp.b));
  const claimed = sents.map((s) => r.spans.some((sp) => isAssertion(sp.backer.__typename) && sp.a < s.b && s.a < sp.b));
  let si = 0;
  let html = '';
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    while (si < sents.length && sents[si].b <= a) si++;
    const inSent = si < sents.length && sents[si].a <= a && b <= sents[si].b ? si : -1;
    const over = r.spans.filter((sp) => sp.a <= a && b <= sp.b);
    const kinds = [...new Set(over.map((sp) => sp.backer.__typename))];
    const strong = kinds.filter(isAssertion);
    const cls = ['seg'];
    let style = '';
    if (over.length) {
      cls.push('cited');
      if (strong.length) {
        style += `background:${backerColours[strong[0]]}2e;`;
        style += `box-shadow:${strong.map((k, j) => `inset 0 -${3 * (j + 1)}px 0 ${backerColours[k]}`).join(',')};`;
      } else cls.push('mention');
      if (over.length > 1) cls.push('overlap');
    }
    if (inSent >= 0 && !cited[inSent]) cls.push('uncited');
    else if (inSent >= 0 && !claimed[inSent]) cls.push('unclaimed');
    html += `<span class="${cls.join(' ')}" data-u="${a}" data-n="${over.length}"${style ? ` style="${style}"` : ''}>${esc(text.slice(a, b))}</span>`;
  }
  const uncited = cited.filter((c) => !c).length;
  const unclaimed = sents.filter((_, i) => cited[i] && !claimed[i]).length;
  const assertions = r.backers.filter((b) => isAssertion(b.__typename)).length;
  const legend = assertionTypes
    .map((t) => `<span class="chip" style="border-color:${backerColours[t]};background:${backerColours[t]}2e">${t.toLowerCase()}</span>`).join('');
  $('#reader').innerHTML = `<h1>${esc(r.src.title)}</h1>
    <p class="source">${[r.src.publisher, r.src.published, r.src.url].filter(Boolean).map(esc).join(' · ')}</p>
    <p id="reader-counts">${r.spans.length} cited spans backing ${assertions} assertions and naming ${r.backers.length - assertions} actors, events, issues and documents.
      <b>${uncited}</b> of ${sents.length} sentences are cited by no evidence <span class="seg uncited">(marked so)</span>;
      ${unclaimed} more only name something and back no assertion <span class="seg unclaimed">(marked so)</span>.</p>
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

// backersAt lists in the panel what the spans over a point back.
function backersAt(r, u) {
  const over = r.spans.filter((sp) => sp.a <= u && u < sp.b);
  const seen = new Set();
  const items = over.filter((sp) => !seen.has(sp.backer.id) && seen.add(sp.backer.id)).map((sp) => {
    const b = sp.backer;
    const colour = backerColours[b.__typename] || '#95a5a6';
    const link = isAssertion(b.__typename)
      ? `<button class="link evidence" data-id="${esc(b.id)}">evidence</button>`
      : '';
    // An assertion is drawn as a link of the graph: open its actor's graph.
    const actor = b.holder || b.speaker || (b.promisors && b.promisors[0]) || b.subject || b.actor || b.claimant;
    const target = actor && actor.id ? actor.id : b.id;
    return `<li class="backer" data-id="${esc(b.id)}"><span class="kind" style="background:${colour}33">${esc(b.__typename)}</span>
      <a href="#/node/${esc(target)}" title="${esc(b.id)}">${esc(short(describe(b), 90))}</a> ${link}
      <span class="source">characters ${sp.start}–${sp.end}</span></li>`;
  }).join('');
  details(`<h2>What this span backs</h2><ul class="links" id="backers">${items || '<li>Nothing: no evidence cites these words.</li>'}</ul>`);
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
