// Opens the playground in headless Chromium with the network closed to
// anything but the server, runs every example tab, checks each answer, and
// saves a screenshot: node playground.mjs http://127.0.0.1:PORT ARTIFACTS_DIR
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.argv[2];
const artifacts = process.argv[3] || 'artifacts';
mkdirSync(artifacts, { recursive: true });
const origin = new URL(base).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failures = 0;
const fail = (msg) => { failures++; console.log('FAIL ' + msg); };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const outside = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== origin && u.protocol !== 'data:') outside.push(req.url());
  });
  page.on('pageerror', (err) => fail('page error: ' + err.message));

  await page.goto(base + '/', { waitUntil: 'networkidle' });
  await page.waitForSelector('.graphiql-tab', { timeout: 20000 });
  const tabs = await page.locator('.graphiql-tab').count();
  if (tabs < 8) fail(`the playground opened ${tabs} example tabs, want 8`);
  for (let i = 0; i < tabs; i++) {
    const tab = page.locator('.graphiql-tab').nth(i);
    const name = (await tab.locator('.graphiql-tab-button').innerText()).trim();
    await tab.locator('.graphiql-tab-button').click();
    // Let the editor show the tab's query (GraphiQL reads the operation
    // name from it) before running it.
    await page.waitForFunction((n) => document.querySelector('.graphiql-query-editor')?.innerText.includes('query ' + n), name);
    await page.waitForTimeout(300);
    const answer = page.waitForResponse((r) => r.url().endsWith('/query') && r.request().method() === 'POST'
      && (r.request().postData() || '').includes('"operationName":"' + name + '"'), { timeout: 15000 });
    await page.locator('.graphiql-execute-button').click();
    const res = await answer.catch(async (e) => {
      await page.screenshot({ path: `${artifacts}/failed-${i}.png` });
      throw new Error(`${name}: no answer: ${e.message}`);
    });
    const body = await res.json();
    if (body.errors) fail(`${name}: ${JSON.stringify(body.errors)}`);
    else if (!JSON.stringify(body.data).includes('"quote"')) fail(`${name}: no evidence in the answer`);
    else console.log(`ok   ${name}: ${JSON.stringify(body.data).length} bytes`);
    // The answer is shown in the result pane.
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.innerText.includes('quote'), null, { timeout: 10000 })
      .catch(() => fail(`${name}: the answer is not shown`));
    if (i === 0) {
      // The welcome comment fits its pane: every comment line ends left
      // of the editor's toolbar (the run button) and inside the editor.
      const over = await page.evaluate(() => {
        const editor = document.querySelector('.graphiql-query-editor .CodeMirror');
        const toolbar = document.querySelector('.graphiql-toolbar');
        if (!editor) return null;
        const right = Math.min(editor.getBoundingClientRect().right, toolbar ? toolbar.getBoundingClientRect().left : Infinity);
        const lines = [...editor.querySelectorAll('.CodeMirror-line')].filter((l) => l.textContent.startsWith('#'));
        if (!lines.length) return null;
        return Math.max(...lines.map((l) => l.firstElementChild.getBoundingClientRect().right - right));
      });
      if (over === null || over > 0) fail(`${name}: the welcome comment does not fit the editor pane (${over} px too wide)`);
      else console.log(`ok   ${name}: the welcome comment fits the editor pane (${Math.round(-over)} px to spare)`);
      await page.screenshot({ path: `${artifacts}/playground-welcome.png` });
    }
    if (i === 1) await page.screenshot({ path: `${artifacts}/playground-donbas.png` });
  }
  await page.screenshot({ path: `${artifacts}/playground.png` });
  if (outside.length) fail('requests left the server: ' + outside.join(', '));
  else console.log('ok   no request left ' + origin);
} finally {
  await browser.close();
}
console.log(`playground: ${failures === 0 ? 'all examples ran' : failures + ' failures'}; screenshots in ${artifacts}/`);
process.exit(failures ? 1 : 0);
