#!/usr/bin/env python3
"""A minimal webhook endpoint that verifies signatures with the official SDKs, as your app should.

    WEBHOOK_SECRET=whsec_... python3 receiver.py PORT [--insecure]

POST /webhooks/stripe is checked by stripe-python, POST /webhooks/fintoc by fintoc-python; a valid
event gets 200, anything else 400. --insecure skips the checks: an app with that bug is what
`whk trigger --tamper all` exists to catch. Prints `listening on PORT` once ready.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import stripe
from fintoc.webhook import WebhookSignature

SECRET = os.environ["WEBHOOK_SECRET"]
INSECURE = "--insecure" in sys.argv


class Webhooks(BaseHTTPRequestHandler):
    def do_POST(self):
        payload = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            if INSECURE:
                event = json.loads(payload)
            elif self.path == "/webhooks/stripe":
                # Verify the raw bytes as received, never re-serialised JSON.
                event = stripe.Webhook.construct_event(payload, self.headers.get("Stripe-Signature", ""), SECRET)
            elif self.path == "/webhooks/fintoc":
                WebhookSignature.verify_header(payload.decode(), self.headers.get("Fintoc-Signature", ""), SECRET)
                event = json.loads(payload)
            else:
                self.send_error(404)
                return
        except Exception as error:  # the SDKs raise their own error types for bad signatures
            self.send_response(400)
            self.end_headers()
            self.wfile.write(str(error).encode())
            return
        print(f"received {event['type']} {event['id']}", file=sys.stderr, flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Webhooks)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
