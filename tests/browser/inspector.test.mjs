// The web inspector of a real `whk listen`, driven in Debian's headless Chromium.
//
//   WHK_BIN=target/debug/whk node --test tests/browser/
//
// WHK_BIN is the whk binary under test (required). WHK_CHROMIUM overrides /usr/bin/chromium.
// WHK_SCREENSHOT_DIR is where the list and detail screenshots go (default target/browser-screenshots;
// `WHK_SCREENSHOT_DIR=doc` refreshes the README's). tests/integration/inspector_browser.rs runs this
// file; ./scripts/test installs its pinned packages (package-lock.json beside it).
//
// Everything is real: whk listen with a fresh store, `whk trigger` sending signed events, an app on
// loopback that accepts only what the official stripe-node SDK verifies, and a page on another
// origin that tries to make the browser replay an event.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import Stripe from 'stripe';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const whkBin = process.env.WHK_BIN;
const chromiumBin = process.env.WHK_CHROMIUM || '/usr/bin/chromium';
const screenshotDir = path.resolve(repo, process.env.WHK_SCREENSHOT_DIR || 'target/browser-screenshots');
// A scenario that hangs fails on its own instead of stalling the whole run.
const LIMIT = { timeout: 45_000 };
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'whk-inspector-'));
const whkEnv = { ...process.env, WHK_CONFIG_DIR: path.join(home, 'config'), NO_COLOR: '1' };
delete whkEnv.WHK_SECRET;
delete whkEnv.WHK_FORWARD_TO;

let secret;
let app;
let listen;
let inspector; // the URL listen printed, e.g. http://127.0.0.1:41234/
let listenUrl; // where webhooks are posted (same address)
let context;
let page;
let evil;

// ---- helpers ----

function whk(...args) {
  return run(whkBin, args, { env: whkEnv, timeout: 30_000 });
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(what, check, timeoutMs = 15_000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- whk listen stderr\n${listen?.stderr ?? ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A webhook endpoint on loopback that accepts only what stripe-node's constructEvent verifies. */
async function startApp() {
  const stripe = new Stripe('sk_test_unused'); // constructEvent never calls the API
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['stripe-signature'] ?? '';
      const t = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
      const record = { path: req.url, raw: raw.toString('utf8'), signature, t, event: null, error: null };
      try {
        record.event = stripe.webhooks.constructEvent(raw, signature, secret);
      } catch (err) {
        record.error = `${err.type ?? err.name}: ${err.message}`;
      }
      received.push(record);
      if (req.url === '/broken') {
        // The route to this path stands for an app that is down: the inspector must show its answer.
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('database is down');
        return;
      }
      const answer = record.event ? { received: true, id: record.event.id } : { received: false, error: record.error };
      res.writeHead(record.event ? 200 : 400, { 'Content-Type': 'application/json', 'X-App': 'inspector-test' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { server, received, url: `${base}/webhook`, brokenUrl: `${base}/broken`, verified: () => received.filter((r) => r.event) };
}

/**
 * `whk listen` with a fresh store, forwarding to the app (payouts to its broken path, given up on at
 * once); resolves once it prints the inspector URL.
 */
async function startListen(port) {
  const args = ['listen', '--port', String(port), '--log', path.join(home, 'whk.db'), '--forward-to', app.url];
  args.push('--route', `payout.*=${app.brokenUrl}`, '--retries', '0');
  const child = spawn(whkBin, args, {
    env: whkEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = { child, stderr: '', stdout: '', exited: null };
  child.stdout.on('data', (chunk) => (handle.stdout += chunk));
  child.stderr.on('data', (chunk) => (handle.stderr += chunk));
  child.on('exit', (code, signal) => (handle.exited = { code, signal }));
  listen = handle;
  const line = await waitFor('whk listen to print "Inspector: http://…"', () => {
    if (handle.exited) throw new Error(`whk listen exited ${JSON.stringify(handle.exited)}:\n${handle.stderr}`);
    return /Inspector: (http:\/\/\S+)/.exec(handle.stderr);
  });
  return { handle, url: line[1] };
}

/** A page on another origin (another loopback port) that tries to make the browser replay an event. */
async function startEvilSite(replayUrl) {
  const html = `<!doctype html><title>evil</title><script>
    const results = [];
    const attempt = (name, init) => fetch(${JSON.stringify(replayUrl)}, init).then(
      (r) => results.push(name + ': sent (' + r.type + ')'), (e) => results.push(name + ': ' + e.name));
    Promise.all([
      // A "simple" request: no preflight, so it reaches the server; only the server can refuse it.
      attempt('no-cors', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{"target":null,"body":null}' }),
      // With the token header it needs a CORS preflight, which the server must not grant.
      attempt('cors', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Whk-Token': 'guessed' }, body: '{"target":null,"body":null}' }),
    ]).then(() => { document.title = 'done'; document.body.textContent = results.join('\\n'); });
  </script>`;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** A raw HTTP request, so Host and Origin are exactly what the test says. */
function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const rowOf = (type) => page.locator(`#events li[data-type="${type}"]`);

async function apiEvent(seq) {
  const answer = await request(new URL(`_whk/api/events/${seq}`, inspector));
  assert.equal(answer.status, 200, answer.text);
  return JSON.parse(answer.text);
}

// ---- setup ----

before(async () => {
  assert.ok(whkBin, 'set WHK_BIN to the whk binary under test (tests/integration/inspector_browser.rs does)');
  assert.ok(fs.existsSync(chromiumBin), `${chromiumBin} is missing: apt-get install chromium (or set WHK_CHROMIUM)`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  secret = (await whk('listen', '--print-secret')).stdout.trim();
  app = await startApp();
  const port = await freePort();
  ({ url: inspector } = await startListen(port));
  listenUrl = `http://127.0.0.1:${port}/`;
  // A fresh profile (playwright passes it as --user-data-dir), removed with the rest of `home`.
  context = await chromium.launchPersistentContext(path.join(home, 'chromium-profile'), {
    executablePath: chromiumBin,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector).origin });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
});

after(async () => {
  await context?.close();
  if (listen && !listen.exited) {
    listen.child.kill('SIGTERM');
    await waitFor('whk listen to stop', () => listen.exited, 10_000).catch(() => listen.child.kill('SIGKILL'));
  }
  app?.server.close();
  evil?.server.close();
  fs.rmSync(home, { recursive: true, force: true });
});

// ---- the scenarios, in order: each builds on the one before ----

test('the inspector page loads from listen, with its token and nothing from elsewhere', LIMIT, async () => {
  assert.match(listen.stderr, /Inspector: http:\/\/127\.0\.0\.1:\d+\//);
  const outside = [];
  page.on('request', (req) => {
    if (new URL(req.url()).origin !== new URL(inspector).origin) outside.push(req.url());
  });
  const response = await page.goto(inspector);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^text\/html/);
  // Another site may not frame the page (and click Replay through it), nor load script from elsewhere.
  assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  assert.equal(await page.title(), 'whk inspector');
  const token = await page.locator('meta[name="whk-token"]').getAttribute('content');
  assert.ok(token && token !== '{{WHK_TOKEN}}' && token.length >= 16, `a per-run token is injected, got ${token}`);
  await waitFor('the live feed to connect', () => page.locator('#live[data-live="open"]').count());
  assert.equal(await page.locator('#status-targets').textContent(), `${app.url}, ${app.brokenUrl}`);
  assert.equal(await page.locator('#status-total').textContent(), '0');
  // Every field has an accessible name.
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')].filter((f) => !f.labels?.length && !f.getAttribute('aria-label')).map((f) => f.id),
  );
  assert.deepEqual(unlabelled, []);
  assert.deepEqual(outside, [], 'the page loads nothing from another origin');
});

test('two triggered events appear live, without a reload', LIMIT, async () => {
  let navigations = 0;
  const countNavigation = (frame) => frame === page.mainFrame() && navigations++;
  page.on('framenavigated', countNavigation);
  await whk('trigger', 'stripe:payment_intent.succeeded', '--forward-to', listenUrl);
  await rowOf('payment_intent.succeeded').waitFor();
  await whk('trigger', 'stripe:customer.created', '--forward-to', listenUrl);
  await rowOf('customer.created').waitFor();
  await waitFor('both deliveries verified by the app', () => app.verified().length === 2);
  await page.locator('#events li[data-state="delivered"]').nth(1).waitFor();
  page.off('framenavigated', countNavigation);
  assert.equal(navigations, 0, 'the list updated in place');
  const types = await page.locator('#events li').evaluateAll((rows) => rows.map((r) => r.dataset.type));
  assert.deepEqual(types, ['customer.created', 'payment_intent.succeeded'], 'newest first');
  await waitFor('the status strip to count both', async () => (await page.locator('#status-delivered').textContent()) === '2');
  // Each was delivered once: the live feed counts every attempt once, whether it came with the arrival or after.
  const counted = await page.locator('#events li').evaluateAll((rows) => rows.map((r) => /(\d+) attempts?/.exec(r.textContent)?.[1]));
  assert.deepEqual(counted, ['1', '1'], 'one attempt each');
  await page.screenshot({ path: path.join(screenshotDir, 'inspector-list.png') });
});

test('filtering by type narrows the list, and clearing brings everything back', LIMIT, async () => {
  await page.locator('#filter-type').fill('payment_intent.*');
  await waitFor('only payment_intent rows', async () => (await page.locator('#events li').count()) === 1);
  assert.equal(await rowOf('payment_intent.succeeded').count(), 1);
  assert.match(page.url(), /type=payment_intent\./, 'the filter is kept in the address');
  await page.locator('#filter-status').selectOption('failed');
  await waitFor('no failed event', () => page.locator('#list-empty').isVisible());
  await page.locator('#filter-status').selectOption('');
  await rowOf('payment_intent.succeeded').waitFor();
});

test('the keyboard opens an event: its body, verdict, attempts and the app answer', LIMIT, async () => {
  await page.keyboard.press('Escape'); // out of the filter field, back to the list
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-search');
  await page.keyboard.press('Escape');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const sent = app.verified().find((r) => r.event.type === 'payment_intent.succeeded');
  await waitFor('the detail pane', async () => (await page.locator('#detail-heading').textContent()).includes(sent.event.id));
  assert.equal(await page.locator('#detail-meta dd[data-field="verdict"]').textContent(), 'accepted (signature verified)');
  assert.equal(await page.locator('#detail-meta dd[data-field="state"]').textContent(), 'delivered');
  const pretty = await page.locator('#body').textContent();
  assert.deepEqual(JSON.parse(pretty), JSON.parse(sent.raw), 'pretty view is the same JSON');
  assert.ok(pretty.includes('\n  "id": '), 'and indented');
  await page.locator('#body-raw').click();
  assert.equal(await page.locator('#body').textContent(), sent.raw, 'raw view is the bytes as received');
  const header = await page.locator('#headers tbody th', { hasText: /^stripe-signature$/i }).count();
  assert.equal(header, 1, 'the received headers are shown');
  await page.locator('#attempts li[data-status="200"]').waitFor();
  assert.equal(await page.locator('#attempts > li').count(), 1);
  assert.match(await page.locator('#attempts .answer-body').first().textContent(), /"received":true/);
  assert.match(await page.locator('#attempts').textContent(), /x-app/i, "the app's headers are shown");
});

test('Replay (the r key) re-sends the event, signed again, and the app verifies it', LIMIT, async () => {
  const original = app.verified().find((r) => r.event.type === 'payment_intent.succeeded');
  // Signature timestamps are in seconds: let one pass, so a fresh signature cannot equal the old one.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, original.t * 1000 + 1100 - Date.now())));
  await page.locator('#events').focus();
  await page.keyboard.press('r');
  await waitFor('the replay to reach the app', () => app.received.length === 3);
  const replayed = app.received[2];
  assert.equal(replayed.error, null, `stripe-node verified the replay: ${replayed.error}`);
  assert.equal(replayed.event.id, original.event.id);
  assert.equal(replayed.raw, original.raw, 'the same bytes');
  assert.ok(replayed.t > original.t, `signed afresh (t=${replayed.t}), not with the recorded signature (t=${original.t})`);
  await waitFor('the replay attempt in the detail', () => page.locator('#attempts li[data-replay="true"][data-status="200"]').count());
  assert.equal(await page.locator('#attempts > li').count(), 2);
  assert.match(await page.locator('#action-result').textContent(), /Replayed to .* 200/);
  await page.locator('#body-pretty').click();
  await page.screenshot({ path: path.join(screenshotDir, 'inspector-detail.png') });
});

test('Edit & replay sends a changed amount, signed, and refuses invalid JSON', LIMIT, async () => {
  await page.locator('#edit-replay').click();
  const editor = page.locator('#edit-body');
  await editor.waitFor();
  const event = JSON.parse(await editor.inputValue());
  assert.equal(event.type, 'payment_intent.succeeded');
  await editor.fill('{"amount": ');
  await page.locator('#edit-send').click();
  await page.locator('#edit-error').waitFor();
  assert.match(await page.locator('#edit-error').textContent(), /Not valid JSON/);
  event.data.object.amount = 4242;
  await editor.fill(JSON.stringify(event, null, 2));
  await page.locator('#edit-send').click();
  await waitFor('the edited replay to reach the app', () => app.received.length === 4);
  const edited = app.received[3];
  assert.equal(edited.error, null, `stripe-node verified the edited replay: ${edited.error}`);
  assert.equal(edited.event.id, event.id);
  assert.equal(edited.event.data.object.amount, 4242);
  assert.equal(edited.raw, JSON.stringify(event, null, 2), 'exactly the text that was edited');
  await waitFor('three attempts', async () => (await page.locator('#attempts > li').count()) === 3);
  assert.ok(await page.locator('#edit-form').isHidden(), 'the editor closes once sent');
});

test('copy as curl leaves the signature out; copy as fixture is the event JSON', LIMIT, async () => {
  const sent = app.verified().find((r) => r.event.type === 'payment_intent.succeeded');
  await page.locator('#copy-curl').click();
  const curl = await page.locator('#clipboard').inputValue();
  assert.match(curl, /^curl -sS -X POST '/m);
  assert.ok(curl.includes(`'${app.url}'`), curl);
  assert.ok(curl.includes(`--data-raw '${sent.raw.replaceAll("'", "'\\''")}'`), 'posts the raw body');
  assert.match(curl, /-H 'content-type: application\/json/i);
  assert.doesNotMatch(curl, /-H 'stripe-signature/i);
  assert.doesNotMatch(curl, /v1=/);
  assert.match(curl, /^# Left out: stripe-signature/im);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), curl, 'on the clipboard too');
  await page.locator('#copy-fixture').click();
  assert.equal(await page.locator('#clipboard').inputValue(), sent.raw);
  assert.match(await page.locator('#download-fixture').getAttribute('download'), /^evt_\w+\.json$/);
});

test('a page on another origin cannot make the browser replay, nor can a forged request', LIMIT, async () => {
  const seq = Number(await page.locator('#events li[data-type="payment_intent.succeeded"]').getAttribute('data-seq'));
  const replayUrl = new URL(`_whk/api/events/${seq}/replay`, inspector).href;
  const before = (await apiEvent(seq)).attempts.length;
  const delivered = app.received.length;

  evil = await startEvilSite(replayUrl);
  const attacker = await context.newPage();
  await attacker.goto(evil.origin);
  await waitFor('the other origin to try', async () => (await attacker.title()) === 'done');
  await attacker.close();

  const token = await page.locator('meta[name="whk-token"]').getAttribute('content');
  const { host } = new URL(inspector);
  const post = (headers) =>
    request(replayUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{"target":null,"body":null}' });
  const refusals = {
    'no token': await post({ Origin: new URL(inspector).origin }),
    'a wrong token': await post({ Origin: new URL(inspector).origin, 'X-Whk-Token': 'not-the-token' }),
    'another origin': await post({ Origin: evil.origin, 'X-Whk-Token': token }),
    'an opaque origin': await post({ Origin: 'null', 'X-Whk-Token': token }),
    'a rebound host name': await post({ Host: `attacker.example:${new URL(inspector).port}`, Origin: `http://attacker.example:${new URL(inspector).port}`, 'X-Whk-Token': token }),
  };
  for (const [what, answer] of Object.entries(refusals)) assert.equal(answer.status, 403, `${what}: ${answer.status} ${answer.text}`);
  // Reading is guarded against DNS rebinding too.
  for (const p of ['', '_whk/api/events', `_whk/api/events/${seq}`]) {
    const answer = await request(new URL(p, inspector), { headers: { Host: `attacker.example:${new URL(inspector).port}` } });
    assert.equal(answer.status, 403, `GET /${p} with a foreign Host: ${answer.status}`);
  }
  // The same request from the page itself works (the refusals above are not a broken endpoint).
  const allowed = await post({ Origin: new URL(inspector).origin, Host: host, 'X-Whk-Token': token });
  assert.equal(allowed.status, 200, allowed.text);
  await waitFor('the allowed replay', () => app.received.length === delivered + 1);
  await new Promise((resolve) => setTimeout(resolve, 500)); // a late refused replay would show up here
  assert.equal(app.received.length, delivered + 1, 'nothing refused reached the app');
  assert.equal((await apiEvent(seq)).attempts.length, before + 1);
});

test("a failed delivery shows up live, with the app's 5xx answer", LIMIT, async () => {
  await whk('trigger', 'stripe:payout.failed', '--forward-to', listenUrl);
  await page.locator('#filter-type').fill('');
  await page.locator('#filter-status').selectOption('failed');
  // Until the list answers the new filters, it shows the old ones' rows (aria-busy says so).
  await page.locator('#events[aria-busy="false"]').waitFor();
  await page.locator('#events li[data-type="payout.failed"][data-state="failed"]').waitFor();
  assert.equal(await page.locator('#events li').count(), 1, 'only the failed event');
  await waitFor('the status strip to count it', async () => (await page.locator('#status-failed').textContent()) === '1');
  await page.locator('#events li[data-type="payout.failed"]').click();
  await page.locator('#attempts li[data-status="503"]').waitFor();
  assert.equal(await page.locator('#detail-meta dd[data-field="state"]').textContent(), 'failed');
  assert.equal(await page.locator('#detail-meta dd[data-field="target"]').textContent(), app.brokenUrl);
  assert.equal(await page.locator('#attempts .answer-body').textContent(), 'database is down');
  await page.locator('#filter-status').selectOption('');
});

test('dark mode, and no secret anywhere on the page', LIMIT, async () => {
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(dark, light, 'prefers-color-scheme: dark changes the colours');
  await page.screenshot({ path: path.join(screenshotDir, 'inspector-detail-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  const html = await page.content();
  const raw = secret.replace(/^whsec_/, '');
  assert.ok(!html.includes(raw), 'the signing secret is not on the page');
  for (const seq of await page.locator('#events li').evaluateAll((rows) => rows.map((r) => r.dataset.seq))) {
    assert.ok(!JSON.stringify(await apiEvent(seq)).includes(raw), `event ${seq}: the API does not reveal the secret`);
  }
});
