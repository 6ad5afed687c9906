// A Stripe webhook endpoint that trusts only the official stripe-node SDK.
//
// Usage: WHK_TEST_SECRET=whsec_... node receiver.mjs PORT
//
// Binds 127.0.0.1:PORT (0 picks a free port) and prints `PORT <n>` on stdout once it listens.
// Each POST is checked by stripe.webhooks.constructEvent: 200 {"ok":true,"type":...} when the
// SDK accepts it, 400 {"ok":false,"error":...} with the SDK's message otherwise. Every verdict
// goes to stderr, refusals with the refused body, so a failing test can show why.
// tests/sdk_crosscheck.rs drives it; ./scripts/test installs stripe (tests/sdk/package-lock.json).
// `stripe` resolves from the node_modules beside this file, wherever node is started.

import http from 'node:http';
import Stripe from 'stripe';

const secret = process.env.WHK_TEST_SECRET;
if (!secret) {
  console.error('receiver.mjs: set WHK_TEST_SECRET to the signing secret');
  process.exit(2);
}

// constructEvent never calls the API, but a client needs a key to exist.
const stripe = new Stripe('sk_test_unused');

function checkStripe(rawBody, header) {
  // Throws StripeSignatureVerificationError (or a SyntaxError for bad JSON).
  const event = stripe.webhooks.constructEvent(rawBody, header, secret);
  if (typeof event.type !== 'string') throw new Error('the event has no type');
  if (typeof event.data?.object !== 'object' || event.data.object === null) {
    throw new Error('the event has no data.object');
  }
  return event.type;
}

function answer(res, status, payload) {
  const data = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    // The signature covers the exact bytes sent, so verify the raw Buffer, never re-serialised JSON.
    const rawBody = Buffer.concat(chunks);
    const header = req.headers['stripe-signature'];
    let type;
    try {
      if (header === undefined) throw new Error('no Stripe-Signature header: this receiver checks Stripe events only');
      type = checkStripe(rawBody, header);
    } catch (err) {
      const message = `${err.type ?? err.name}: ${err.message}`; // err.type names Stripe's error classes
      console.error(`REFUSED ${req.url}: ${message}\n  body: ${rawBody.toString('utf8')}`);
      answer(res, 400, { ok: false, error: message });
      return;
    }
    console.error(`accepted stripe:${type}`);
    answer(res, 200, { ok: true, type });
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
