// Drives the graph explorer (/explore) in headless Chromium with the
// network closed to anything but the server, as an analyst would: search,
// open an issue, check who stands where, draw and expand a node, read a
// link's evidence, follow a deep link. Saves screenshots.
//   node explore.mjs http://127.0.0.1:PORT ARTIFACTS_DIR
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const base = process.argv[2];
const artifacts = process.argv[3] || 'artifacts';
mkdirSync(artifacts, { recursive: true });
const origin = new URL(base).origin;
let failures = 0;
const check = (ok, msg) => { if (ok) console.log('ok   ' + msg); else { failures++; console.log('FAIL ' + msg); } };

// measure reads the drawing as cytoscape has it: the box of every node and
// of every label (boundingBox), the pairs of different nodes whose boxes
// meet, how far the focus is from the centre of the drawing, and which
// nodes reach outside it.
async function measure(page, focus) {
  return page.evaluate((focus) => {
    const c = window.parleyExplorer.graph();
    const parts = [];
    c.nodes().forEach((n) => {
      parts.push({ id: n.id(), what: 'node', bb: n.boundingBox({ includeNodes: true, includeLabels: false, includeOverlays: false }) });
      if (n.data('label')) parts.push({ id: n.id(), what: 'label', bb: n.boundingBox({ includeNodes: false, includeLabels: true, includeOverlays: false }) });
    });
    const overlaps = [];
    for (let i = 0; i < parts.length; i++) {
      for (let j = i + 1; j < parts.length; j++) {
        const a = parts[i], b = parts[j];
        if (a.id !== b.id && a.bb.x1 < b.bb.x2 && b.bb.x1 < a.bb.x2 && a.bb.y1 < b.bb.y2 && b.bb.y1 < a.bb.y2) {
          overlaps.push(`${a.id} ${a.what} × ${b.id} ${b.what}`);
        }
      }
    }
    const f = c.getElementById(focus).renderedPosition();
    const off = Math.hypot(f.x - c.width() / 2, f.y - c.height() / 2);
    const outside = c.nodes().filter((n) => {
      const r = n.renderedBoundingBox({ includeLabels: true, includeOverlays: false });
      return r.x1 < 0 || r.y1 < 0 || r.x2 > c.width() || r.y2 > c.height();
    }).map((n) => n.id());
    const positions = Object.fromEntries(c.nodes().map((n) => [n.id(), n.position()]));
    return { overlaps, off, outside, nodes: c.nodes().length, zoom: c.zoom(), positions, labelHeights: parts.filter((p) => p.what === 'label').map((p) => p.bb.h) };
  }, focus);
}

// api asks the server, as any client would.
async function api(query, variables = {}, token = '') {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(base + '/query', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const nameOf = (n) => n.name || n.title || n.text || n.id;

// shown reads what a person sees of the node a view shows: the heading
// over the drawing (its words, size, and whether it is in the window),
// which nodes of the drawing are ringed, whether the node is drawn at
// least as large as every other, and its label's weight and size on the
// screen.
async function shown(page, id) {
  return page.evaluate((id) => {
    const h = document.querySelector('#shown');
    const r = h ? h.getBoundingClientRect() : null;
    const c = window.parleyExplorer.graph();
    const me = c.getElementById(id);
    const ringed = c.nodes().filter((n) => Number(n.style('border-opacity')) > 0 && parseFloat(n.style('border-width')) > 0).map((n) => n.id());
    const size = (n) => n.renderedBoundingBox({ includeLabels: false, includeOverlays: false }).w;
    const weight = me.style('font-weight');
    return {
      text: h ? h.textContent : '', px: h ? parseFloat(getComputedStyle(h).fontSize) : 0,
      inView: !!r && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
      ringed, largest: c.nodes().every((n) => n.same(me) || size(n) <= size(me)),
      bold: weight === 'bold' || Number(weight) >= 600, labelPx: parseFloat(me.style('font-size')) * c.zoom(),
    };
  }, id);
}

// openSource opens the reader on a source afresh, as a link to it does.
async function openSource(page, id) {
  await page.evaluate(() => { location.hash = '#/'; });
  await page.waitForFunction(() => !document.querySelector('#home').hidden);
  await page.evaluate((id) => { location.hash = '#/source/' + encodeURIComponent(id); }, id);
  await page.waitForFunction((id) => window.parleyExplorer?.reader === id, id);
}

async function openNode(page, id) {
  await page.evaluate((id) => { location.hash = '#/node/' + encodeURIComponent(id); }, id);
  await page.waitForFunction((id) => window.parleyExplorer?.ready === id, id, { timeout: 60000 });
}

// readable opens the graph view of every node of the Berlin graph at two
// window sizes and checks, for each, that no node or label covers another,
// the node asked for is in the centre, and the whole drawing is in view;
// that the layout is the same on every load; and that the measure fails a
// drawing that is not readable.
async function readable(browser) {
  const ids = await api(`{ actors(first: 100) { edges { node { id name } } } events(first: 100) { edges { node { id name } } }
      issues(first: 100) { edges { node { id name } } } propositions(first: 100) { edges { node { id text } } }
      documents(first: 100) { edges { node { id title } } } sources(first: 100) { edges { node { id title } } }
      claims(first: 100) { edges { node { id text } } } }`);
  const names = Object.fromEntries(Object.values(ids).flatMap((c) => c.edges.map((e) => [e.node.id, nameOf(e.node)])));
  const all = Object.keys(names);
  const layouts = {};
  for (const [width, height] of [[1400, 900], [800, 900]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (err) => check(false, 'page error: ' + err.message));
    await page.goto(base + '/explore', { waitUntil: 'networkidle' });
    let bad = 0, minZoom = Infinity, minLabel = Infinity, unseen = 0, minShown = Infinity;
    for (const id of all) {
      await openNode(page, id);
      // Which node is shown, as a person tells: its name over the
      // drawing, large and in the window; in the drawing, the one node
      // ringed, drawn no smaller than any other, its name in bold.
      const s = await shown(page, id);
      minShown = Math.min(minShown, s.labelPx);
      const wrong = [];
      if (s.text !== names[id]) wrong.push(`the heading says “${s.text}”, not “${names[id]}”`);
      if (s.px < 18) wrong.push(`the heading is ${s.px} px`);
      if (!s.inView) wrong.push('the heading is out of the window');
      if (s.ringed.length !== 1 || s.ringed[0] !== id) wrong.push(`ringed: ${s.ringed.join(', ') || 'none'}`);
      if (!s.largest) wrong.push('another node is drawn larger');
      if (!s.bold) wrong.push('its label is not bold');
      if (wrong.length) { unseen++; check(false, `${width}×${height} #/node/${id}: ${wrong.join('; ')}`); }
      const m = await measure(page, id);
      minZoom = Math.min(minZoom, m.zoom);
      minLabel = Math.min(minLabel, ...m.labelHeights.map((h) => h * m.zoom));
      const problems = [];
      if (m.overlaps.length) problems.push(`${m.overlaps.length} overlaps (${m.overlaps.slice(0, 3).join('; ')})`);
      if (m.off > 1) problems.push(`the focus is ${m.off.toFixed(1)} px from the centre`);
      if (m.outside.length) problems.push(`out of view: ${m.outside.join(', ')}`);
      if (problems.length) { bad++; check(false, `${width}×${height} #/node/${id}: ${problems.join('; ')}`); }
      const key = JSON.stringify(m.positions);
      if (layouts[id] !== undefined && layouts[id] !== key) check(false, `#/node/${id} is laid out differently at ${width}×${height}`);
      layouts[id] = key;
    }
    check(bad === 0, `${width}×${height}: all ${all.length} nodes of the Berlin graph drawn readably — no overlap, focus centred, all in view (smallest zoom ${minZoom.toFixed(2)}, smallest label ${minLabel.toFixed(1)} px high)`);
    check(unseen === 0, `${width}×${height}: for each of the ${all.length} nodes, the view names it over the drawing in its own words, and draws it as the one ringed node, no smaller than any, its name in bold (its name drawn at ${minShown.toFixed(1)} px at the smallest)`);

    // The measure can fail: a neighbour moved onto the focus is an
    // overlap, and a view panned aside has the focus off centre.
    await openNode(page, 'russia');
    await page.screenshot({ path: `${artifacts}/explore-russia-${width}.png` });
    const broken = await page.evaluate(() => {
      const c = window.parleyExplorer.graph();
      const f = c.getElementById('russia');
      const other = f.neighborhood('node').first();
      other.position({ x: f.position('x') + 5, y: f.position('y') + 5 });
      c.panBy({ x: 40, y: 0 });
      return other.id();
    });
    const m = await measure(page, 'russia');
    check(m.overlaps.some((o) => o.includes(broken)) && m.off > 30, `the measure flags a drawing made unreadable on purpose (${m.overlaps.length} overlaps, focus ${m.off.toFixed(0)} px off centre)`);
    await page.close();
  }

  // The same layout on every load.
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  for (const id of ['russia', 'volodymyr-zelenskyy', 'doc-package']) {
    const seen = new Set();
    for (let i = 0; i < 3; i++) {
      await page.goto('about:blank');
      await page.goto(base + '/explore#/node/' + id, { waitUntil: 'networkidle' });
      await page.waitForFunction((id) => window.parleyExplorer?.ready === id, id, { timeout: 60000 });
      seen.add(JSON.stringify((await measure(page, id)).positions));
    }
    seen.add(layouts[id]);
    check(seen.size === 1, `#/node/${id}: the same layout on each of 3 loads and at both sizes`);
  }
  await page.close();
}

// linksSaid clicks every line of the links panel of a few nodes (a
// state with positions and claims about it, a person with roles and
// statements, the documents' package, a group whose claims came through
// an outlet) and reads what a person reads: the link as a sentence from
// one node to the other, the source's words that back it, and who voices
// them. Each is checked against the API's own neighbourhood of the node:
// the sentence begins with the name of the node the link comes from and
// ends with the one it goes to, says the link in words (no code), the
// words are the link's evidence, and the voice names the assertion's
// claimant (or the statement's speaker, or the source itself for the
// journalist's words) and the outlet it came through.
async function linksSaid(browser) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => check(false, 'page error: ' + err.message));
  await page.goto(base + '/explore', { waitUntil: 'networkidle' });
  for (const id of ['russia', 'volodymyr-zelenskyy', 'doc-package', 'us-officials-cnn']) {
    const { neighbourhood: nb } = await api(`query($id: ID!) { neighbourhood(id: $id, hops: 1, limit: 150) {
      nodes { __typename ... on Node { id } ... on Actor { name } ... on Issue { name } ... on Proposition { text }
        ... on Document { title } ... on Event { name } ... on Source { title } ... on Claim { text } }
      links { kind from { ... on Node { id } } to { ... on Node { id } }
        via { __typename ... on Node { id } ... on Statement { speaker { name } }
          ... on Assertion { attribution { basis by { name } via { name } } } }
        evidence { quote } } } }`, { id });
    const name = Object.fromEntries(nb.nodes.map((n) => [n.id, nameOf(n)]));
    const mine = nb.links.filter((l) => l.from.id === id || l.to.id === id);
    await openNode(page, id);
    const count = await page.locator('#node-links button.link').count();
    const wrong = [];
    let voiced = 0, outlets = 0;
    for (let i = 0; i < count; i++) {
      if (i > 0) {
        await page.evaluate(() => { location.hash = '#/'; });
        await page.waitForFunction(() => !document.querySelector('#home').hidden);
        await openNode(page, id);
      }
      await page.locator('#node-links button.link').nth(i).click();
      await page.waitForSelector('#link-meaning');
      const said = await page.evaluate(() => ({
        meaning: document.querySelector('#link-meaning').innerText.replace(/\s+/g, ' ').trim(),
        quotes: [...document.querySelectorAll('#details .quote')].map((q) => q.innerText.replace(/\s+/g, ' ').trim()),
        voice: document.querySelector('#details .voice')?.innerText.replace(/\s+/g, ' ') || '',
      }));
      const fits = mine.filter((l) => said.meaning.startsWith(name[l.from.id]) && said.meaning.endsWith(name[l.to.id])
        && JSON.stringify(said.quotes) === JSON.stringify(l.evidence.map((e) => e.quote.replace(/\s+/g, ' '))));
      const l = fits[0];
      const problems = [];
      if (!l) problems.push('no link of the API reads so, with these words');
      else {
        const middle = said.meaning.slice(name[l.from.id].length, said.meaning.length - name[l.to.id].length).trim();
        if (!middle || /[A-Z]{2,}_|\b[A-Z]{4,}\b/.test(middle)) problems.push(`the link is said as “${middle}”`);
        if (!said.quotes.length) problems.push('no words back it');
        const a = l.via.attribution;
        if (a) {
          voiced++;
          const who = a.by ? a.by.name : l.via.speaker ? l.via.speaker.name : a.basis === 'JOURNALIST' ? 'the source itself' : null;
          if (!said.voice.startsWith('WHO SAYS SO') && !said.voice.toLowerCase().startsWith('who says so')) problems.push('no one is said to voice it');
          if (who && !said.voice.includes(who)) problems.push(`the voice “${said.voice}” does not name ${who}`);
          if (a.via) { outlets++; if (!said.voice.includes(a.via.name)) problems.push(`the voice “${said.voice}” does not name the outlet ${a.via.name}`); }
        }
      }
      if (problems.length) wrong.push(`line ${i + 1} (“${said.meaning}”): ${problems.join('; ')}`);
    }
    if (id === 'us-officials-cnn' && outlets === 0) wrong.push('none of its links came through an outlet, as the API says some did');
    check(count > 0 && wrong.length === 0, `#/node/${id}: each of its ${count} link lines, clicked, says the link as a sentence between the two nodes, `
      + `with its evidence words and who voices them (${voiced} voiced, ${outlets} through an outlet)${wrong.length ? ': ' + wrong.slice(0, 4).join(' | ') : ''}`);
    if (id === 'us-officials-cnn') await page.screenshot({ path: `${artifacts}/explore-link-voice.png` });
  }
  await page.close();
}

// readerMarks reads the reader as a person sees it: the line of counts,
// and the runs of text marked as cited by nothing and as left out on
// purpose, each with where it is in the source in code points (as the API
// counts) and its words.
async function readerMarks(page) {
  return page.evaluate(() => {
    const box = document.querySelector('#reader-text');
    const text = box.textContent;
    const runs = { uncited: [], 'left-out': [] };
    let at = 0;
    for (const seg of box.querySelectorAll('.seg')) {
      const len = seg.textContent.length;
      for (const k of Object.keys(runs)) {
        if (!seg.classList.contains(k)) continue;
        const last = runs[k][runs[k].length - 1];
        if (last && last.b === at) last.b = at + len; else runs[k].push({ a: at, b: at + len });
      }
      at += len;
    }
    const cp = (u) => Array.from(text.slice(0, u)).length;
    const out = (rs) => rs.map((r) => ({ start: cp(r.a), end: cp(r.b), words: text.slice(r.a, r.b) }));
    return { counts: document.querySelector('#reader-counts').innerText, uncited: out(runs.uncited), leftOut: out(runs['left-out']), whole: at === text.length };
  });
}

// coverage asks the API which sentences of a source no evidence cites.
async function coverage(source) {
  const { node } = await api(`query($id: ID!) { node(id: $id) { ... on Source { text
    coverage { sentences covered uncovered { text start end } leftOut { quote start end reason } } } } }`, { id: source });
  return node;
}

// sameCoverage compares what the reader shows of a source's coverage with
// the API's: the counts, and each marked run against the sentences (or
// passages) the API lists, at the same offsets with the source's words
// there. It returns what differs.
function sameCoverage(shownMarks, src) {
  const cov = src.coverage;
  const cps = Array.from(src.text);
  const words = (a, b) => cps.slice(a, b).join('');
  const problems = [];
  const m = /Of its (\d+) sentences, (\d+) (?:is|are) cited by some evidence, (\d+) (?:is|are) left out on purpose[^]*and (\d+) (?:is|are) cited by nothing/.exec(shownMarks.counts);
  const counts = m ? m.slice(1).map(Number) : null;
  const want = [cov.sentences, cov.covered, cov.leftOut.length, cov.uncovered.length];
  if (JSON.stringify(counts) !== JSON.stringify(want)) problems.push(`counts ${counts} (sentences, cited, left out, cited by nothing), the API's ${want}`);
  // Said as a person would say it: no "name 0 …", no "1 spans" or "1 are".
  const clumsy = /\bname 0\b|\b1 (?:cited )?(?:spans|assertions|sentences|(?:other )?nodes)\b|\b1 are\b/.exec(shownMarks.counts);
  if (clumsy) problems.push(`the counts line reads "${clumsy[0]}": ${shownMarks.counts}`);
  const uncited = cov.uncovered.map((x) => ({ start: x.start, end: x.end, words: words(x.start, x.end) }));
  if (cov.uncovered.some((x) => x.text !== words(x.start, x.end))) problems.push('the API\'s sentence text differs from the source at its offsets');
  if (JSON.stringify(shownMarks.uncited) !== JSON.stringify(uncited)) {
    problems.push(`marked uncited ${JSON.stringify(shownMarks.uncited)}, the API's uncovered ${JSON.stringify(uncited)}`);
  }
  const seen = new Set();
  const leftOut = cov.leftOut.filter((l) => !seen.has(`${l.start}-${l.end}`) && seen.add(`${l.start}-${l.end}`))
    .sort((a, b) => a.start - b.start).map((l) => ({ start: l.start, end: l.end, words: words(l.start, l.end) }));
  if (JSON.stringify(shownMarks.leftOut) !== JSON.stringify(leftOut)) {
    problems.push(`marked left out ${JSON.stringify(shownMarks.leftOut)}, the API's ${JSON.stringify(leftOut)}`);
  }
  if (!shownMarks.whole) problems.push('the reader\'s text is not all in its spans');
  return problems;
}

// readerCoverage opens the reader on a source and checks that it shows the
// API's coverage exactly; a click on a mark says why it is marked.
async function readerCoverage(page, source, label) {
  await openSource(page, source);
  const src = await coverage(source);
  const marks = await readerMarks(page);
  const problems = sameCoverage(marks, src);
  const cov = src.coverage;
  check(problems.length === 0, `${label}: the reader's counts are the API's coverage (${cov.sentences} sentences, ${cov.covered} cited, `
    + `${cov.leftOut.length} left out, ${cov.uncovered.length} cited by nothing), and it marks exactly the API's uncited sentences and left-out passages, `
    + `at their offsets, with the source's words${problems.length ? ': ' + problems.join('; ') : ''}`);
  // A click on a mark says why.
  const why = [];
  for (const [k, list] of [['uncited', cov.uncovered], ['left-out', cov.leftOut]]) {
    if (!list.length) continue;
    await page.locator(`#reader-text .seg.${k}`).first().click();
    await page.waitForSelector('#not-cited');
    const said = await page.locator('#details').innerText();
    const first = list.slice().sort((a, b) => a.start - b.start)[0];
    const ok = said.includes(`${first.start}–${first.end}`) && (k === 'uncited' ? said.includes('No evidence cites this sentence') : said.includes(first.reason));
    why.push(ok ? null : `${k}: “${said.replace(/\s+/g, ' ')}”`);
  }
  check(why.every((w) => w === null), `${label}: a click on a marked sentence says where it is and why it is marked (the reason the data gives for one left out)${why.filter(Boolean).join('; ')}`);
  return { src, marks };
}

// readerAndCuration opens the source reader, follows an evidence panel's
// link to its place, then curates as a person would: selects words, makes
// a statement from them (first wrongly, to see the server's problems on the
// form's fields), and checks the new statement in the reader, in the graph
// and in `parley export` with the right offsets. It needs the server's
// binary and database and an editor token: PARLEY_BIN, PARLEY_DB_FILE and
// PARLEY_TOKEN (.ci/run sets them).
async function readerAndCuration(browser) {
  const { PARLEY_BIN: bin, PARLEY_DB_FILE: db, PARLEY_TOKEN: token } = process.env;
  check(bin && db && token, 'PARLEY_BIN, PARLEY_DB_FILE and PARLEY_TOKEN are set for the curation test');
  if (!(bin && db && token)) return;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => check(false, 'page error: ' + err.message));
  const source = 'berlin-talks-article';
  await page.goto(base + '/explore#/source/' + source, { waitUntil: 'networkidle' });
  await page.waitForFunction((id) => window.parleyExplorer?.reader === id, source);
  const article = await page.evaluate(() => document.querySelector('#reader-text').textContent);
  const real = await page.evaluate(async (id) => {
    const r = await fetch('/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: `{ node(id: "${id}") { ... on Source { text } } }` }) });
    return (await r.json()).data.node.text;
  }, source);
  check(article === real, 'the reader shows the source text exactly');
  await page.screenshot({ path: `${artifacts}/explore-reader.png` });
  await readerCoverage(page, source, 'the Berlin article');

  // A source with sentences no evidence cites (one wrapped across a line
  // break, which is one sentence), a heading left out on purpose, one
  // sentence cited, and characters beyond 16 bits before them all (so
  // that code points and the page's UTF-16 differ), made through the API.
  const probe = 'ci-coverage-probe';
  const probeText = 'Talks in Geneva \u{1F1FA}\u{1F1E6}\n\nThe delegations met on Monday and agreed to meet again\n'
    + 'next week in the same city. Nobody said what was agreed.\nA spokesperson declined to comment. “We will see,” one official said.\n';
  await api(`mutation($s: SourceInput!, $c: ClaimInput!) { createSource(input: $s) { source { id } } createClaim(input: $c) { claim { id } } }`, {
    s: { id: probe, title: 'Coverage probe', text: probeText, leftOut: [{ quote: 'Talks in Geneva', reason: 'A heading that names the place.' }] },
    c: { id: 'claim-ci-coverage-probe', kind: 'FACT', text: 'Nobody said what was agreed.', attribution: { basis: 'JOURNALIST' },
      evidence: [{ source: probe, quote: 'Nobody said what was agreed' }] },
  }, token);
  const { src: probed, marks: probeMarks } = await readerCoverage(page, probe, 'a source with uncited sentences');
  check(probed.coverage.uncovered.length >= 2 && probed.coverage.leftOut.length >= 1,
    `the probe has sentences cited by nothing (${probed.coverage.uncovered.length}) and left out (${probed.coverage.leftOut.length}), so the comparison can fail`);
  await page.screenshot({ path: `${artifacts}/explore-reader-uncited.png` });
  // The comparison fails a reader that marks one sentence too few.
  await page.evaluate(() => document.querySelector('#reader-text .seg.uncited').classList.remove('uncited'));
  check(sameCoverage(await readerMarks(page), probed).length > 0 && sameCoverage(probeMarks, probed).length === 0,
    'the comparison flags a reader with a sentence left unmarked on purpose');
  await openSource(page, source);

  // A click on a span lists what it backs.
  await page.locator('#reader-text .seg.cited', { hasText: 'very workable' }).first().click();
  await page.waitForSelector('#backers li');
  check(await page.locator('#backers li[data-id="st-zelenskyy-very-workable"] a[href="#/node/volodymyr-zelenskyy"]').count() === 1
    && await page.locator('#backers li[data-id="st-zelenskyy-very-workable"] button.evidence').count() === 1,
    'a click on a span lists the assertions it backs, with links to the graph of who voices them and to their evidence');

  // An evidence panel links to its place in the reader.
  await page.evaluate(() => { location.hash = '#/node/volodymyr-zelenskyy'; });
  await page.waitForFunction(() => window.parleyExplorer?.ready === 'volodymyr-zelenskyy');
  await page.locator('#details button.link').first().click();
  await page.waitForSelector('#details a.read');
  const quote = await page.locator('#details .quote').first().innerText();
  await page.locator('#details a.read').first().click();
  await page.waitForFunction((id) => window.parleyExplorer?.reader === id
    && document.querySelector('#reader-text .seg.focus') !== null, source);
  const focused = await page.evaluate(() => [...document.querySelectorAll('#reader-text .seg.focus')].map((s) => s.textContent).join(''));
  check(focused.length > 0 && focused === quote, `the evidence panel's link opens the reader at its words (“${focused}”)`);

  // Curate: select words, make a statement from them.
  const words = 'Zelenskyy called the evolving framework “very workable,”';
  const utf16 = article.indexOf(words);
  const start = Array.from(article.slice(0, utf16)).length, end = start + Array.from(words).length;
  await select(page, words);
  await page.waitForSelector('#curate');
  check(await page.locator('#cur-quote').innerText() === words, 'selecting words opens the curation form with them as the evidence');
  await page.fill('#curate input[name="id"]', 'Not An Id');
  await page.fill('#curate input[name="token"]', token);
  await page.click('#cur-submit');
  await page.waitForSelector('#curate .problem[data-for="id"]:not(:empty)');
  const idProblem = await page.locator('#curate .problem[data-for="id"]').innerText();
  const speakerProblem = await page.locator('#curate .problem[data-for="speaker"]').innerText();
  check(idProblem.includes('lower-case') && speakerProblem.length > 0, `the server's problems are shown on the form's fields (id: ${idProblem}; speaker: ${speakerProblem})`);
  await page.screenshot({ path: `${artifacts}/explore-curation-problems.png` });
  const id = 'st-zelenskyy-framework-very-workable';
  await page.fill('#curate input[name="id"]', id);
  await page.selectOption('#curate select[name="speaker"]', 'volodymyr-zelenskyy');
  await page.selectOption('#curate select[name="mode"]', 'DIRECT');
  await page.fill('#curate textarea[name="words"]', 'very workable');
  await page.selectOption('#curate select[name="event"]', 'zelenskyy-remarks-to-reporters');
  await page.selectOption('#curate select[name="expresses"]', 'claim-zelenskyy-draft-very-workable');
  await page.click('#cur-submit');
  await page.waitForSelector('#cur-done', { timeout: 15000 });
  check(await page.evaluate(() => localStorage.getItem('parley-token')) === token, 'the token is kept in local storage');
  // In the reader without a reload: the span lists the new statement.
  await page.locator('#reader-text .seg.focus').first().click();
  await page.waitForSelector('#backers li');
  check(await page.locator(`#backers li[data-id="${id}"]`).count() === 1, 'the new statement is in the reader, without a reload');
  // In the graph (drawn before, refetched): a new SPOKE_AT link through it.
  const inGraph = await page.evaluate((id) => window.parleyExplorer.graph().edges().filter((e) => e.data('via') === id).map((e) => e.data('kind')), id);
  check(inGraph.includes('SPOKE_AT'), `the new statement is in the graph, without a reload (${inGraph.join(', ')})`);
  await page.screenshot({ path: `${artifacts}/explore-curation.png` });
  // In the export, with the right offsets.
  const exported = JSON.parse(execFileSync(bin, ['export', '--db', db, '--format', 'json']).toString());
  const st = (exported.statements || []).find((x) => x.id === id);
  const ev = st?.evidence?.[0];
  check(st && st.speaker === 'volodymyr-zelenskyy' && ev.source === source && ev.start === start && ev.end === end && ev.quote === words,
    `parley export holds the statement with its evidence at characters ${start}–${end} (${JSON.stringify(ev)})`);

  // A claim in the source's own voice: the reader counts one more
  // assertion backed by its spans, lists the claim on its words, and the
  // export holds it at their offsets.
  const backing = async () => Number((/backs? (\d+) assertions?/.exec(await page.locator('#reader-counts').innerText()) || [])[1]);
  const countsBefore = await backing();
  const fact = 'Russia currently controls nearly a fifth of Ukraine’s east';
  const factAt = Array.from(article.slice(0, article.indexOf(fact))).length;
  await select(page, fact);
  await page.waitForSelector('#curate');
  await page.selectOption('#curate select[name="make"]', 'Claim');
  await page.waitForSelector('#curate select[name="attribution.basis"]');
  const claimId = 'claim-russia-controls-a-fifth-of-the-east';
  await page.fill('#curate input[name="id"]', claimId);
  await page.selectOption('#curate select[name="kind"]', 'FACT');
  await page.selectOption('#curate select[name="attribution.basis"]', 'JOURNALIST');
  await page.selectOption('#curate select[name="about"]', 'russia');
  await page.click('#cur-submit');
  await page.waitForSelector('#cur-done', { timeout: 15000 });
  const countsAfter = await backing();
  await page.locator('#reader-text .seg.focus').first().click();
  await page.waitForSelector('#backers li');
  const listed = await page.locator(`#backers li[data-id="${claimId}"]`).count();
  const claims = JSON.parse(execFileSync(bin, ['export', '--db', db, '--format', 'json']).toString()).claims || [];
  const claim = claims.find((x) => x.id === claimId);
  const cev = claim?.evidence?.[0];
  check(listed === 1 && countsBefore > 0 && countsAfter === countsBefore + 1 && cev && cev.start === factAt && cev.end === factAt + Array.from(fact).length,
    `a curated claim is in the reader (assertions backed ${countsBefore} → ${countsAfter}) and in the export at characters ${cev?.start}–${cev?.end}`);
  await page.close();
}

// select selects words in the reader as a person would with the mouse,
// and lets go.
async function select(page, words) {
  await page.evaluate((words) => {
    const box = document.querySelector('#reader-text');
    const at = box.textContent.indexOf(words);
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0, n;
    while ((n = walker.nextNode())) {
      const len = n.textContent.length;
      if (seen <= at && at < seen + len) range.setStart(n, at - seen);
      if (seen < at + words.length && at + words.length <= seen + len) { range.setEnd(n, at + words.length - seen); break; }
      seen += len;
    }
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    box.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  }, words);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const outside = [];
  page.on('request', (req) => { const u = new URL(req.url()); if (u.origin !== origin && u.protocol !== 'data:') outside.push(req.url()); });
  page.on('pageerror', (err) => check(false, 'page error: ' + err.message));

  await page.goto(base + '/explore', { waitUntil: 'networkidle' });
  await page.fill('#search-input', 'Donbas');
  await page.click('#search-button');
  await page.waitForSelector('.result');
  check(await page.locator('.result[data-id="donbas"]').count() === 1, 'searching "Donbas" finds the Donbas issue');
  await page.screenshot({ path: `${artifacts}/explore-search.png` });

  // The territory question: the Donbas issue, then Territory, which holds it.
  await page.click('.result[data-id="donbas"] a');
  await page.waitForSelector('#issue-table');
  await page.click('#issue a[href="#/issue/territory"]');
  await page.waitForSelector('#issue-table tr[data-proposition="ukraine-cedes-donbas"]');
  const row = page.locator('#issue-table tr[data-proposition="ukraine-cedes-donbas"]');
  const supports = await row.locator('td[data-stance="SUPPORTS"]').innerText();
  const opposes = await row.locator('td[data-stance="OPPOSES"]').innerText();
  check(supports.includes('Russia') && !supports.includes('Ukraine'), `Russia supports ceding Donbas (${supports.trim()})`);
  check(opposes.includes('Ukraine') && !opposes.includes('Russia'), `Ukraine opposes it (${opposes.trim()})`);
  check(await row.evaluate((r) => r.classList.contains('conflict')), 'the clash is highlighted');
  await page.screenshot({ path: `${artifacts}/explore-issue.png` });

  // Draw Russia, then expand one of its neighbours.
  await row.locator('td[data-stance="SUPPORTS"] a', { hasText: 'Russia' }).click();
  await page.waitForFunction(() => window.parleyExplorer.graph()?.nodes().length > 3);
  await page.waitForFunction(() => window.parleyExplorer?.ready === 'russia', null, { timeout: 10000 });
  const placedBefore = await page.evaluate(() => Object.fromEntries(window.parleyExplorer.graph().nodes().map((n) => [n.id(), n.position()])));
  const before = Object.keys(placedBefore).length;
  await page.waitForSelector('#details button.expand');
  const grown = await page.locator('#details button.expand').first().getAttribute('data-node');
  await page.locator('#details button.expand').first().click();
  await page.waitForFunction((n) => window.parleyExplorer.graph().nodes().length > n, before, { timeout: 10000 })
    .catch(() => {});
  await page.waitForTimeout(300);
  const after = await page.evaluate(() => window.parleyExplorer.graph().nodes().length);
  check(after > before, `expanding a node draws its neighbours (${before} → ${after} nodes)`);
  const placedAfter = await page.evaluate(() => Object.fromEntries(window.parleyExplorer.graph().nodes().map((n) => [n.id(), n.position()])));
  const moved = Object.keys(placedBefore).filter((id) => JSON.stringify(placedBefore[id]) !== JSON.stringify(placedAfter[id]));
  check(moved.length === 0, `expanding keeps the placed nodes still${moved.length ? ' (moved: ' + moved.join(', ') + ')' : ''}`);
  const expanded = await measure(page, grown);
  check(expanded.overlaps.length === 0, `after expanding, no node or label covers another${expanded.overlaps.length ? ': ' + expanded.overlaps.slice(0, 5).join('; ') : ''}`);
  await page.screenshot({ path: `${artifacts}/explore-graph.png` });

  // A link's evidence: the article's own words.
  await page.locator('#details button.link').first().click();
  await page.waitForSelector('#details .quote');
  const quote = await page.locator('#details .quote').first().innerText();
  const article = await page.evaluate(async () => {
    const r = await fetch('/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ node(id: "berlin-talks-article") { ... on Source { text } } }' }) });
    return (await r.json()).data.node.text;
  });
  check(quote.length > 5 && article.includes(quote), `the link's evidence is the article's words: “${quote}”`);
  await page.screenshot({ path: `${artifacts}/explore-evidence.png` });

  // A deep link to a path.
  await page.goto(base + '/explore#/path/donald-trump/vladimir-putin', { waitUntil: 'networkidle' });
  await page.waitForSelector('#path-steps li');
  const steps = await page.locator('#path-steps li').count();
  const text = await page.locator('#path-steps').innerText();
  check(steps === 2 && text.includes('the US had been in touch with Russian President Vladimir Putin'),
    `the deep link shows the path Trump → his claim → Putin with its evidence (${steps} links)`);
  const highlighted = await page.evaluate(() => window.parleyExplorer.graph().elements('.path').length);
  check(highlighted === 5, `the path is highlighted in the graph (${highlighted} elements)`);
  await page.screenshot({ path: `${artifacts}/explore-path.png` });

  // The path form takes names as well as ids.
  await page.fill('#path-from', 'kushner');
  await page.fill('#path-to', 'Putin');
  await page.click('#path-button');
  await page.waitForFunction(() => location.hash === '#/path/jared-kushner/vladimir-putin');
  await page.waitForSelector('#path-steps li');
  check(await page.locator('#path-steps li').count() === 2, 'the path form finds Kushner to Putin by name (2 links)');

  check(outside.length === 0, 'no request left ' + origin + (outside.length ? ': ' + outside.join(', ') : ''));

  // Merged links: Zelenskyy spoke twice at each of three events; the panel
  // has one line per kind of link and node, with the two statements on it.
  await page.goto(base + '/explore#/node/volodymyr-zelenskyy', { waitUntil: 'networkidle' });
  await page.waitForFunction(() => window.parleyExplorer?.ready === 'volodymyr-zelenskyy');
  const sections = await page.locator('#node-links h4.link-head').evaluateAll((hs) => hs.map((h) => ({
    head: h.textContent.replace(/\s+/g, ' ').trim(),
    lines: [...h.nextElementSibling.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
  })));
  const twice = sections.flatMap((x) => x.lines.map((l) => x.head + ' ' + l)).filter((l, i, all) => all.indexOf(l) !== i);
  const spoke = sections.find((x) => x.head === 'Volodymyr Zelenskyy spoke at …');
  check(twice.length === 0 && spoke && spoke.lines.length === 3 && spoke.lines.every((t) => t.includes('2 statements')),
    `the panel lists each link once, under what it says (“Volodymyr Zelenskyy spoke at …”), the statements behind it counted (${spoke ? spoke.lines.join(' | ') : sections.map((x) => x.head).join(' | ')})`);
  await page.screenshot({ path: `${artifacts}/explore-node-links.png` });

  await linksSaid(browser);

  await readable(browser);
  await readerAndCuration(browser);
} finally {
  await browser.close();
}
console.log(`explorer: ${failures === 0 ? 'all checks passed' : failures + ' failures'}; screenshots in ${artifacts}/`);
process.exit(failures ? 1 : 0);
