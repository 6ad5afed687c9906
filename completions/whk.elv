
use builtin;
use str;

set edit:completion:arg-completer[whk] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'whk'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'whk'= {
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand trigger 'Build a realistic sample event, sign it as the provider does, and POST it'
            cand events 'List the event types whk can trigger'
            cand sign 'Sign a payload, or verify a received signature and explain why it fails'
            cand listen 'Receive webhooks locally: verify, record durably, and forward them re-signed, in order'
            cand replay 'Re-deliver recorded events (from the event store) or fixture files, freshly signed'
            cand config 'Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from'
            cand log 'Export, import or prune the event store that listen writes'
            cand completion 'Print a shell completion script'
            cand man 'Print the manual page, or write every page to a folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;trigger'= {
            cand 'account.application.deauthorized' 'Occurs when a connected account disconnects from your platform. You can use it to trigger cleanup on your server.'
            cand 'account.external_account.updated' 'Occurs when a bank account or debit card attached to a connected account is updated, which can impact payouts.'
            cand 'account.refresh_intent.failed' 'Triggers when an update of the movements of a specific Account fails. Only available for "Refresh On Demand" plans'
            cand 'account.refresh_intent.movements_removed' 'Triggers when the Link''s bank deletes transactions. To enable these notifications, activate them from your dashboard.'
            cand 'account.refresh_intent.rejected' 'Triggers when an update of the movements of a specific Account fails because the Link credentials are invalid. Only available for "Refresh On Demand" plans'
            cand 'account.refresh_intent.succeeded' 'Triggers when an Account is updated with the latest available movements from the bank'
            cand 'account.updated' 'Allows you to monitor changes to connected account requirements and status changes.'
            cand 'balance.available' 'Occurs when your Stripe balance has been updated.'
            cand 'charge.failed' 'Triggers when a charge fails due to insufficient funds, the charged amount being higher than the authorized amount, or the user disabling the authorization.'
            cand 'charge.succeeded' 'Triggers when a charge is validated as successful.'
            cand 'checkout_session.expired' 'Triggers when a customer leaves the payment flow before finishing'
            cand 'checkout_session.finished' 'Triggers when a customer has completed a payment. The webhook contains information about the Payment including its final status.'
            cand 'customer.created' 'Occurs whenever a new customer is created.'
            cand 'financial_connections.account.created' 'Sent when a customer links a new account. If they link multiple accounts, it emits multiple events (one per account).'
            cand 'financial_connections.account.deactivated' 'Sent when the status of your user''s account moves from active to inactive.'
            cand 'financial_connections.account.disconnected' 'Sent on account disconnection.'
            cand 'financial_connections.account.reactivated' 'Sent when the status of your user''s account moves from inactive to active.'
            cand 'financial_connections.account.refreshed_balance' 'Sent after a balance refresh is complete.'
            cand 'financial_connections.account.refreshed_ownership' 'Sent after an ownership refresh is complete.'
            cand 'financial_connections.account.refreshed_transactions' 'Sent after a transaction refresh is complete.'
            cand 'link.created' 'Triggers when a Link is created'
            cand 'link.credentials_changed' 'Triggers when the credentials corresponding to a Link change and the Link needs to be reconnected'
            cand 'link.refresh_intent.succeeded' 'Triggers when a Link has been completely updated. For now, it is only triggered for electronic invoices'
            cand 'payment_intent.expired' 'Triggers when a user doesn''t complete a Payment Intent'
            cand 'payment_intent.failed' 'Triggers when a Payment Intent fails'
            cand 'payment_intent.pending' 'Triggers when the final status of the payment is not available yet. A future webhook will be sent with the final status once it''s determined.'
            cand 'payment_intent.rejected' 'Triggers when a user rejects a Payment Intent'
            cand 'payment_intent.succeeded' 'in both stripe and fintoc: add the provider, e.g. stripe:payment_intent.succeeded'
            cand 'payout.canceled' 'Triggers when a Payout is canceled and will not be sent to your bank account'
            cand 'payout.created' 'Triggers when a Payout is created and starts processing'
            cand 'payout.failed' 'Occurs when a payout fails. When a payout fails, the external account involved is disabled, and no automatic or manual payouts can be processed until the external account is updated.'
            cand 'payout.succeeded' 'Triggers when a Payout is successfully transferred to your bank account'
            cand 'person.updated' 'Occurs when a Person associated with the Account is updated.'
            cand 'refund.failed' 'Triggers when a Refund fails'
            cand 'refund.in_progress' 'Triggers when a Refund starts processing.'
            cand 'refund.succeeded' 'Triggers when a Refund is successfully processed'
            cand 'subscription.activated' 'Triggers when the bank has confirmed that the subscription is ready to accept charges.'
            cand 'subscription.canceled' 'Triggers when the bank informs Fintoc that the subscription has been canceled.'
            cand 'subscription_intent.failed' 'Triggers when a subscription intent fails due to a problem with the bank or Fintoc.'
            cand 'subscription_intent.rejected' 'Triggers when a subscription intent is rejected by the user. This may happen when the user rejects the MFA step or if it is entered incorrectly.'
            cand 'subscription_intent.succeeded' 'Triggers when a subscription intent is validated as successful. The subscription_intent includes the resulting subscription object.'
            cand 'stripe:account.application.deauthorized' 'Occurs when a connected account disconnects from your platform. You can use it to trigger cleanup on your server.'
            cand 'stripe:account.external_account.updated' 'Occurs when a bank account or debit card attached to a connected account is updated, which can impact payouts.'
            cand 'stripe:account.updated' 'Allows you to monitor changes to connected account requirements and status changes.'
            cand 'stripe:balance.available' 'Occurs when your Stripe balance has been updated.'
            cand 'stripe:customer.created' 'Occurs whenever a new customer is created.'
            cand 'stripe:financial_connections.account.created' 'Sent when a customer links a new account. If they link multiple accounts, it emits multiple events (one per account).'
            cand 'stripe:financial_connections.account.deactivated' 'Sent when the status of your user''s account moves from active to inactive.'
            cand 'stripe:financial_connections.account.disconnected' 'Sent on account disconnection.'
            cand 'stripe:financial_connections.account.reactivated' 'Sent when the status of your user''s account moves from inactive to active.'
            cand 'stripe:financial_connections.account.refreshed_balance' 'Sent after a balance refresh is complete.'
            cand 'stripe:financial_connections.account.refreshed_ownership' 'Sent after an ownership refresh is complete.'
            cand 'stripe:financial_connections.account.refreshed_transactions' 'Sent after a transaction refresh is complete.'
            cand 'stripe:payment_intent.succeeded' 'Occurs when a payment intent results in a successful charge.'
            cand 'stripe:payout.failed' 'Occurs when a payout fails. When a payout fails, the external account involved is disabled, and no automatic or manual payouts can be processed until the external account is updated.'
            cand 'stripe:person.updated' 'Occurs when a Person associated with the Account is updated.'
            cand 'fintoc:account.refresh_intent.failed' 'Triggers when an update of the movements of a specific Account fails. Only available for "Refresh On Demand" plans'
            cand 'fintoc:account.refresh_intent.movements_removed' 'Triggers when the Link''s bank deletes transactions. To enable these notifications, activate them from your dashboard.'
            cand 'fintoc:account.refresh_intent.rejected' 'Triggers when an update of the movements of a specific Account fails because the Link credentials are invalid. Only available for "Refresh On Demand" plans'
            cand 'fintoc:account.refresh_intent.succeeded' 'Triggers when an Account is updated with the latest available movements from the bank'
            cand 'fintoc:charge.failed' 'Triggers when a charge fails due to insufficient funds, the charged amount being higher than the authorized amount, or the user disabling the authorization.'
            cand 'fintoc:charge.succeeded' 'Triggers when a charge is validated as successful.'
            cand 'fintoc:checkout_session.expired' 'Triggers when a customer leaves the payment flow before finishing'
            cand 'fintoc:checkout_session.finished' 'Triggers when a customer has completed a payment. The webhook contains information about the Payment including its final status.'
            cand 'fintoc:link.created' 'Triggers when a Link is created'
            cand 'fintoc:link.credentials_changed' 'Triggers when the credentials corresponding to a Link change and the Link needs to be reconnected'
            cand 'fintoc:link.refresh_intent.succeeded' 'Triggers when a Link has been completely updated. For now, it is only triggered for electronic invoices'
            cand 'fintoc:payment_intent.expired' 'Triggers when a user doesn''t complete a Payment Intent'
            cand 'fintoc:payment_intent.failed' 'Triggers when a Payment Intent fails'
            cand 'fintoc:payment_intent.pending' 'Triggers when the final status of the payment is not available yet. A future webhook will be sent with the final status once it''s determined.'
            cand 'fintoc:payment_intent.rejected' 'Triggers when a user rejects a Payment Intent'
            cand 'fintoc:payment_intent.succeeded' 'Triggers when a Payment Intent finishes successfully'
            cand 'fintoc:payout.canceled' 'Triggers when a Payout is canceled and will not be sent to your bank account'
            cand 'fintoc:payout.created' 'Triggers when a Payout is created and starts processing'
            cand 'fintoc:payout.succeeded' 'Triggers when a Payout is successfully transferred to your bank account'
            cand 'fintoc:refund.failed' 'Triggers when a Refund fails'
            cand 'fintoc:refund.in_progress' 'Triggers when a Refund starts processing.'
            cand 'fintoc:refund.succeeded' 'Triggers when a Refund is successfully processed'
            cand 'fintoc:subscription.activated' 'Triggers when the bank has confirmed that the subscription is ready to accept charges.'
            cand 'fintoc:subscription.canceled' 'Triggers when the bank informs Fintoc that the subscription has been canceled.'
            cand 'fintoc:subscription_intent.failed' 'Triggers when a subscription intent fails due to a problem with the bank or Fintoc.'
            cand 'fintoc:subscription_intent.rejected' 'Triggers when a subscription intent is rejected by the user. This may happen when the user rejects the MFA step or if it is entered incorrectly.'
            cand 'fintoc:subscription_intent.succeeded' 'Triggers when a subscription intent is validated as successful. The subscription_intent includes the resulting subscription object.'
            cand --provider 'Which provider''s event, when both document the name'
            cand -f 'Where to POST: a port (4242), host:port/path, /path or a full URL. Default: WHK_FORWARD_TO, the config file, else a running `whk listen`'
            cand --forward-to 'Where to POST: a port (4242), host:port/path, /path or a full URL. Default: WHK_FORWARD_TO, the config file, else a running `whk listen`'
            cand --account 'Send as a Connect event of this connected account (Stripe only)'
            cand --stripe-account 'Send as a Connect event of this connected account (Stripe only)'
            cand --api-version 'Stripe API version of the event. Default: WHK_API_VERSION, the config file, else the version the built-in templates follow (`whk config` shows it)'
            cand --override 'Replace a field that exists: PATH=VALUE (repeatable)'
            cand --add 'Set a field only where it is missing: PATH=VALUE (repeatable)'
            cand --remove 'Remove a field: PATH (repeatable)'
            cand -H 'Extra request header, ''Name: value'' (repeatable)'
            cand --header 'Extra request header, ''Name: value'' (repeatable)'
            cand --timeout 'Seconds to wait for the endpoint''s answer'
            cand --expect-status 'What counts as success: a code (200) or a class (2xx, 4xx)'
            cand --save 'Also write the generated event to this fixture file (or folder) for `whk replay --file`'
            cand --tamper 'Send a forged delivery the endpoint must refuse (or `all` of them, with a table of verdicts)'
            cand --count 'Load mode: send N events, each with its own id and signature, then print a summary (statuses, errors, throughput, latency percentiles) instead of a line per delivery'
            cand --concurrency 'Load mode: deliveries in flight at once [default: 1]'
            cand --rate 'Load mode: start at most this many deliveries per second (default: as fast as the endpoint answers)'
            cand --secret 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints'
            cand --templates 'Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand --livemode 'Mark the event as live mode (Stripe livemode=true, Fintoc mode=live)'
            cand --print 'Print the exact request (method, URL, headers, body) and send nothing'
            cand --json 'Print one JSON object per delivery on stdout'
            cand --no-send 'With --save: write the fixture and send nothing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'whk;events'= {
            cand --provider 'Only this provider''s events'
            cand --templates 'Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand --json 'Print a JSON array of {provider, type, object, description}'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;sign'= {
            cand --provider 'Signing scheme. Default: WHK_PROVIDER or the config file''s provider'
            cand --timestamp 'Unix timestamp to sign with (default: now). With --verify and standard: the webhook-timestamp value'
            cand --id 'Message id (Standard Webhooks'' webhook-id; generated when signing if absent)'
            cand --verify 'Verify this received signature header value instead of signing'
            cand --tolerance 'Seconds a signature stays valid when verifying'
            cand --secret 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'whk;listen'= {
            cand --addr 'Address to listen on (loopback unless --allow-remote)'
            cand -p 'Port to listen on, on 127.0.0.1'
            cand --port 'Port to listen on, on 127.0.0.1'
            cand -f 'Forward events here (a port, host:port/path, /path or a full URL). Default: WHK_FORWARD_TO or the config file; with neither, listen is the endpoint itself'
            cand --forward-to 'Forward events here (a port, host:port/path, /path or a full URL). Default: WHK_FORWARD_TO or the config file; with neither, listen is the endpoint itself'
            cand --forward-connect-to 'Forward Stripe Connect events (with a top-level `account`) here; defaults to --forward-to'
            cand --route 'Route event types to their own URL: ''TYPE_OR_GLOB=URL'' (repeatable; first match wins)'
            cand -e 'Forward only these event types (comma-separated, globs allowed); others are still recorded'
            cand --events 'Forward only these event types (comma-separated, globs allowed); others are still recorded'
            cand -H 'Extra header on forwarded requests, ''Name: value'' (repeatable)'
            cand --headers 'Extra header on forwarded requests, ''Name: value'' (repeatable)'
            cand --connect-headers 'Extra header on forwarded Connect requests, ''Name: value'' (repeatable)'
            cand --verify-secret 'Also accept events signed with this provider secret: PROVIDER=SECRET (repeatable)'
            cand --max-body 'Largest accepted body in bytes'
            cand --client-timeout 'Seconds a client may take to send its request headers, and then its body, before a 408'
            cand --retries 'Attempts after the first for connection errors, timeouts and 5xx (4xx is not retried)'
            cand --timeout 'Seconds to wait for the app''s answer on each attempt'
            cand --log 'Event store: a SQLite database (not a text file; read it with `whk log export`). Default: whk.db in the user''s data directory. One listen per store'
            cand --max-connections 'Connections served at once; beyond it a 503 (default: what the open-files limit allows)'
            cand --format 'Console output: human lines on stderr, or JSON lines on stdout'
            cand --exit-after 'Exit after this many events have been received and handled (for scripts and demos)'
            cand --secret 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand --allow-remote 'Allow binding a non-loopback address (anyone who can reach it can post events)'
            cand --skip-verify 'Accept unsigned or unverifiable requests (recorded as unverified)'
            cand --print-secret 'Print the signing secret that forwarded events are signed with, and exit'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;replay'= {
            cand --last 'Only the last N matching events'
            cand --type 'Only event types matching this glob, e.g. ''payout.*'''
            cand --since 'Only events received within this long, e.g. 10m, 2h, 1d'
            cand --log 'The event store (SQLite database) to read (default: where `whk listen` keeps it)'
            cand --file 'Replay events from fixture files instead of the log (one or more paths; repeatable)'
            cand --provider 'Provider of fixture events, when their shape does not say'
            cand --override 'Replace a field that exists: PATH=VALUE (repeatable)'
            cand --add 'Set a field only where it is missing: PATH=VALUE (repeatable)'
            cand --remove 'Remove a field: PATH (repeatable)'
            cand --to 'Where to send: a port, host:port/path, /path or a full URL'
            cand -H 'Extra request header, ''Name: value'' (repeatable)'
            cand --header 'Extra request header, ''Name: value'' (repeatable)'
            cand --timeout 'Seconds to wait for each answer'
            cand --expect-status 'What counts as success: a code (200) or a class (2xx, 4xx)'
            cand --secret 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand --failed 'Only events that some target gave up on'
            cand --pending 'Only events still owed to a target; a success is written back to the log'
            cand --new-id 'Give each event a fresh id and creation time (for apps that de-duplicate on id)'
            cand --json 'Print one JSON object per delivery on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;config'= {
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand --path 'Print only the config file''s path, whether or not it exists'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;log'= {
            cand --log 'The event store (SQLite database; default: where `whk listen` keeps it)'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
            cand export 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first'
            cand import 'Add the records of a JSON Lines log (whk 0.1''s events.jsonl, or an export) to the store'
            cand prune 'Delete records older than a duration that owe no delivery'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;log;export'= {
            cand --log 'The event store (SQLite database; default: where `whk listen` keeps it)'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;log;import'= {
            cand --log 'The event store (SQLite database; default: where `whk listen` keeps it)'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;log;prune'= {
            cand --older-than 'For example 7d, 12h'
            cand --log 'The event store (SQLite database; default: where `whk listen` keeps it)'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;log;help'= {
            cand export 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first'
            cand import 'Add the records of a JSON Lines log (whk 0.1''s events.jsonl, or an export) to the store'
            cand prune 'Delete records older than a duration that owe no delivery'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;log;help;export'= {
        }
        &'whk;log;help;import'= {
        }
        &'whk;log;help;prune'= {
        }
        &'whk;log;help;help'= {
        }
        &'whk;completion'= {
            cand 'bash' ''
            cand 'elvish' ''
            cand 'fish' ''
            cand 'powershell' ''
            cand 'zsh' ''
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;man'= {
            cand --out 'Write every page (whk.1, whk-trigger.1, …) into this folder instead'
            cand --color 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'whk;help'= {
            cand trigger 'Build a realistic sample event, sign it as the provider does, and POST it'
            cand events 'List the event types whk can trigger'
            cand sign 'Sign a payload, or verify a received signature and explain why it fails'
            cand listen 'Receive webhooks locally: verify, record durably, and forward them re-signed, in order'
            cand replay 'Re-deliver recorded events (from the event store) or fixture files, freshly signed'
            cand config 'Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from'
            cand log 'Export, import or prune the event store that listen writes'
            cand completion 'Print a shell completion script'
            cand man 'Print the manual page, or write every page to a folder'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whk;help;trigger'= {
        }
        &'whk;help;events'= {
        }
        &'whk;help;sign'= {
        }
        &'whk;help;listen'= {
        }
        &'whk;help;replay'= {
        }
        &'whk;help;config'= {
        }
        &'whk;help;log'= {
            cand export 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first'
            cand import 'Add the records of a JSON Lines log (whk 0.1''s events.jsonl, or an export) to the store'
            cand prune 'Delete records older than a duration that owe no delivery'
        }
        &'whk;help;log;export'= {
        }
        &'whk;help;log;import'= {
        }
        &'whk;help;log;prune'= {
        }
        &'whk;help;completion'= {
        }
        &'whk;help;man'= {
        }
        &'whk;help;help'= {
        }
    ]
    $completions[$command]
}
