# Shell functions shared by the bench scripts. They expect $whk (the binary), $tmp (a
# scratch folder) and, for presign, $sink (the URL the request is printed for).

# COUNT free loopback ports, on one line (bound together so that they differ, then released).
free_ports() { # COUNT
    python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))' "$1"
}

# Waits for something to listen on a loopback port (10 s at most).
wait_port() {
    local port=$1 tries=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        ((++tries < 200)) || { echo "bench: nothing came up on port $port" >&2; return 1; }
        sleep 0.05
    done
}

# A pre-signed request exactly as whk sends it: `whk trigger --print`, split into a body file and
# headers, then a wrk script and curl arguments for it. Signatures are valid for 300 s, so each
# measurement signs afresh. Given COUNT, the wrk script cycles through COUNT copies of the event,
# each with an id of its own and its own signature, as a provider sends them (a store that indexes
# event ids must see distinct ones); wrk builds those requests as it starts its threads, before it
# starts its clock.
presign() { # NAME SECRET [COUNT]
    local name=$1 key=$2 count=${3:-}
    "$whk" trigger payout.failed --secret "$key" --forward-to "$sink" --print >"$tmp/$name.req"
    awk 'b { print; next } /^$/ { b = 1 }' "$tmp/$name.req" | head -c -1 >"$tmp/$name.body"
    sed -n '2,/^$/p' "$tmp/$name.req" | sed '/^$/d' >"$tmp/$name.headers"
    {
        echo "local f = io.open(\"$tmp/$name.body\", \"rb\"); wrk.body = f:read(\"*a\"); f:close()"
        echo 'wrk.method = "POST"'
        while IFS= read -r line; do
            printf 'wrk.headers["%s"] = "%s"\n' "${line%%: *}" "${line#*: }"
        done <"$tmp/$name.headers"
        [[ -z $count ]] || python3 - "$tmp/$name.body" "$key" "$count" <<'EOF'
import hashlib, hmac, json, random, string, sys, time
body, key, count = open(sys.argv[1]).read(), sys.argv[2].encode(), int(sys.argv[3])
parts = body.split(json.loads(body)["id"])
t = int(time.time())
ids = ["evt_" + "".join(random.choices(string.ascii_letters + string.digits, k=24)) for _ in range(count)]
signatures = [hmac.new(key, f"{t}.{event_id.join(parts)}".encode(), hashlib.sha256).hexdigest() for event_id in ids]
lua = lambda items: "{" + ",".join(f'"{item}"' for item in items) + "}"
print("local parts = {" + ",".join(f"[==[{part}]==]" for part in parts) + "}")
print(f"local ids, signatures = {lua(ids)}, {lua(signatures)}")
print(f"""local requests, next_request = {{}}, 0
function init(args)
    for i = 1, #ids do
        wrk.headers["Stripe-Signature"] = "t={t},v1=" .. signatures[i]
        requests[i] = wrk.format(nil, nil, nil, table.concat(parts, ids[i]))
    end
end
function request()
    next_request = next_request % #requests + 1
    return requests[next_request]
end""")
EOF
    } >"$tmp/$name.lua"
}

# A relay run's window as listen's clock saw it, in Unix seconds: when the first event in STORE
# arrived, and when its last delivery was recorded. (wrk builds its requests before it sends the
# first one; timing the end with `date` after polling the store would add the polling script's own
# run time, about 0.25 s for a count over 120,000 events.)
relay_window() { # STORE
    python3 - "$1" <<'EOF'
import datetime, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
first = db.execute("SELECT min(at_ms) FROM events WHERE verdict = 'accepted'").fetchone()[0] / 1000
last = db.execute("SELECT max(updated_at) FROM deliveries WHERE state = 'delivered'").fetchone()[0]
last = datetime.datetime.strptime(last, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
print(first, last.timestamp())
EOF
}

count_records() { # STORE event|delivered: accepted events, or deliveries done (the store is SQLite)
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
query = {"event": "SELECT count(*) FROM events WHERE verdict = 'accepted'",
         "delivered": "SELECT count(*) FROM deliveries WHERE state = 'delivered'"}[sys.argv[2]]
print(db.execute(query).fetchone()[0])
EOF
}

# Writes $tmp/nginx/nginx.conf: the sink on SINK_PORT (answers 200 to every POST) and, given
# RELAY_PORT, the reference relay (proxy_pass to the sink over kept-alive connections; writes
# nothing).
nginx_conf() { # SINK_PORT [RELAY_PORT]
    local relay=""
    if [[ -n ${2:-} ]]; then
        relay="upstream sink { server 127.0.0.1:$1; keepalive 64; }
    server {
        listen 127.0.0.1:$2;
        location / { proxy_pass http://sink; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
    }"
    fi
    mkdir -p "$tmp/nginx"
    cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$1; location / { return 200 "ok\n"; } }
    $relay
}
EOF
}
