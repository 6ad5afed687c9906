#!/usr/bin/env python3
"""A webhook endpoint that trusts only the providers' official Python SDKs.

Usage: WHK_TEST_SECRET=whsec_... receiver.py PORT

Binds 127.0.0.1:PORT (0 picks a free port) and prints `PORT <n>` on stdout once it
listens. Each POST is checked by stripe.Webhook.construct_event (Stripe-Signature) or
fintoc.webhook.WebhookSignature.verify_header (Fintoc-Signature): 200 {"ok":true,"type":...}
when the SDK accepts it, 400 {"ok":false,"error":...} with the SDK's message otherwise.
Every verdict goes to stderr, refusals with the refused body, so a failing test can show why.
tests/sdk_crosscheck.rs drives it; ./scripts/test installs the SDKs (tests/sdk/requirements.txt).
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import stripe
from fintoc.webhook import WebhookSignature

SECRET = os.environ.get("WHK_TEST_SECRET", "")

# Fintoc's documented envelope, in the order Fintoc sends it.
FINTOC_ENVELOPE = ["id", "type", "mode", "created_at", "data", "object"]


def check_stripe(body: bytes, header: str) -> str:
    """The event type, once stripe-python has verified and parsed the event."""
    # construct_event raises SignatureVerificationError (or ValueError for bad JSON).
    event = stripe.Webhook.construct_event(body, header, SECRET)
    # A StripeObject is not a dict: its fields are attributes, and a missing one raises AttributeError.
    if not isinstance(getattr(event, "type", None), str):
        raise ValueError("the event has no type")
    data = getattr(event, "data", None)
    if not isinstance(getattr(data, "object", None), stripe.StripeObject):
        raise ValueError("the event has no data.object")
    return event.type


def check_fintoc(body: bytes, header: str) -> str:
    """The event type, once fintoc-python has verified the signature and the envelope looks like Fintoc's."""
    # verify_header signs f"{timestamp}.{payload}": it needs the body as text, not bytes.
    text = body.decode("utf-8")
    WebhookSignature.verify_header(text, header, SECRET)
    event = json.loads(text)  # dicts keep the order of the keys as sent
    if list(event) != FINTOC_ENVELOPE:
        raise ValueError(f"envelope keys are {list(event)}, expected {FINTOC_ENVELOPE}")
    if not isinstance(event["data"], dict):
        raise ValueError("data is not an object")
    return event["type"]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        stripe_sig = self.headers.get("Stripe-Signature")
        fintoc_sig = self.headers.get("Fintoc-Signature")
        try:
            if stripe_sig is not None:
                provider, event_type = "stripe", check_stripe(body, stripe_sig)
            elif fintoc_sig is not None:
                provider, event_type = "fintoc", check_fintoc(body, fintoc_sig)
            else:
                raise ValueError("no Stripe-Signature or Fintoc-Signature header")
        except Exception as err:  # any refusal, the SDK's or ours, is a 400 that says why
            message = f"{type(err).__name__}: {err}"
            log(f"REFUSED {self.path}: {message}\n  body: {body.decode('utf-8', 'replace')}")
            self.answer(400, {"ok": False, "error": message})
            return
        log(f"accepted {provider}:{event_type}")
        self.answer(200, {"ok": True, "type": event_type})

    def answer(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass  # the verdicts above say more than the access log


def log(line: str):
    print(line, file=sys.stderr, flush=True)


def main():
    if not SECRET:
        sys.exit("receiver.py: set WHK_TEST_SECRET to the signing secret")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
