// Drives the example front end (examples/web, built into examples/web/dist)
// in headless Chromium against the real server: serves dist on a port of its
// own (the server allows that origin with --cors-origin), opens an actor's
// positions, checks every position and its evidence against the API's own
// answer, pages through them with "More", then writes one position through
// the API with PARLEY_TOKEN (an editor's) and checks that the page shows it
// within a second, through its subscription, having read nothing for a write
// to another actor's position made just before; moves that position (one
// whose id sorts into the first page, so every page boundary after it moves)
// to the actor and checks that the page counts it within a second and shows
// as many cards as it counts, each position once, in the API's order;
// saves a screenshot.
//   PARLEY_TOKEN=pk_... node example-web.mjs http://127.0.0.1:API_PORT WEB_PORT ARTIFACTS_DIR
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';

const base = process.argv[2];
const webPort = Number(process.argv[3]);
const artifacts = process.argv[4] || 'artifacts';
mkdirSync(artifacts, { recursive: true });
const api = base + '/query';
const dist = new URL('../../examples/web/dist/', import.meta.url).pathname;
if (!existsSync(join(dist, 'index.html'))) {
  console.log('FAIL examples/web/dist/index.html is missing: build the app first (npm run build)');
  process.exit(1);
}

// A tiny static server for dist (the built app is plain files).
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const web = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path === '/' ? 'index.html' : path);
  if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((ok) => web.listen(webPort, '127.0.0.1', ok));
const webOrigin = `http://127.0.0.1:${webPort}`;

async function gql(query, variables) {
  const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const actor = 'ukraine';
const pageSize = 3;
// What the page must show: the actor's positions in the API's order, each
// with its proposition, stance and evidence.
const want = (await gql(`query($id: ID!) { node(id: $id) { ... on Actor { name positions(first: 100) { totalCount edges { node {
  id proposition { text } evidence { quote source { title } } } } } } } }`, { id: actor })).node;
const wantIds = want.positions.edges.map((e) => e.node.id);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failures = 0, passes = 0;
const fail = (msg) => { failures++; console.log('FAIL ' + msg); };
const ok = (msg) => { passes++; console.log('ok   ' + msg); };
try {
  if (wantIds.length <= 2 * pageSize) fail(`${actor} has ${wantIds.length} positions: too few to page through three pages of ${pageSize}`);
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const outside = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== webOrigin && u.origin !== new URL(base).origin) outside.push(req.url());
  });
  page.on('pageerror', (err) => fail('page error: ' + err.message));
  page.on('console', (m) => { if (m.type() === 'error') fail('console error: ' + m.text()); });

  await page.goto(`${webOrigin}/?api=${encodeURIComponent(api)}&actor=${actor}&first=${pageSize}`);
  await page.waitForSelector('.position', { timeout: 15000 });
  const total = (await page.getByTestId('total').innerText()).trim();
  if (total !== `${wantIds.length} positions`) fail(`the header says "${total}", want "${wantIds.length} positions"`);
  else ok(`the header counts ${total}`);
  const shown = () => page.$$eval('.position', (els) => els.map((el) => el.dataset.id));
  let ids = await shown();
  if (ids.length !== pageSize) fail(`the first page shows ${ids.length} positions, want ${pageSize}`);
  // "More" until there is none: each click adds the next page.
  let clicks = 0;
  while (await page.locator('button.more').count()) {
    const before = ids.length;
    await page.locator('button.more').click();
    clicks++;
    await page.waitForFunction((n) => document.querySelectorAll('.position').length > n, before, { timeout: 10000 })
      .catch(() => fail(`"More" (click ${clicks}) added no position`));
    ids = await shown();
    if (clicks > wantIds.length) break;
  }
  const wantClicks = Math.ceil(wantIds.length / pageSize) - 1;
  if (clicks !== wantClicks) fail(`"More" was offered ${clicks} times, want ${wantClicks}`);
  if (JSON.stringify(ids) !== JSON.stringify(wantIds)) fail(`the pages show ${JSON.stringify(ids)}, want ${JSON.stringify(wantIds)}`);
  else ok(`${clicks + 1} pages of ${pageSize} show all ${ids.length} positions in the API's order`);
  if (ids.length !== want.positions.totalCount) fail(`the page shows ${ids.length} cards, but counts ${want.positions.totalCount} positions`);
  // Each position with its proposition and every span of its evidence.
  let spans = 0;
  for (const { node: p } of want.positions.edges) {
    const card = page.locator(`.position[data-id="${p.id}"]`);
    const text = await card.innerText();
    if (!text.includes(p.proposition.text)) fail(`${p.id}: the proposition "${p.proposition.text}" is not shown`);
    const quotes = await card.locator('.evidence q').allInnerTexts();
    const cites = await card.locator('.evidence cite').allInnerTexts();
    if (quotes.length !== p.evidence.length) fail(`${p.id}: ${quotes.length} evidence spans shown, want ${p.evidence.length}`);
    p.evidence.forEach((e, i) => {
      if (quotes[i] !== e.quote) fail(`${p.id}: evidence ${i} shows "${quotes[i]}", want "${e.quote}"`);
      else if (!(cites[i] || '').includes(e.source.title)) fail(`${p.id}: evidence ${i} does not name its source "${e.source.title}"`);
      else spans++;
    });
  }
  ok(`every position shows its proposition and its ${spans} evidence spans with their sources`);

  // Live: a write through the API with a token (as another client would
  // make it) shows on the page, without a reload, within a second.
  await page.waitForFunction(() => document.querySelector('[data-testid=live]')?.textContent === 'live', null, { timeout: 10000 })
    .then(() => ok('the page is subscribed (its websocket is connected)'))
    .catch(async () => fail(`the page's subscription did not connect: "${await page.getByTestId('live').innerText()}"`));
  const token = process.env.PARLEY_TOKEN;
  // The page's reads of its positions from here on (a read again of every
  // page shown is one request per page).
  const reads = [];
  page.on('request', (req) => {
    if ((req.url() + (req.postData() || '')).includes('ActorPositions')) reads.push(req.url());
  });
  if (!token) fail('PARLEY_TOKEN is not set: no write to watch for');
  else {
    // First a write to another actor's position: the page is told of it
    // (its subscription is to every position) and lets it pass. It comes
    // before the next write on the same websocket, so once the page shows
    // that one, a read again for this one would have been sent already.
    // Another actor's position whose id sorts before the end of the first
    // page: moved to the actor (below), it lands in the first page and
    // pushes a position across every page boundary after it.
    const other = (await gql(`{ positions(first: 100) { edges { node { id holder { id } } } } }`)).positions.edges
      .map((e) => e.node).find((n) => n.holder.id !== actor && n.id < wantIds[pageSize - 1]);
    if (!other) throw new Error(`no other actor's position sorts before ${wantIds[pageSize - 1]}: the graph changed, pick another actor`);
    const foreign = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({
        query: 'mutation($input: PositionPatch!) { updatePosition(input: $input) { position { id version } } }',
        variables: { input: { id: other.id, summary: `Another actor's position, edited by the browser test at ${new Date().toISOString()}.` } },
      }),
    }).then((r) => r.json());
    if (foreign.errors) fail('the write to another actor\'s position failed: ' + JSON.stringify(foreign));
    const target = wantIds[pageSize + 1]; // on the second page
    const summary = `Edited by the browser test at ${new Date().toISOString()}.`;
    const card = page.locator(`.position[data-id="${target}"]`);
    const before = await card.getAttribute('data-version');
    const sent = Date.now();
    const res = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({
        query: 'mutation($input: PositionPatch!) { updatePosition(input: $input) { position { id version summary } } }',
        variables: { input: { id: target, summary } },
      }),
    }).then((r) => r.json());
    const written = Date.now();
    if (res.errors || res.data?.updatePosition?.position?.summary !== summary) fail('the write failed: ' + JSON.stringify(res));
    else {
      const version = String(res.data.updatePosition.position.version);
      const shown = await page.waitForFunction(([id, s, v]) => {
        const el = document.querySelector(`.position[data-id="${id}"]`);
        return el && el.dataset.version === v && el.querySelector('.summary')?.textContent === s;
      }, [target, summary, version], { timeout: 1000, polling: 20 }).then(() => Date.now()).catch(() => null);
      if (shown === null) fail(`${target}: the page did not show the write (version ${before} → ${version}) within a second of its answer`);
      else ok(`${target}: the page shows the write (version ${before} → ${version}) ${shown - written} ms after its answer (${shown - sent} ms after it was sent), without a reload`);
      const pages = Math.ceil(wantIds.length / pageSize);
      if (reads.length !== pages) fail(`the page read its positions ${reads.length} times for the two writes, want ${pages} (its ${pages} pages once, for its own position; none for ${other.id}, ${other.holder.id}'s)`);
      else ok(`the page read its ${pages} pages once, for the write to its position, and not for the write to ${other.id} (${other.holder.id}'s)`);
    }
    if ((await shown()).length !== wantIds.length) fail('the pages lost positions when they were read again');
    // The other actor's position moved to the actor shown: the page is
    // told of it by its holder now (it showed no such id), and counts it.
    const moved = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({
        query: 'mutation($input: PositionPatch!) { updatePosition(input: $input) { position { id holder { id } } } }',
        variables: { input: { id: other.id, holder: actor } },
      }),
    }).then((r) => r.json());
    if (moved.errors) fail('moving a position to the actor failed: ' + JSON.stringify(moved));
    else {
      await page.waitForFunction((n) => document.querySelector('[data-testid=total]')?.textContent === `${n} positions`, wantIds.length + 1, { timeout: 1000, polling: 20 })
        .then(() => ok(`${other.id}, moved to ${actor}, is counted within a second: ${wantIds.length + 1} positions`))
        .catch(async () => fail(`${other.id}, moved to ${actor}: the header still says "${await page.getByTestId('total').innerText()}"`));
      // Every position once, none lost at a page boundary and none shown
      // twice: as many cards as the header counts, in the API's order (a
      // "More" offered now is followed, as a reader would).
      const after = (await gql(`query($id: ID!) { node(id: $id) { ... on Actor { positions(first: 100) { totalCount edges { node { id } } } } } }`, { id: actor })).node.positions;
      const afterIds = after.edges.map((e) => e.node.id);
      if (afterIds.indexOf(other.id) >= pageSize) fail(`${other.id} is at ${afterIds.indexOf(other.id)} in the API's order, not in the first page: the test does not cross a page boundary`);
      const cards = () => page.$$eval('.position', (els) => els.map((el) => el.dataset.id));
      const settled = await page.waitForFunction((n) => document.querySelectorAll('.position').length === n && !document.querySelector('.loading'), after.totalCount, { timeout: 2000, polling: 20 })
        .then(() => true).catch(() => false);
      for (let i = 0; !settled && i < afterIds.length && (await page.locator('button.more').count()); i++) {
        const n = (await cards()).length;
        await page.locator('button.more').click();
        await page.waitForFunction((k) => document.querySelectorAll('.position').length > k, n, { timeout: 2000 }).catch(() => {});
      }
      const got = await cards();
      const twice = got.filter((id, i) => got.indexOf(id) !== i);
      const missing = afterIds.filter((id) => !got.includes(id));
      if (got.length !== after.totalCount) fail(`after ${other.id} moved into the first page, the page shows ${got.length} cards but counts ${after.totalCount} positions (missing ${JSON.stringify(missing)}, twice ${JSON.stringify(twice)})`);
      else if (JSON.stringify(got) !== JSON.stringify(afterIds)) fail(`after ${other.id} moved into the first page, the pages show ${JSON.stringify(got)}, want ${JSON.stringify(afterIds)}`);
      else ok(`after ${other.id} moved into the first page, the pages show all ${got.length} positions once each, in the API's order`);
    }
  }
  await page.screenshot({ path: `${artifacts}/example-web.png`, fullPage: true });
  if (outside.length) fail('requests left the app and the API: ' + outside.join(', '));
} finally {
  await browser.close();
  web.close();
}
console.log(`example-web: ${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
