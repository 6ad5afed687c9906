# Shell functions shared by bench/run and bench/listen-cpu. They expect $whk (the binary), $tmp (a
# scratch folder) and, for presign, $sink (the URL the request is printed for).

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
# measurement signs afresh.
presign() { # NAME SECRET
    local name=$1 key=$2
    "$whk" trigger payout.failed --secret "$key" --forward-to "$sink" --print >"$tmp/$name.req"
    awk 'b { print; next } /^$/ { b = 1 }' "$tmp/$name.req" | head -c -1 >"$tmp/$name.body"
    sed -n '2,/^$/p' "$tmp/$name.req" | sed '/^$/d' >"$tmp/$name.headers"
    {
        echo "local f = io.open(\"$tmp/$name.body\", \"rb\"); wrk.body = f:read(\"*a\"); f:close()"
        echo 'wrk.method = "POST"'
        while IFS= read -r line; do
            printf 'wrk.headers["%s"] = "%s"\n' "${line%%: *}" "${line#*: }"
        done <"$tmp/$name.headers"
    } >"$tmp/$name.lua"
}

# When the last delivery in STORE was recorded (Unix seconds): the end of a relay run, as listen's
# clock saw it. Timing the run with `date` after polling the store would add the polling script's
# own run time (a count over the events table takes about 0.25 s at 120,000 events).
last_delivery() { # STORE
    python3 - "$1" <<'EOF'
import datetime, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
at = db.execute("SELECT max(updated_at) FROM deliveries WHERE state = 'delivered'").fetchone()[0]
print(datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp())
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
