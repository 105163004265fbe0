// The hub page in real headless Chromium (Debian's /usr/bin/chromium), driven by playwright-core.
// Environment (set by run.sh): HUB_URL, STORE_URL, STORE_KEY, STORE_SECRET, USER_A, USER_B,
// PASSWORD, ARTIFACTS (screenshot folder), CHROMIUM (optional), QUESTIONS (optional JSON list of
// five questions: [first, follow-up, ranking, another, out-of-scope]).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`missing environment variable ${name}`);
  return v;
};
const HUB = env('HUB_URL');
const STORE_URL = env('STORE_URL');
const KEY = env('STORE_KEY');
const SECRET = env('STORE_SECRET');
const USER_A = env('USER_A');
const USER_B = env('USER_B');
const PASSWORD = env('PASSWORD');
const ARTIFACTS = env('ARTIFACTS');
const SYNC_TIMEOUT_MS = Number(process.env.SYNC_TIMEOUT_MS || 180000);
const QUESTIONS = process.env.QUESTIONS ? JSON.parse(process.env.QUESTIONS) : [
  'What were my net sales last month?',
  'and the month before?',
  'What were my top 3 products last month?',
  'How many orders did I get this year?',
  "What's the weather in Paris tomorrow?",
];
const XSS_NAME = process.env.XSS_NAME || '';

fs.mkdirSync(ARTIFACTS, { recursive: true });
let passed = 0;
let failed = 0;
const results = [];

let currentPage = null;
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    results.push(`ok   ${name} (${Date.now() - t0} ms)`);
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    if (currentPage) await currentPage.screenshot({ path: path.join(ARTIFACTS, 'failure.png'), fullPage: true }).catch(() => {});
    results.push(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    throw e;
  }
}
function assert(cond, message) { if (!cond) throw new Error(`assertion failed: ${message}`); }
async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// playwright launches Chromium with a fresh temporary --user-data-dir of its own (it refuses the
// flag in args) and deletes it on close.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function login(page, email) {
  await page.goto(HUB);
  await page.waitForSelector('#login-view:not([hidden])');
  await page.fill('#login-email', email);
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('#app-view:not([hidden])');
}

async function addConnector(page, { name, url, key, secret }) {
  if (await page.isHidden('#setup-modal')) {
    await page.click('#connectors-button');
    await page.waitForSelector('#connectors-popover:not([hidden])');
    await page.click('#add-connector');
    await page.click('#provider-woocommerce');
    await page.waitForSelector('#setup-modal:not([hidden])');
  }
  await page.fill('#setup-name', name);
  await page.fill('#setup-url', url);
  await page.fill('#setup-key', key);
  await page.fill('#setup-secret', secret);
  await page.click('#setup-submit');
  await page.waitForFunction(() => document.getElementById('setup-submit').textContent === 'Connect');
}

async function fieldError(page, field) {
  const sel = `#setup-form .field-error[data-for="${field}"]`;
  await page.waitForSelector(`${sel}:not([hidden])`, { timeout: 60000 });
  return page.textContent(sel);
}

let exitCode = 0;
let conversationId = null;
const pageErrors = [];
try {
  const ctxA = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // Playwright waits 30 s by default. This test failed twice in full `ctest -j2` runs on a
  // loaded 2-core machine (after 45 s once; output not kept) and never alone, so every wait
  // without its own timeout gets 60 s.
  ctxA.setDefaultTimeout(60000);
  const page = await ctxA.newPage();
  currentPage = page;
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('dialog', (d) => d.accept());

  await step('login refuses a wrong password, then logs in', async () => {
    await page.goto(HUB);
    await page.waitForSelector('#login-view:not([hidden])');
    await shot(page, '01-login');
    await page.fill('#login-email', USER_A);
    await page.fill('#login-password', 'definitely not it');
    await page.click('#login-submit');
    await page.waitForSelector('#login-error:not([hidden])');
    await login(page, USER_A);
    const cookies = await ctxA.cookies();
    const session = cookies.find((c) => c.name === 'clever_session');
    assert(session && session.httpOnly && session.sameSite === 'Strict', 'session cookie is HttpOnly + Strict');
    assert(await page.evaluate(() => !document.cookie.includes('clever_session')), 'cookie invisible to scripts');
    await shot(page, '02-empty-hub');
  });

  await step('wrong secret -> error at the secret field', async () => {
    await addConnector(page, { name: 'Main shop', url: STORE_URL, key: KEY, secret: 'cs_wrong_secret_000000000000000000000000' });
    const text = await fieldError(page, 'consumer_secret');
    assert(text.length > 10, `secret error shown: ${text}`);
    assert(await page.getAttribute('#setup-secret', 'aria-invalid') === 'true', 'secret input marked invalid');
    await shot(page, '03-wrong-secret');
  });

  await step('store name in the URL field -> error at the URL field', async () => {
    await addConnector(page, { name: 'Main shop', url: 'My Lovely Shop', key: KEY, secret: SECRET });
    const text = await fieldError(page, 'url');
    assert(text.length > 10, `url error shown: ${text}`);
    await shot(page, '04-name-in-url');
  });

  await step('correct details connect the store and sync starts', async () => {
    await addConnector(page, { name: 'Main shop', url: STORE_URL, key: KEY, secret: SECRET });
    await page.waitForSelector('#setup-modal', { state: 'hidden', timeout: 60000 });
    await page.waitForSelector('#store-modal:not([hidden])');
    await page.waitForSelector('#sync-table tbody tr');
    await shot(page, '05-sync-started');
  });

  await step('sync finishes; payouts/disputes say when not available', async () => {
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#sync-table tbody tr')];
      return rows.length === 9 && rows.every((r) => ['ok', 'not_available'].includes(r.dataset.state));
    }, null, { timeout: SYNC_TIMEOUT_MS, polling: 500 });
    const states = await page.$$eval('#sync-table tbody tr', (rows) => rows.map((r) => [r.dataset.category, r.dataset.state, r.textContent]));
    for (const [cat, st, text] of states) {
      if (st === 'not_available') assert(text.includes('Not available on this store'), `${cat} says not available`);
      else assert(text.includes('Synced'), `${cat} synced`);
    }
    await shot(page, '06-sync-done');
    await page.click('#store-close');
  });

  await step('duplicate store domain -> error at the URL field', async () => {
    await addConnector(page, { name: 'Same shop again', url: STORE_URL, key: KEY, secret: SECRET });
    const text = await fieldError(page, 'url');
    assert(/already|duplicate/i.test(text), `duplicate error shown: ${text}`);
    await shot(page, '07-duplicate');
    await page.click('#setup-cancel');
  });

  await step('toggle the store off and on', async () => {
    await page.click('#connectors-button');
    await page.waitForSelector('#connectors-popover:not([hidden])');
    const toggle = page.locator('.store-toggle').first();
    assert(await toggle.isChecked(), 'enabled by default');
    await page.click('.store .switch');
    await page.waitForFunction(() => document.getElementById('stores-on').textContent.includes('No store switched on'));
    let r = await page.request.get(`${HUB}/api/connectors`);
    assert((await r.json()).connectors[0].enabled === false, 'server has it disabled');
    await shot(page, '08-toggled-off');
    await page.click('.store .switch');
    await page.waitForFunction(() => document.getElementById('stores-on').textContent.startsWith('Using'));
    r = await page.request.get(`${HUB}/api/connectors`);
    assert((await r.json()).connectors[0].enabled === true, 'server has it enabled again');
    await page.click('#connectors-close');
  });

  async function askAndWait(q, index) {
    await page.fill('#prompt-input', q);
    await page.click('#send-button');
    await page.waitForFunction((n) => {
      const cards = document.querySelectorAll('.msg-assistant');
      return cards.length >= n && cards[n - 1].hasAttribute('data-status');
    }, index, { timeout: 60000 });
    return page.locator('.msg-assistant').nth(index - 1);
  }

  async function canvasHasInk(card) {
    return card.evaluate((c) => {
      const canvas = c.querySelector('.chart-wrap canvas');
      if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
      const ctx = canvas.getContext('2d');
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
      return ink > 500;
    });
  }

  await step('five questions: figures, table, drawn chart, follow-up, refusal', async () => {
    const first = await askAndWait(QUESTIONS[0], 1);
    assert(await first.getAttribute('data-status') === 'answered', 'first answered');
    assert((await first.locator('.answer-text').textContent()).length > 5, 'first has text');
    assert(await first.locator('table.answer-table tbody tr').count() > 0, 'first has a table');
    assert(await canvasHasInk(first), 'first has a drawn chart');
    await first.locator('details.how summary').click();
    assert((await first.locator('details.how').textContent()).includes('Freshness'), 'How I got this shows freshness');
    await shot(page, '09-first-answer');

    const follow = await askAndWait(QUESTIONS[1], 2);
    assert(await follow.getAttribute('data-status') === 'answered', 'follow-up answered');

    const ranking = await askAndWait(QUESTIONS[2], 3);
    assert(await ranking.getAttribute('data-status') === 'answered', 'ranking answered');
    assert(await ranking.locator('table.answer-table tbody tr').count() > 0, 'ranking has a table');
    assert(await canvasHasInk(ranking), 'ranking has a drawn chart');

    const fourth = await askAndWait(QUESTIONS[3], 4);
    assert(['answered', 'insufficient_data'].includes(await fourth.getAttribute('data-status')), 'fourth answered');

    const refusal = await askAndWait(QUESTIONS[4], 5);
    assert(await refusal.getAttribute('data-status') === 'out_of_scope', 'out-of-scope refused');
    assert(await refusal.locator('.badge.refused').count() === 1, 'refusal badge');
    await shot(page, '10-conversation');
    const convs = await (await page.request.get(`${HUB}/api/conversations`)).json();
    conversationId = convs.conversations[0].id;
  });

  if (XSS_NAME) {
    await step('store-provided text with HTML stays text', async () => {
      const xss = await page.evaluate(() => window.__xss);
      assert(xss === undefined, 'no injected script ran');
      assert(await page.locator('.msg-assistant img').count() === 0, 'no <img> element from data');
      const cells = await page.$$eval('table.answer-table td', (tds) => tds.map((td) => td.textContent));
      assert(cells.includes(XSS_NAME), 'the product name is shown literally');
    });
  }

  await step('a second merchant sees none of it', async () => {
    const ctxB = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    ctxB.setDefaultTimeout(60000);
    const pageB = await ctxB.newPage();
    pageB.on('pageerror', (e) => pageErrors.push(String(e)));
    await login(pageB, USER_B);
    await pageB.click('#connectors-button');
    await pageB.waitForSelector('#no-stores:not([hidden])');
    assert(await pageB.locator('.store').count() === 0, 'no stores listed for B');
    const list = await (await pageB.request.get(`${HUB}/api/connectors`)).json();
    assert(list.connectors.length === 0, 'API lists no connectors for B');
    const convs = await (await pageB.request.get(`${HUB}/api/conversations`)).json();
    assert(convs.conversations.length === 0, 'API lists no conversations for B');
    const peek = await pageB.request.get(`${HUB}/api/conversations/${conversationId}`);
    assert(peek.status() === 404, `A's conversation is 404 for B (got ${peek.status()})`);
    await shot(pageB, '11-second-merchant');
    await ctxB.close();
  });

  await step('no script errors on the page', async () => {
    assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  });
  await ctxA.close();
} catch (e) {
  exitCode = 1;
} finally {
  await browser.close();
  fs.writeFileSync(path.join(ARTIFACTS, 'results.txt'), results.join('\n') + '\n');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode || (failed ? 1 : 0));
