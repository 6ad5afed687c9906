// A webhook endpoint that trusts only the official Node SDKs: stripe-node for Stripe events,
// fintoc-node (npm `fintoc`) for Fintoc events.
//
// Usage: WHK_TEST_SECRET=whsec_... [WHK_RECEIVER_MODE=reserialize] node receiver.mjs PORT
//
// WHK_RECEIVER_MODE=reserialize plays the commonest integration bug: the body is parsed first (as
// `express.json()` does) and `JSON.stringify` of the parsed object is what gets verified.
//
// Binds 127.0.0.1:PORT (0 picks a free port) and prints `PORT <n>` on stdout once it listens.
// Each POST is checked by stripe.webhooks.constructEvent (Stripe-Signature) or
// fintoc's WebhookSignature.verifyHeader (Fintoc-Signature): 200 {"ok":true,"type":...} when the
// SDK accepts it, 400 {"ok":false,"error":...} with the SDK's message otherwise. Every verdict
// goes to stderr, refusals with the refused body, so a failing test can show why.
// tests/sdk_crosscheck.rs drives it; ./scripts/test installs both (tests/sdk/package-lock.json).
// The packages resolve from the node_modules beside this file, wherever node is started.

import http from 'node:http';
import Stripe from 'stripe';
import { WebhookSignature } from 'fintoc';

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

// Fintoc's documented envelope, in the order Fintoc sends it.
const FINTOC_ENVELOPE = ['id', 'type', 'mode', 'created_at', 'data', 'object'];

function checkFintoc(rawBody, header) {
  // Throws WebhookSignatureError; the default tolerance (300 s) applies to past and future timestamps.
  WebhookSignature.verifyHeader(rawBody, header, secret);
  const event = JSON.parse(rawBody.toString('utf8')); // objects keep the order of the keys as sent
  const keys = Object.keys(event);
  if (keys.join() !== FINTOC_ENVELOPE.join()) {
    throw new Error(`envelope keys are ${keys.join()}, expected ${FINTOC_ENVELOPE.join()}`);
  }
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
    throw new Error('data is not an object');
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
    let rawBody = Buffer.concat(chunks);
    if (process.env.WHK_RECEIVER_MODE === 'reserialize') {
      try {
        rawBody = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8'))));
      } catch {
        // Not JSON: verified as received.
      }
    }
    const stripeSignature = req.headers['stripe-signature'];
    const fintocSignature = req.headers['fintoc-signature'];
    let provider;
    let type;
    try {
      if (stripeSignature !== undefined) {
        [provider, type] = ['stripe', checkStripe(rawBody, stripeSignature)];
      } else if (fintocSignature !== undefined) {
        [provider, type] = ['fintoc', checkFintoc(rawBody, fintocSignature)];
      } else {
        throw new Error('no Stripe-Signature or Fintoc-Signature header');
      }
    } catch (err) {
      const message = `${err.type ?? err.name}: ${err.message}`; // err.type names Stripe's error classes
      console.error(`REFUSED ${req.url}: ${message}\n  body: ${rawBody.toString('utf8')}`);
      answer(res, 400, { ok: false, error: message });
      return;
    }
    console.error(`accepted ${provider}:${type}`);
    answer(res, 200, { ok: true, type });
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
