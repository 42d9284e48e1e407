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

async function openNode(page, id) {
  await page.evaluate((id) => { location.hash = '#/node/' + encodeURIComponent(id); }, id);
  await page.waitForFunction((id) => window.parleyExplorer.ready === id, id, { timeout: 15000 });
}

// readable opens the graph view of every node of the Berlin graph at two
// window sizes and checks, for each, that no node or label covers another,
// the node asked for is in the centre, and the whole drawing is in view;
// that the layout is the same on every load; and that the measure fails a
// drawing that is not readable.
async function readable(browser) {
  const ids = await (await fetch(base + '/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: `{ actors(first: 100) { edges { node { id } } } events(first: 100) { edges { node { id } } }
      issues(first: 100) { edges { node { id } } } propositions(first: 100) { edges { node { id } } }
      documents(first: 100) { edges { node { id } } } sources(first: 100) { edges { node { id } } }
      claims(first: 100) { edges { node { id } } } }` }) })).json();
  const all = Object.values(ids.data).flatMap((c) => c.edges.map((e) => e.node.id));
  const layouts = {};
  for (const [width, height] of [[1400, 900], [800, 900]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (err) => check(false, 'page error: ' + err.message));
    await page.goto(base + '/explore', { waitUntil: 'networkidle' });
    let bad = 0, minZoom = Infinity, minLabel = Infinity;
    for (const id of all) {
      await openNode(page, id);
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
      await page.waitForFunction((id) => window.parleyExplorer.ready === id, id, { timeout: 15000 });
      seen.add(JSON.stringify((await measure(page, id)).positions));
    }
    seen.add(layouts[id]);
    check(seen.size === 1, `#/node/${id}: the same layout on each of 3 loads and at both sizes`);
  }
  await page.close();
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
  await page.waitForFunction((id) => window.parleyExplorer.reader === id, source);
  const counts = await page.locator('#reader-counts').innerText();
  const uncited = await page.locator('#reader-text .seg.uncited').count();
  const article = await page.evaluate(() => document.querySelector('#reader-text').textContent);
  check(/\d+ cited spans backing \d+ assertions/.test(counts) && /\d+ of \d+ sentences are cited by no evidence/.test(counts) && uncited > 0,
    `the reader counts the cited spans and marks the sentences no evidence cites (${counts.split('\n')[0]})`);
  const real = await page.evaluate(async (id) => {
    const r = await fetch('/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: `{ node(id: "${id}") { ... on Source { text } } }` }) });
    return (await r.json()).data.node.text;
  }, source);
  check(article === real, 'the reader shows the source text exactly');
  await page.screenshot({ path: `${artifacts}/explore-reader.png` });

  // A click on a span lists what it backs.
  await page.locator('#reader-text .seg.cited', { hasText: 'very workable' }).first().click();
  await page.waitForSelector('#backers li');
  check(await page.locator('#backers li[data-id="st-zelenskyy-very-workable"] a[href="#/node/volodymyr-zelenskyy"]').count() === 1
    && await page.locator('#backers li[data-id="st-zelenskyy-very-workable"] button.evidence').count() === 1,
    'a click on a span lists the assertions it backs, with links to the graph of who voices them and to their evidence');

  // An evidence panel links to its place in the reader.
  await page.evaluate(() => { location.hash = '#/node/volodymyr-zelenskyy'; });
  await page.waitForFunction(() => window.parleyExplorer.ready === 'volodymyr-zelenskyy');
  await page.locator('#details button.link').first().click();
  await page.waitForSelector('#details a.read');
  const quote = await page.locator('#details .quote').first().innerText();
  await page.locator('#details a.read').first().click();
  await page.waitForFunction((id) => window.parleyExplorer.reader === id
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
  const backing = async () => Number((/backing (\d+) assertions/.exec(await page.locator('#reader-counts').innerText()) || [])[1]);
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
  await page.waitForFunction(() => window.parleyExplorer.ready === 'russia', null, { timeout: 10000 });
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
  await page.waitForFunction(() => window.parleyExplorer.ready === 'volodymyr-zelenskyy');
  const lines = await page.locator('#details ul.links li').evaluateAll((lis) => lis.map((li) =>
    li.querySelector('.kind').textContent + ' ' + li.querySelector('button.link').textContent));
  const twice = lines.filter((l, i) => lines.indexOf(l) !== i);
  const spoke = await page.locator('#details ul.links li', { hasText: 'SPOKE_AT' }).allInnerTexts();
  check(twice.length === 0 && spoke.length === 3 && spoke.every((t) => t.includes('2 statements')),
    `the panel lists each link once, the statements behind it counted (${spoke.map((t) => t.replace(/\s+/g, ' ')).join(' | ')})`);

  await readable(browser);
  await readerAndCuration(browser);
} finally {
  await browser.close();
}
console.log(`explorer: ${failures === 0 ? 'all checks passed' : failures + ' failures'}; screenshots in ${artifacts}/`);
process.exit(failures ? 1 : 0);
