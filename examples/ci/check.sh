#!/usr/bin/env bash
# Fires saved fixtures and forged events at a webhook endpoint and fails on any surprise:
# every fixture must be accepted (2xx) and every forged delivery refused (4xx).
#
#   WHK=whk PYTHON=python3 examples/ci/check.sh
#
# It starts examples/ci/receiver.py (pass RECEIVER_ARGS=--insecure to see it catch a broken app);
# in your own CI, start your app instead and point the URLs at it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
whk=${WHK:-whk}
python=${PYTHON:-python3}
port=${PORT:-4343}
export WEBHOOK_SECRET=whsec_exampleCiSecret9sKq2ZxL0
export WHK_SECRET=$WEBHOOK_SECRET   # whk signs with the secret the app verifies with

"$python" "$here/receiver.py" "$port" ${RECEIVER_ARGS:-} > "${TMPDIR:-/tmp}/whk-example-receiver.out" &
receiver=$!
trap 'kill $receiver 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q listening "${TMPDIR:-/tmp}/whk-example-receiver.out" 2>/dev/null && break
    sleep 0.1
done

stripe_url=127.0.0.1:$port/webhooks/stripe
fintoc_url=127.0.0.1:$port/webhooks/fintoc

# 1. The saved fixtures, re-signed with a fresh timestamp, must all be accepted.
"$whk" replay --file "$here"/fixtures/stripe.*.json --to "$stripe_url" --expect-status 2xx
"$whk" replay --file "$here"/fixtures/fintoc.*.json --to "$fintoc_url" --expect-status 2xx

# 2. Forged deliveries must all be refused (exit 1 names the one the app accepted).
"$whk" trigger stripe:payout.failed --tamper all --forward-to "$stripe_url"
"$whk" trigger fintoc:payment_intent.succeeded --tamper all --forward-to "$fintoc_url"
echo "webhook checks passed"
