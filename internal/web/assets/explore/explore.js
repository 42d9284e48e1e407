// Parley's graph explorer: a page built on the public GraphQL API only.
// Its queries are the .graphql files beside it (checked against the schema
// in CI); cytoscape.js draws the graph. Every view has its own URL:
//   #/search/<text>   #/node/<id>   #/issue/<id>   #/path/<from>/<to>
import cytoscape from './vendor/cytoscape.esm.min.mjs';

const queries = {};

// gql runs one of the page's named queries. With partial, an answer with
// errors still returns its data (a field that failed is null in it).
async function gql(name, variables, partial = false) {
  if (!queries[name]) {
    const res = await fetch(`/assets/explore/queries/${name}.graphql`);
    queries[name] = await res.text();
  }
  const res = await fetch('/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept': 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: queries[name], operationName: name, variables }),
  });
  const body = await res.json();
  if (body.errors && !(partial && body.data)) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const label = (n) => n.name || n.title || n.text || n.id;
const short = (s, n = 48) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

function show(pane) {
  for (const id of ['home', 'results', 'issue', 'graph']) $('#' + id).hidden = id !== pane;
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
};
const kindShapes = {
  Person: 'ellipse', State: 'round-rectangle', Organization: 'rectangle', Group: 'hexagon',
  Issue: 'diamond', Proposition: 'round-tag', Document: 'rectangle', Event: 'star', Source: 'rectangle',
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
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: {
        'background-color': (n) => kindColours[n.data('type')] || '#999',
        'shape': (n) => kindShapes[n.data('type')] || 'ellipse',
        'label': 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-max-width': 140,
        'text-valign': 'bottom', 'text-margin-y': 4, 'width': 22, 'height': 22,
        'text-background-color': '#fff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
      } },
      { selector: 'node.centre', style: { 'width': 34, 'height': 34, 'border-width': 3, 'border-color': '#1d2433' } },
      { selector: 'edge', style: {
        'width': 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8,
        'line-color': (e) => stanceColours[e.data('stance')] || (e.data('status') ? '#16a0a0' : '#b8bfcc'),
        'target-arrow-color': (e) => stanceColours[e.data('stance')] || (e.data('status') ? '#16a0a0' : '#b8bfcc'),
        'line-style': (e) => (e.data('status') ? 'dashed' : 'solid'),
        'label': (e) => e.data('status') || '', 'font-size': 9, 'color': '#16a0a0',
      } },
      { selector: 'edge.path', style: { 'line-color': '#e8a33d', 'target-arrow-color': '#e8a33d', 'width': 5 } },
      { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#e8a33d' } },
      { selector: ':selected', style: { 'overlay-opacity': 0.15 } },
    ],
  });
  cy.on('tap', 'node', (ev) => selectNode(ev.target.id(), true));
  cy.on('tap', 'edge', (ev) => showEvidence(ev.target.data('via'), ev.target.data()));
  return cy;
}

function addNode(n) {
  const c = graph();
  if (!c.getElementById(n.id).length) {
    c.add({ group: 'nodes', data: { id: n.id, type: n.__typename, label: short(label(n)) } });
  }
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

function layout() {
  graph().layout({ name: 'cose', animate: false, nodeRepulsion: 9000, idealEdgeLength: 90, randomize: false }).run();
}

// expand adds a node's neighbourhood to the graph.
async function expand(id) {
  const data = await gql('Neighbourhood', { id, hops: 1 });
  const nb = data.neighbourhood;
  nb.nodes.forEach(addNode);
  nb.links.forEach(addLink);
  layout();
  $('#graph-note').textContent = `${graph().nodes().length} nodes, ${graph().edges().length} links` +
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
    const items = node.connectedEdges().map((e) => {
      const other = e.source().id() === id ? e.target() : e.source();
      return `<li><span class="kind">${esc(e.data('kind'))}</span>
        <button class="link" data-edge="${esc(e.id())}">${esc(other.data('label'))}</button>
        <button class="expand" data-node="${esc(other.id())}" title="Draw its neighbours">expand</button></li>`;
    }).join('');
    details(`<h2>${esc(node.data('label') || id)}</h2><span class="kind">${esc(n.__typename)}</span>
      ${n.__typename === 'Issue' ? `<p><a href="#/issue/${esc(id)}">See who stands where on this issue</a></p>` : ''}
      ${evidenceHTML(n)}
      <h3>Links (${node.connectedEdges().length})</h3><ul class="links">${items}</ul>`);
    for (const b of document.querySelectorAll('#details button.link')) {
      b.onclick = () => { const e = c.getElementById(b.dataset.edge); showEvidence(e.data('via'), e.data()); };
    }
    for (const b of document.querySelectorAll('#details button.expand')) {
      b.onclick = () => selectNode(b.dataset.node, true);
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
      <div class="source">${esc(ev.source.title)}, characters ${ev.start}–${ev.end}</div>`;
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
    details(`<h2>${esc(edge ? edge.kind.replace(/_/g, ' ').toLowerCase() : n.__typename)}</h2>
      <p id="evidence-what">${what}</p>${evidenceHTML(n)}
      <p class="source">Backed by <a href="#/node/${esc(n.id)}">${esc(n.__typename)} ${esc(n.id)}</a></p>`);
  } catch (err) {
    failed(err);
  }
}

async function nodeView(id) {
  show('graph');
  graph().elements().remove();
  await selectNode(id, true);
  graph().fit(undefined, 40);
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
    layout();
    c.fit(undefined, 60);
    const steps = p.links.map((l, i) => `<li class="step"><span class="kind">${esc(l.kind)}</span>
      ${esc(label(p.nodes.find((n) => n.id === l.from.id)))} → ${esc(label(p.nodes.find((n) => n.id === l.to.id)))}
      ${l.evidence.map((e) => `<blockquote class="quote">${esc(e.quote)}</blockquote>`).join('')}</li>`).join('');
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

// ---- Routing -------------------------------------------------------------

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'search': return searchView(parts.slice(1).join('/'));
    case 'node': return nodeView(parts[1]);
    case 'issue': return issueView(parts[1]);
    case 'path': return pathView(parts[1], parts[2]);
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
window.parleyExplorer = { graph: () => cy };
route();
