# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_whk_global_optspecs
    string join \n color= h/help V/version
end

function __fish_whk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_whk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_whk_using_subcommand
    set -l cmd (__fish_whk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c whk -n "__fish_whk_needs_command" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_needs_command" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_needs_command" -s V -l version -d 'Print version'
complete -c whk -n "__fish_whk_needs_command" -f -a "trigger" -d 'Build a realistic sample event, sign it as the provider does, and POST it'
complete -c whk -n "__fish_whk_needs_command" -f -a "events" -d 'List the event types whk can trigger'
complete -c whk -n "__fish_whk_needs_command" -f -a "sign" -d 'Sign a payload, or verify a received signature and explain why it fails'
complete -c whk -n "__fish_whk_needs_command" -f -a "listen" -d 'Receive webhooks locally: verify, record durably, and forward them re-signed, in order'
complete -c whk -n "__fish_whk_needs_command" -f -a "replay" -d 'Re-deliver recorded events (from the event store) or fixture files, freshly signed'
complete -c whk -n "__fish_whk_needs_command" -f -a "config" -d 'Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from'
complete -c whk -n "__fish_whk_needs_command" -f -a "log" -d 'Export, import or prune the event store that listen writes'
complete -c whk -n "__fish_whk_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c whk -n "__fish_whk_needs_command" -f -a "man" -d 'Print the manual page, or write every page to a folder'
complete -c whk -n "__fish_whk_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c whk -n "__fish_whk_using_subcommand trigger" -l provider -d 'Which provider\'s event, when both document the name' -r -f -a "stripe\t''
fintoc\t''"
complete -c whk -n "__fish_whk_using_subcommand trigger" -s f -l forward-to -d 'Where to POST: a port (4242), host:port/path, /path or a full URL. Default: WHK_FORWARD_TO, the config file, else a running `whk listen`' -r -f
complete -c whk -n "__fish_whk_using_subcommand trigger" -l account -l stripe-account -d 'Send as a Connect event of this connected account (Stripe only)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l api-version -d 'Stripe API version of the event. Default: WHK_API_VERSION, the config file, else the version the built-in templates follow (`whk config` shows it)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l override -d 'Replace a field that exists: PATH=VALUE (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l add -d 'Set a field only where it is missing: PATH=VALUE (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l remove -d 'Remove a field: PATH (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -s H -l header -d 'Extra request header, \'Name: value\' (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l timeout -d 'Seconds to wait for the endpoint\'s answer' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l expect-status -d 'What counts as success: a code (200) or a class (2xx, 4xx)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l save -d 'Also write the generated event to this fixture file (or folder) for `whk replay --file`' -r -F
complete -c whk -n "__fish_whk_using_subcommand trigger" -l tamper -d 'Send a forged delivery the endpoint must refuse (or `all` of them, with a table of verdicts)' -r -f -a "bad-signature\t'The signature is replaced by another of the same shape'
wrong-secret\t'Signed correctly, but with a secret the endpoint does not know'
stale-timestamp\t'Signed correctly, with a timestamp older than the 300 s tolerance'
modified-body\t'Signed, then the body was changed'
missing-signature\t'No signature header at all'
malformed-signature\t'A signature header that cannot be parsed'
future-timestamp\t'Signed correctly, dated in the future (advisory: the SDKs accept it)'
replayed\t'The same signed delivery sent twice (advisory: de-duplicating is the app\'s choice)'
all\t'Every kind above, with a table of verdicts'"
complete -c whk -n "__fish_whk_using_subcommand trigger" -l count -d 'Load mode: send N events, each with its own id and signature, then print a summary (statuses, errors, throughput, latency percentiles) instead of a line per delivery' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l concurrency -d 'Load mode: deliveries in flight at once [default: 1]' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l rate -d 'Load mode: start at most this many deliveries per second (default: as fast as the endpoint answers)' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l secret -d 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints' -r
complete -c whk -n "__fish_whk_using_subcommand trigger" -l templates -d 'Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json' -r -f -a "(__fish_complete_directories)"
complete -c whk -n "__fish_whk_using_subcommand trigger" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand trigger" -l livemode -d 'Mark the event as live mode (Stripe livemode=true, Fintoc mode=live)'
complete -c whk -n "__fish_whk_using_subcommand trigger" -l print -d 'Print the exact request (method, URL, headers, body) and send nothing'
complete -c whk -n "__fish_whk_using_subcommand trigger" -l json -d 'Print one JSON object per delivery on stdout'
complete -c whk -n "__fish_whk_using_subcommand trigger" -l no-send -d 'With --save: write the fixture and send nothing'
complete -c whk -n "__fish_whk_using_subcommand trigger" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand events" -l provider -d 'Only this provider\'s events' -r -f -a "stripe\t''
fintoc\t''"
complete -c whk -n "__fish_whk_using_subcommand events" -l templates -d 'Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json' -r -f -a "(__fish_complete_directories)"
complete -c whk -n "__fish_whk_using_subcommand events" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand events" -l json -d 'Print a JSON array of {provider, type, object, description}'
complete -c whk -n "__fish_whk_using_subcommand events" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand sign" -l provider -d 'Signing scheme. Default: WHK_PROVIDER or the config file\'s provider' -r -f -a "stripe\t''
fintoc\t''
standard\t'Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)'"
complete -c whk -n "__fish_whk_using_subcommand sign" -l timestamp -d 'Unix timestamp to sign with (default: now). With --verify and standard: the webhook-timestamp value' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l id -d 'Message id (Standard Webhooks\' webhook-id; generated when signing if absent)' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l verify -d 'Verify this received signature header value instead of signing' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l tolerance -d 'Seconds a signature stays valid when verifying' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l secret -d 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints' -r
complete -c whk -n "__fish_whk_using_subcommand sign" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whk -n "__fish_whk_using_subcommand listen" -l addr -d 'Address to listen on (loopback unless --allow-remote)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -s p -l port -d 'Port to listen on, on 127.0.0.1' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -s f -l forward-to -d 'Forward events here (a port, host:port/path, /path or a full URL). Default: WHK_FORWARD_TO or the config file; with neither, listen is the endpoint itself' -r -f
complete -c whk -n "__fish_whk_using_subcommand listen" -l forward-connect-to -d 'Forward Stripe Connect events (with a top-level `account`) here; defaults to --forward-to' -r -f
complete -c whk -n "__fish_whk_using_subcommand listen" -l route -d 'Route event types to their own URL: \'TYPE_OR_GLOB=URL\' (repeatable; first match wins)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -s e -l events -d 'Forward only these event types (comma-separated, globs allowed); others are still recorded' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -s H -l headers -d 'Extra header on forwarded requests, \'Name: value\' (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l connect-headers -d 'Extra header on forwarded Connect requests, \'Name: value\' (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l verify-secret -d 'Also accept events signed with this provider secret: PROVIDER=SECRET (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l max-body -d 'Largest accepted body in bytes' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l client-timeout -d 'Seconds a client may take to send its request headers, and then its body, before a 408' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l retries -d 'Attempts after the first for connection errors, timeouts and 5xx (4xx is not retried)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l timeout -d 'Seconds to wait for the app\'s answer on each attempt' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l log -d 'Event store: a SQLite database (not a text file; read it with `whk log export`). Default: whk.db in the user\'s data directory. One listen per store' -r -F
complete -c whk -n "__fish_whk_using_subcommand listen" -l max-connections -d 'Connections served at once; beyond it a 503 (default: what the open-files limit allows)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l format -d 'Console output: human lines on stderr, or JSON lines on stdout' -r -f -a "text\t''
json\t''"
complete -c whk -n "__fish_whk_using_subcommand listen" -l exit-after -d 'Exit after this many events have been received and handled (for scripts and demos)' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l secret -d 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints' -r
complete -c whk -n "__fish_whk_using_subcommand listen" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand listen" -l allow-remote -d 'Allow binding a non-loopback address (anyone who can reach it can post events)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l skip-verify -d 'Accept unsigned or unverifiable requests (recorded as unverified)'
complete -c whk -n "__fish_whk_using_subcommand listen" -l print-secret -d 'Print the signing secret that forwarded events are signed with, and exit'
complete -c whk -n "__fish_whk_using_subcommand listen" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand replay" -l last -d 'Only the last N matching events' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l type -d 'Only event types matching this glob, e.g. \'payout.*\'' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l since -d 'Only events received within this long, e.g. 10m, 2h, 1d' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l log -d 'The event store (SQLite database) to read (default: where `whk listen` keeps it)' -r -F
complete -c whk -n "__fish_whk_using_subcommand replay" -l file -d 'Replay events from fixture files instead of the log (one or more paths; repeatable)' -r -F
complete -c whk -n "__fish_whk_using_subcommand replay" -l provider -d 'Provider of fixture events, when their shape does not say' -r -f -a "stripe\t''
fintoc\t''"
complete -c whk -n "__fish_whk_using_subcommand replay" -l override -d 'Replace a field that exists: PATH=VALUE (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l add -d 'Set a field only where it is missing: PATH=VALUE (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l remove -d 'Remove a field: PATH (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l to -d 'Where to send: a port, host:port/path, /path or a full URL' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -s H -l header -d 'Extra request header, \'Name: value\' (repeatable)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l timeout -d 'Seconds to wait for each answer' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l expect-status -d 'What counts as success: a code (200) or a class (2xx, 4xx)' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l secret -d 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints' -r
complete -c whk -n "__fish_whk_using_subcommand replay" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand replay" -l failed -d 'Only events that some target gave up on'
complete -c whk -n "__fish_whk_using_subcommand replay" -l pending -d 'Only events still owed to a target; a success is written back to the log'
complete -c whk -n "__fish_whk_using_subcommand replay" -l new-id -d 'Give each event a fresh id and creation time (for apps that de-duplicate on id)'
complete -c whk -n "__fish_whk_using_subcommand replay" -l json -d 'Print one JSON object per delivery on stdout'
complete -c whk -n "__fish_whk_using_subcommand replay" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand config" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand config" -l path -d 'Print only the config file\'s path, whether or not it exists'
complete -c whk -n "__fish_whk_using_subcommand config" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -l log -d 'The event store (SQLite database; default: where `whk listen` keeps it)' -r -F
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -f -a "export" -d 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first'
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -f -a "import" -d 'Add the records of a JSON Lines log (whk 0.1\'s events.jsonl, or an export) to the store'
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -f -a "prune" -d 'Delete records older than a duration that owe no delivery'
complete -c whk -n "__fish_whk_using_subcommand log; and not __fish_seen_subcommand_from export import prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from export" -l log -d 'The event store (SQLite database; default: where `whk listen` keeps it)' -r -F
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from export" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from import" -l log -d 'The event store (SQLite database; default: where `whk listen` keeps it)' -r -F
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from import" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from prune" -l older-than -d 'For example 7d, 12h' -r
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from prune" -l log -d 'The event store (SQLite database; default: where `whk listen` keeps it)' -r -F
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from prune" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "import" -d 'Add the records of a JSON Lines log (whk 0.1\'s events.jsonl, or an export) to the store'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Delete records older than a duration that owe no delivery'
complete -c whk -n "__fish_whk_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c whk -n "__fish_whk_using_subcommand completion" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand completion" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand man" -l out -d 'Write every page (whk.1, whk-trigger.1, …) into this folder instead' -r -f -a "(__fish_complete_directories)"
complete -c whk -n "__fish_whk_using_subcommand man" -l color -d 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set' -r -f -a "auto\t''
always\t''
never\t''"
complete -c whk -n "__fish_whk_using_subcommand man" -s h -l help -d 'Print help'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "trigger" -d 'Build a realistic sample event, sign it as the provider does, and POST it'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "events" -d 'List the event types whk can trigger'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "sign" -d 'Sign a payload, or verify a received signature and explain why it fails'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "listen" -d 'Receive webhooks locally: verify, record durably, and forward them re-signed, in order'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "replay" -d 'Re-deliver recorded events (from the event store) or fixture files, freshly signed'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "config" -d 'Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "log" -d 'Export, import or prune the event store that listen writes'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "completion" -d 'Print a shell completion script'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "man" -d 'Print the manual page, or write every page to a folder'
complete -c whk -n "__fish_whk_using_subcommand help; and not __fish_seen_subcommand_from trigger events sign listen replay config log completion man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c whk -n "__fish_whk_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "export" -d 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first'
complete -c whk -n "__fish_whk_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "import" -d 'Add the records of a JSON Lines log (whk 0.1\'s events.jsonl, or an export) to the store'
complete -c whk -n "__fish_whk_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "prune" -d 'Delete records older than a duration that owe no delivery'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.application.deauthorized' -d 'Occurs when a connected account disconnects from your platform. You can use it to trigger cleanup on your server.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.external_account.updated' -d 'Occurs when a bank account or debit card attached to a connected account is updated, which can impact payouts.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.refresh_intent.failed' -d 'Triggers when an update of the movements of a specific Account fails. Only available for "Refresh On Demand" plans'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.refresh_intent.movements_removed' -d 'Triggers when the Link\'s bank deletes transactions. To enable these notifications, activate them from your dashboard.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.refresh_intent.rejected' -d 'Triggers when an update of the movements of a specific Account fails because the Link credentials are invalid. Only available for "Refresh On Demand" plans'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.refresh_intent.succeeded' -d 'Triggers when an Account is updated with the latest available movements from the bank'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'account.updated' -d 'Allows you to monitor changes to connected account requirements and status changes.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'balance.available' -d 'Occurs when your Stripe balance has been updated.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'charge.failed' -d 'Triggers when a charge fails due to insufficient funds, the charged amount being higher than the authorized amount, or the user disabling the authorization.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'charge.succeeded' -d 'Triggers when a charge is validated as successful.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'checkout_session.expired' -d 'Triggers when a customer leaves the payment flow before finishing'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'checkout_session.finished' -d 'Triggers when a customer has completed a payment. The webhook contains information about the Payment including its final status.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'customer.created' -d 'Occurs whenever a new customer is created.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.created' -d 'Sent when a customer links a new account. If they link multiple accounts, it emits multiple events (one per account).'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.deactivated' -d 'Sent when the status of your user\'s account moves from active to inactive.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.disconnected' -d 'Sent on account disconnection.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.reactivated' -d 'Sent when the status of your user\'s account moves from inactive to active.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.refreshed_balance' -d 'Sent after a balance refresh is complete.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.refreshed_ownership' -d 'Sent after an ownership refresh is complete.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'financial_connections.account.refreshed_transactions' -d 'Sent after a transaction refresh is complete.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'link.created' -d 'Triggers when a Link is created'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'link.credentials_changed' -d 'Triggers when the credentials corresponding to a Link change and the Link needs to be reconnected'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'link.refresh_intent.succeeded' -d 'Triggers when a Link has been completely updated. For now, it is only triggered for electronic invoices'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payment_intent.expired' -d 'Triggers when a user doesn\'t complete a Payment Intent'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payment_intent.failed' -d 'Triggers when a Payment Intent fails'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payment_intent.pending' -d 'Triggers when the final status of the payment is not available yet. A future webhook will be sent with the final status once it\'s determined.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payment_intent.rejected' -d 'Triggers when a user rejects a Payment Intent'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payment_intent.succeeded' -d 'in both stripe and fintoc: add the provider, e.g. stripe:payment_intent.succeeded'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payout.canceled' -d 'Triggers when a Payout is canceled and will not be sent to your bank account'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payout.created' -d 'Triggers when a Payout is created and starts processing'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payout.failed' -d 'Occurs when a payout fails. When a payout fails, the external account involved is disabled, and no automatic or manual payouts can be processed until the external account is updated.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'payout.succeeded' -d 'Triggers when a Payout is successfully transferred to your bank account'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'person.updated' -d 'Occurs when a Person associated with the Account is updated.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'refund.failed' -d 'Triggers when a Refund fails'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'refund.in_progress' -d 'Triggers when a Refund starts processing.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'refund.succeeded' -d 'Triggers when a Refund is successfully processed'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'subscription.activated' -d 'Triggers when the bank has confirmed that the subscription is ready to accept charges.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'subscription.canceled' -d 'Triggers when the bank informs Fintoc that the subscription has been canceled.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'subscription_intent.failed' -d 'Triggers when a subscription intent fails due to a problem with the bank or Fintoc.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'subscription_intent.rejected' -d 'Triggers when a subscription intent is rejected by the user. This may happen when the user rejects the MFA step or if it is entered incorrectly.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'subscription_intent.succeeded' -d 'Triggers when a subscription intent is validated as successful. The subscription_intent includes the resulting subscription object.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:account.application.deauthorized' -d 'Occurs when a connected account disconnects from your platform. You can use it to trigger cleanup on your server.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:account.external_account.updated' -d 'Occurs when a bank account or debit card attached to a connected account is updated, which can impact payouts.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:account.updated' -d 'Allows you to monitor changes to connected account requirements and status changes.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:balance.available' -d 'Occurs when your Stripe balance has been updated.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:customer.created' -d 'Occurs whenever a new customer is created.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.created' -d 'Sent when a customer links a new account. If they link multiple accounts, it emits multiple events (one per account).'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.deactivated' -d 'Sent when the status of your user\'s account moves from active to inactive.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.disconnected' -d 'Sent on account disconnection.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.reactivated' -d 'Sent when the status of your user\'s account moves from inactive to active.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.refreshed_balance' -d 'Sent after a balance refresh is complete.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.refreshed_ownership' -d 'Sent after an ownership refresh is complete.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:financial_connections.account.refreshed_transactions' -d 'Sent after a transaction refresh is complete.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:payment_intent.succeeded' -d 'Occurs when a payment intent results in a successful charge.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:payout.failed' -d 'Occurs when a payout fails. When a payout fails, the external account involved is disabled, and no automatic or manual payouts can be processed until the external account is updated.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'stripe:person.updated' -d 'Occurs when a Person associated with the Account is updated.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:account.refresh_intent.failed' -d 'Triggers when an update of the movements of a specific Account fails. Only available for "Refresh On Demand" plans'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:account.refresh_intent.movements_removed' -d 'Triggers when the Link\'s bank deletes transactions. To enable these notifications, activate them from your dashboard.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:account.refresh_intent.rejected' -d 'Triggers when an update of the movements of a specific Account fails because the Link credentials are invalid. Only available for "Refresh On Demand" plans'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:account.refresh_intent.succeeded' -d 'Triggers when an Account is updated with the latest available movements from the bank'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:charge.failed' -d 'Triggers when a charge fails due to insufficient funds, the charged amount being higher than the authorized amount, or the user disabling the authorization.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:charge.succeeded' -d 'Triggers when a charge is validated as successful.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:checkout_session.expired' -d 'Triggers when a customer leaves the payment flow before finishing'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:checkout_session.finished' -d 'Triggers when a customer has completed a payment. The webhook contains information about the Payment including its final status.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:link.created' -d 'Triggers when a Link is created'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:link.credentials_changed' -d 'Triggers when the credentials corresponding to a Link change and the Link needs to be reconnected'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:link.refresh_intent.succeeded' -d 'Triggers when a Link has been completely updated. For now, it is only triggered for electronic invoices'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payment_intent.expired' -d 'Triggers when a user doesn\'t complete a Payment Intent'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payment_intent.failed' -d 'Triggers when a Payment Intent fails'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payment_intent.pending' -d 'Triggers when the final status of the payment is not available yet. A future webhook will be sent with the final status once it\'s determined.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payment_intent.rejected' -d 'Triggers when a user rejects a Payment Intent'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payment_intent.succeeded' -d 'Triggers when a Payment Intent finishes successfully'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payout.canceled' -d 'Triggers when a Payout is canceled and will not be sent to your bank account'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payout.created' -d 'Triggers when a Payout is created and starts processing'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:payout.succeeded' -d 'Triggers when a Payout is successfully transferred to your bank account'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:refund.failed' -d 'Triggers when a Refund fails'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:refund.in_progress' -d 'Triggers when a Refund starts processing.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:refund.succeeded' -d 'Triggers when a Refund is successfully processed'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:subscription.activated' -d 'Triggers when the bank has confirmed that the subscription is ready to accept charges.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:subscription.canceled' -d 'Triggers when the bank informs Fintoc that the subscription has been canceled.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:subscription_intent.failed' -d 'Triggers when a subscription intent fails due to a problem with the bank or Fintoc.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:subscription_intent.rejected' -d 'Triggers when a subscription intent is rejected by the user. This may happen when the user rejects the MFA step or if it is entered incorrectly.'
complete -c whk -n "__fish_whk_using_subcommand trigger" -f -a 'fintoc:subscription_intent.succeeded' -d 'Triggers when a subscription intent is validated as successful. The subscription_intent includes the resulting subscription object.'
complete -c whk -n "__fish_whk_using_subcommand completion" -f -a 'bash'
complete -c whk -n "__fish_whk_using_subcommand completion" -f -a 'elvish'
complete -c whk -n "__fish_whk_using_subcommand completion" -f -a 'fish'
complete -c whk -n "__fish_whk_using_subcommand completion" -f -a 'powershell'
complete -c whk -n "__fish_whk_using_subcommand completion" -f -a 'zsh'
