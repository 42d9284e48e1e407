// Drives the graph explorer (/explore) in headless Chromium with the
// network closed to anything but the server, as an analyst would: search,
// open an issue, check who stands where, draw and expand a node, read a
// link's evidence, follow a deep link. Saves screenshots.
//   node explore.mjs http://127.0.0.1:PORT ARTIFACTS_DIR
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.argv[2];
const artifacts = process.argv[3] || 'artifacts';
mkdirSync(artifacts, { recursive: true });
const origin = new URL(base).origin;
let failures = 0;
const check = (ok, msg) => { if (ok) console.log('ok   ' + msg); else { failures++; console.log('FAIL ' + msg); } };

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
  const before = await page.evaluate(() => window.parleyExplorer.graph().nodes().length);
  await page.waitForSelector('#details button.expand');
  await page.locator('#details button.expand').first().click();
  await page.waitForFunction((n) => window.parleyExplorer.graph().nodes().length > n, before, { timeout: 10000 })
    .catch(() => {});
  const after = await page.evaluate(() => window.parleyExplorer.graph().nodes().length);
  check(after > before, `expanding a node draws its neighbours (${before} → ${after} nodes)`);
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
  check(steps === 2 && text.includes('US President Donald Trump') && text.includes('the US had been in touch with Russian President Vladimir Putin'),
    `the deep link shows the path Trump → US → Putin with its evidence (${steps} links)`);
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
} finally {
  await browser.close();
}
console.log(`explorer: ${failures === 0 ? 'all checks passed' : failures + ' failures'}; screenshots in ${artifacts}/`);
process.exit(failures ? 1 : 0);
