
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'whk' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'whk'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'whk' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Build a realistic sample event, sign it as the provider does, and POST it')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List the event types whk can trigger')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a payload, or verify a received signature and explain why it fails')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks locally: verify, record durably, and forward them re-signed, in order')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-deliver recorded events (from the event store) or fixture files, freshly signed')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Export, import or prune the event store that listen writes')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page, or write every page to a folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whk;trigger' {
            [CompletionResult]::new('account.application.deauthorized', 'account.application.deauthorized', [CompletionResultType]::ParameterValue, 'Occurs when a connected account disconnects from your platform. You can use it to trigger cleanup on your server.')
            [CompletionResult]::new('account.external_account.updated', 'account.external_account.updated', [CompletionResultType]::ParameterValue, 'Occurs when a bank account or debit card attached to a connected account is updated, which can impact payouts.')
            [CompletionResult]::new('account.refresh_intent.failed', 'account.refresh_intent.failed', [CompletionResultType]::ParameterValue, 'Triggers when an update of the movements of a specific Account fails. Only available for "Refresh On Demand" plans')
            [CompletionResult]::new('account.refresh_intent.movements_removed', 'account.refresh_intent.movements_removed', [CompletionResultType]::ParameterValue, 'Triggers when the Link''s bank deletes transactions. To enable these notifications, activate them from your dashboard.')
            [CompletionResult]::new('account.refresh_intent.rejected', 'account.refresh_intent.rejected', [CompletionResultType]::ParameterValue, 'Triggers when an update of the movements of a specific Account fails because the Link credentials are invalid. Only available for "Refresh On Demand" plans')
            [CompletionResult]::new('account.refresh_intent.succeeded', 'account.refresh_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when an Account is updated with the latest available movements from the bank')
            [CompletionResult]::new('account.updated', 'account.updated', [CompletionResultType]::ParameterValue, 'Allows you to monitor changes to connected account requirements and status changes.')
            [CompletionResult]::new('balance.available', 'balance.available', [CompletionResultType]::ParameterValue, 'Occurs when your Stripe balance has been updated.')
            [CompletionResult]::new('charge.failed', 'charge.failed', [CompletionResultType]::ParameterValue, 'Triggers when a charge fails due to insufficient funds, the charged amount being higher than the authorized amount, or the user disabling the authorization.')
            [CompletionResult]::new('charge.succeeded', 'charge.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a charge is validated as successful.')
            [CompletionResult]::new('checkout_session.expired', 'checkout_session.expired', [CompletionResultType]::ParameterValue, 'Triggers when a customer leaves the payment flow before finishing')
            [CompletionResult]::new('checkout_session.finished', 'checkout_session.finished', [CompletionResultType]::ParameterValue, 'Triggers when a customer has completed a payment. The webhook contains information about the Payment including its final status.')
            [CompletionResult]::new('customer.created', 'customer.created', [CompletionResultType]::ParameterValue, 'Occurs whenever a new customer is created.')
            [CompletionResult]::new('financial_connections.account.created', 'financial_connections.account.created', [CompletionResultType]::ParameterValue, 'Sent when a customer links a new account. If they link multiple accounts, it emits multiple events (one per account).')
            [CompletionResult]::new('financial_connections.account.deactivated', 'financial_connections.account.deactivated', [CompletionResultType]::ParameterValue, 'Sent when the status of your user''s account moves from active to inactive.')
            [CompletionResult]::new('financial_connections.account.disconnected', 'financial_connections.account.disconnected', [CompletionResultType]::ParameterValue, 'Sent on account disconnection.')
            [CompletionResult]::new('financial_connections.account.reactivated', 'financial_connections.account.reactivated', [CompletionResultType]::ParameterValue, 'Sent when the status of your user''s account moves from inactive to active.')
            [CompletionResult]::new('financial_connections.account.refreshed_balance', 'financial_connections.account.refreshed_balance', [CompletionResultType]::ParameterValue, 'Sent after a balance refresh is complete.')
            [CompletionResult]::new('financial_connections.account.refreshed_ownership', 'financial_connections.account.refreshed_ownership', [CompletionResultType]::ParameterValue, 'Sent after an ownership refresh is complete.')
            [CompletionResult]::new('financial_connections.account.refreshed_transactions', 'financial_connections.account.refreshed_transactions', [CompletionResultType]::ParameterValue, 'Sent after a transaction refresh is complete.')
            [CompletionResult]::new('link.created', 'link.created', [CompletionResultType]::ParameterValue, 'Triggers when a Link is created')
            [CompletionResult]::new('link.credentials_changed', 'link.credentials_changed', [CompletionResultType]::ParameterValue, 'Triggers when the credentials corresponding to a Link change and the Link needs to be reconnected')
            [CompletionResult]::new('link.refresh_intent.succeeded', 'link.refresh_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Link has been completely updated. For now, it is only triggered for electronic invoices')
            [CompletionResult]::new('payment_intent.expired', 'payment_intent.expired', [CompletionResultType]::ParameterValue, 'Triggers when a user doesn''t complete a Payment Intent')
            [CompletionResult]::new('payment_intent.failed', 'payment_intent.failed', [CompletionResultType]::ParameterValue, 'Triggers when a Payment Intent fails')
            [CompletionResult]::new('payment_intent.pending', 'payment_intent.pending', [CompletionResultType]::ParameterValue, 'Triggers when the final status of the payment is not available yet. A future webhook will be sent with the final status once it''s determined.')
            [CompletionResult]::new('payment_intent.rejected', 'payment_intent.rejected', [CompletionResultType]::ParameterValue, 'Triggers when a user rejects a Payment Intent')
            [CompletionResult]::new('payment_intent.succeeded', 'payment_intent.succeeded', [CompletionResultType]::ParameterValue, 'in both stripe and fintoc: add the provider, e.g. stripe:payment_intent.succeeded')
            [CompletionResult]::new('payout.canceled', 'payout.canceled', [CompletionResultType]::ParameterValue, 'Triggers when a Payout is canceled and will not be sent to your bank account')
            [CompletionResult]::new('payout.created', 'payout.created', [CompletionResultType]::ParameterValue, 'Triggers when a Payout is created and starts processing')
            [CompletionResult]::new('payout.failed', 'payout.failed', [CompletionResultType]::ParameterValue, 'Occurs when a payout fails. When a payout fails, the external account involved is disabled, and no automatic or manual payouts can be processed until the external account is updated.')
            [CompletionResult]::new('payout.succeeded', 'payout.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Payout is successfully transferred to your bank account')
            [CompletionResult]::new('person.updated', 'person.updated', [CompletionResultType]::ParameterValue, 'Occurs when a Person associated with the Account is updated.')
            [CompletionResult]::new('refund.failed', 'refund.failed', [CompletionResultType]::ParameterValue, 'Triggers when a Refund fails')
            [CompletionResult]::new('refund.in_progress', 'refund.in_progress', [CompletionResultType]::ParameterValue, 'Triggers when a Refund starts processing.')
            [CompletionResult]::new('refund.succeeded', 'refund.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Refund is successfully processed')
            [CompletionResult]::new('subscription.activated', 'subscription.activated', [CompletionResultType]::ParameterValue, 'Triggers when the bank has confirmed that the subscription is ready to accept charges.')
            [CompletionResult]::new('subscription.canceled', 'subscription.canceled', [CompletionResultType]::ParameterValue, 'Triggers when the bank informs Fintoc that the subscription has been canceled.')
            [CompletionResult]::new('subscription_intent.failed', 'subscription_intent.failed', [CompletionResultType]::ParameterValue, 'Triggers when a subscription intent fails due to a problem with the bank or Fintoc.')
            [CompletionResult]::new('subscription_intent.rejected', 'subscription_intent.rejected', [CompletionResultType]::ParameterValue, 'Triggers when a subscription intent is rejected by the user. This may happen when the user rejects the MFA step or if it is entered incorrectly.')
            [CompletionResult]::new('subscription_intent.succeeded', 'subscription_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a subscription intent is validated as successful. The subscription_intent includes the resulting subscription object.')
            [CompletionResult]::new('stripe:account.application.deauthorized', 'stripe:account.application.deauthorized', [CompletionResultType]::ParameterValue, 'Occurs when a connected account disconnects from your platform. You can use it to trigger cleanup on your server.')
            [CompletionResult]::new('stripe:account.external_account.updated', 'stripe:account.external_account.updated', [CompletionResultType]::ParameterValue, 'Occurs when a bank account or debit card attached to a connected account is updated, which can impact payouts.')
            [CompletionResult]::new('stripe:account.updated', 'stripe:account.updated', [CompletionResultType]::ParameterValue, 'Allows you to monitor changes to connected account requirements and status changes.')
            [CompletionResult]::new('stripe:balance.available', 'stripe:balance.available', [CompletionResultType]::ParameterValue, 'Occurs when your Stripe balance has been updated.')
            [CompletionResult]::new('stripe:customer.created', 'stripe:customer.created', [CompletionResultType]::ParameterValue, 'Occurs whenever a new customer is created.')
            [CompletionResult]::new('stripe:financial_connections.account.created', 'stripe:financial_connections.account.created', [CompletionResultType]::ParameterValue, 'Sent when a customer links a new account. If they link multiple accounts, it emits multiple events (one per account).')
            [CompletionResult]::new('stripe:financial_connections.account.deactivated', 'stripe:financial_connections.account.deactivated', [CompletionResultType]::ParameterValue, 'Sent when the status of your user''s account moves from active to inactive.')
            [CompletionResult]::new('stripe:financial_connections.account.disconnected', 'stripe:financial_connections.account.disconnected', [CompletionResultType]::ParameterValue, 'Sent on account disconnection.')
            [CompletionResult]::new('stripe:financial_connections.account.reactivated', 'stripe:financial_connections.account.reactivated', [CompletionResultType]::ParameterValue, 'Sent when the status of your user''s account moves from inactive to active.')
            [CompletionResult]::new('stripe:financial_connections.account.refreshed_balance', 'stripe:financial_connections.account.refreshed_balance', [CompletionResultType]::ParameterValue, 'Sent after a balance refresh is complete.')
            [CompletionResult]::new('stripe:financial_connections.account.refreshed_ownership', 'stripe:financial_connections.account.refreshed_ownership', [CompletionResultType]::ParameterValue, 'Sent after an ownership refresh is complete.')
            [CompletionResult]::new('stripe:financial_connections.account.refreshed_transactions', 'stripe:financial_connections.account.refreshed_transactions', [CompletionResultType]::ParameterValue, 'Sent after a transaction refresh is complete.')
            [CompletionResult]::new('stripe:payment_intent.succeeded', 'stripe:payment_intent.succeeded', [CompletionResultType]::ParameterValue, 'Occurs when a payment intent results in a successful charge.')
            [CompletionResult]::new('stripe:payout.failed', 'stripe:payout.failed', [CompletionResultType]::ParameterValue, 'Occurs when a payout fails. When a payout fails, the external account involved is disabled, and no automatic or manual payouts can be processed until the external account is updated.')
            [CompletionResult]::new('stripe:person.updated', 'stripe:person.updated', [CompletionResultType]::ParameterValue, 'Occurs when a Person associated with the Account is updated.')
            [CompletionResult]::new('fintoc:account.refresh_intent.failed', 'fintoc:account.refresh_intent.failed', [CompletionResultType]::ParameterValue, 'Triggers when an update of the movements of a specific Account fails. Only available for "Refresh On Demand" plans')
            [CompletionResult]::new('fintoc:account.refresh_intent.movements_removed', 'fintoc:account.refresh_intent.movements_removed', [CompletionResultType]::ParameterValue, 'Triggers when the Link''s bank deletes transactions. To enable these notifications, activate them from your dashboard.')
            [CompletionResult]::new('fintoc:account.refresh_intent.rejected', 'fintoc:account.refresh_intent.rejected', [CompletionResultType]::ParameterValue, 'Triggers when an update of the movements of a specific Account fails because the Link credentials are invalid. Only available for "Refresh On Demand" plans')
            [CompletionResult]::new('fintoc:account.refresh_intent.succeeded', 'fintoc:account.refresh_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when an Account is updated with the latest available movements from the bank')
            [CompletionResult]::new('fintoc:charge.failed', 'fintoc:charge.failed', [CompletionResultType]::ParameterValue, 'Triggers when a charge fails due to insufficient funds, the charged amount being higher than the authorized amount, or the user disabling the authorization.')
            [CompletionResult]::new('fintoc:charge.succeeded', 'fintoc:charge.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a charge is validated as successful.')
            [CompletionResult]::new('fintoc:checkout_session.expired', 'fintoc:checkout_session.expired', [CompletionResultType]::ParameterValue, 'Triggers when a customer leaves the payment flow before finishing')
            [CompletionResult]::new('fintoc:checkout_session.finished', 'fintoc:checkout_session.finished', [CompletionResultType]::ParameterValue, 'Triggers when a customer has completed a payment. The webhook contains information about the Payment including its final status.')
            [CompletionResult]::new('fintoc:link.created', 'fintoc:link.created', [CompletionResultType]::ParameterValue, 'Triggers when a Link is created')
            [CompletionResult]::new('fintoc:link.credentials_changed', 'fintoc:link.credentials_changed', [CompletionResultType]::ParameterValue, 'Triggers when the credentials corresponding to a Link change and the Link needs to be reconnected')
            [CompletionResult]::new('fintoc:link.refresh_intent.succeeded', 'fintoc:link.refresh_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Link has been completely updated. For now, it is only triggered for electronic invoices')
            [CompletionResult]::new('fintoc:payment_intent.expired', 'fintoc:payment_intent.expired', [CompletionResultType]::ParameterValue, 'Triggers when a user doesn''t complete a Payment Intent')
            [CompletionResult]::new('fintoc:payment_intent.failed', 'fintoc:payment_intent.failed', [CompletionResultType]::ParameterValue, 'Triggers when a Payment Intent fails')
            [CompletionResult]::new('fintoc:payment_intent.pending', 'fintoc:payment_intent.pending', [CompletionResultType]::ParameterValue, 'Triggers when the final status of the payment is not available yet. A future webhook will be sent with the final status once it''s determined.')
            [CompletionResult]::new('fintoc:payment_intent.rejected', 'fintoc:payment_intent.rejected', [CompletionResultType]::ParameterValue, 'Triggers when a user rejects a Payment Intent')
            [CompletionResult]::new('fintoc:payment_intent.succeeded', 'fintoc:payment_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Payment Intent finishes successfully')
            [CompletionResult]::new('fintoc:payout.canceled', 'fintoc:payout.canceled', [CompletionResultType]::ParameterValue, 'Triggers when a Payout is canceled and will not be sent to your bank account')
            [CompletionResult]::new('fintoc:payout.created', 'fintoc:payout.created', [CompletionResultType]::ParameterValue, 'Triggers when a Payout is created and starts processing')
            [CompletionResult]::new('fintoc:payout.succeeded', 'fintoc:payout.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Payout is successfully transferred to your bank account')
            [CompletionResult]::new('fintoc:refund.failed', 'fintoc:refund.failed', [CompletionResultType]::ParameterValue, 'Triggers when a Refund fails')
            [CompletionResult]::new('fintoc:refund.in_progress', 'fintoc:refund.in_progress', [CompletionResultType]::ParameterValue, 'Triggers when a Refund starts processing.')
            [CompletionResult]::new('fintoc:refund.succeeded', 'fintoc:refund.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a Refund is successfully processed')
            [CompletionResult]::new('fintoc:subscription.activated', 'fintoc:subscription.activated', [CompletionResultType]::ParameterValue, 'Triggers when the bank has confirmed that the subscription is ready to accept charges.')
            [CompletionResult]::new('fintoc:subscription.canceled', 'fintoc:subscription.canceled', [CompletionResultType]::ParameterValue, 'Triggers when the bank informs Fintoc that the subscription has been canceled.')
            [CompletionResult]::new('fintoc:subscription_intent.failed', 'fintoc:subscription_intent.failed', [CompletionResultType]::ParameterValue, 'Triggers when a subscription intent fails due to a problem with the bank or Fintoc.')
            [CompletionResult]::new('fintoc:subscription_intent.rejected', 'fintoc:subscription_intent.rejected', [CompletionResultType]::ParameterValue, 'Triggers when a subscription intent is rejected by the user. This may happen when the user rejects the MFA step or if it is entered incorrectly.')
            [CompletionResult]::new('fintoc:subscription_intent.succeeded', 'fintoc:subscription_intent.succeeded', [CompletionResultType]::ParameterValue, 'Triggers when a subscription intent is validated as successful. The subscription_intent includes the resulting subscription object.')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Which provider''s event, when both document the name')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Where to POST: a port (4242), host:port/path, /path or a full URL. Default: WHK_FORWARD_TO, the config file, else a running `whk listen`')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Where to POST: a port (4242), host:port/path, /path or a full URL. Default: WHK_FORWARD_TO, the config file, else a running `whk listen`')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Send as a Connect event of this connected account (Stripe only)')
            [CompletionResult]::new('--stripe-account', '--stripe-account', [CompletionResultType]::ParameterName, 'Send as a Connect event of this connected account (Stripe only)')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'Stripe API version of the event. Default: WHK_API_VERSION, the config file, else the version the built-in templates follow (`whk config` shows it)')
            [CompletionResult]::new('--override', '--override', [CompletionResultType]::ParameterName, 'Replace a field that exists: PATH=VALUE (repeatable)')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Set a field only where it is missing: PATH=VALUE (repeatable)')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove a field: PATH (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the endpoint''s answer')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'What counts as success: a code (200) or a class (2xx, 4xx)')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Also write the generated event to this fixture file (or folder) for `whk replay --file`')
            [CompletionResult]::new('--tamper', '--tamper', [CompletionResultType]::ParameterName, 'Send a forged delivery the endpoint must refuse (or `all` of them, with a table of verdicts)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Load mode: send N events, each with its own id and signature, then print a summary (statuses, errors, throughput, latency percentiles) instead of a line per delivery')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Load mode: deliveries in flight at once [default: 1]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Load mode: start at most this many deliveries per second (default: as fast as the endpoint answers)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('--livemode', '--livemode', [CompletionResultType]::ParameterName, 'Mark the event as live mode (Stripe livemode=true, Fintoc mode=live)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the exact request (method, URL, headers, body) and send nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per delivery on stdout')
            [CompletionResult]::new('--no-send', '--no-send', [CompletionResultType]::ParameterName, 'With --save: write the fixture and send nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'whk;events' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s events')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of extra or replacement templates, laid out as DIR/stripe/<type>.json, DIR/fintoc/<type>.json')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array of {provider, type, object, description}')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;sign' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Signing scheme. Default: WHK_PROVIDER or the config file''s provider')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Unix timestamp to sign with (default: now). With --verify and standard: the webhook-timestamp value')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Message id (Standard Webhooks'' webhook-id; generated when signing if absent)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Verify this received signature header value instead of signing')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Seconds a signature stays valid when verifying')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'whk;listen' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Address to listen on (loopback unless --allow-remote)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on, on 127.0.0.1')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on, on 127.0.0.1')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Forward events here (a port, host:port/path, /path or a full URL). Default: WHK_FORWARD_TO or the config file; with neither, listen is the endpoint itself')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Forward events here (a port, host:port/path, /path or a full URL). Default: WHK_FORWARD_TO or the config file; with neither, listen is the endpoint itself')
            [CompletionResult]::new('--forward-connect-to', '--forward-connect-to', [CompletionResultType]::ParameterName, 'Forward Stripe Connect events (with a top-level `account`) here; defaults to --forward-to')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Route event types to their own URL: ''TYPE_OR_GLOB=URL'' (repeatable; first match wins)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Forward only these event types (comma-separated, globs allowed); others are still recorded')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Forward only these event types (comma-separated, globs allowed); others are still recorded')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header on forwarded requests, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'Extra header on forwarded requests, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--connect-headers', '--connect-headers', [CompletionResultType]::ParameterName, 'Extra header on forwarded Connect requests, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--verify-secret', '--verify-secret', [CompletionResultType]::ParameterName, 'Also accept events signed with this provider secret: PROVIDER=SECRET (repeatable)')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest accepted body in bytes')
            [CompletionResult]::new('--client-timeout', '--client-timeout', [CompletionResultType]::ParameterName, 'Seconds a client may take to send its request headers, and then its body, before a 408')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Attempts after the first for connection errors, timeouts and 5xx (4xx is not retried)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the app''s answer on each attempt')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Event store: a SQLite database (not a text file; read it with `whk log export`). Default: whk.db in the user''s data directory. One listen per store')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections served at once; beyond it a 503 (default: what the open-files limit allows)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Console output: human lines on stderr, or JSON lines on stdout')
            [CompletionResult]::new('--exit-after', '--exit-after', [CompletionResultType]::ParameterName, 'Exit after this many events have been received and handled (for scripts and demos)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow binding a non-loopback address (anyone who can reach it can post events)')
            [CompletionResult]::new('--skip-verify', '--skip-verify', [CompletionResultType]::ParameterName, 'Accept unsigned or unverifiable requests (recorded as unverified)')
            [CompletionResult]::new('--print-secret', '--print-secret', [CompletionResultType]::ParameterName, 'Print the signing secret that forwarded events are signed with, and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;replay' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the last N matching events')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob, e.g. ''payout.*''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events received within this long, e.g. 10m, 2h, 1d')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The event store (SQLite database) to read (default: where `whk listen` keeps it)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Replay events from fixture files instead of the log (one or more paths; repeatable)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider of fixture events, when their shape does not say')
            [CompletionResult]::new('--override', '--override', [CompletionResultType]::ParameterName, 'Replace a field that exists: PATH=VALUE (repeatable)')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Set a field only where it is missing: PATH=VALUE (repeatable)')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove a field: PATH (repeatable)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send: a port, host:port/path, /path or a full URL')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'What counts as success: a code (200) or a class (2xx, 4xx)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret [env: WHK_SECRET]. Default: the local secret that `whk listen --print-secret` prints')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'Only events that some target gave up on')
            [CompletionResult]::new('--pending', '--pending', [CompletionResultType]::ParameterName, 'Only events still owed to a target; a success is written back to the log')
            [CompletionResult]::new('--new-id', '--new-id', [CompletionResultType]::ParameterName, 'Give each event a fresh id and creation time (for apps that de-duplicate on id)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per delivery on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Print only the config file''s path, whether or not it exists')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;log' {
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The event store (SQLite database; default: where `whk listen` keeps it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add the records of a JSON Lines log (whk 0.1''s events.jsonl, or an export) to the store')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete records older than a duration that owe no delivery')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whk;log;export' {
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The event store (SQLite database; default: where `whk listen` keeps it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;log;import' {
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The event store (SQLite database; default: where `whk listen` keeps it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;log;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'For example 7d, 12h')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The event store (SQLite database; default: where `whk listen` keeps it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;log;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add the records of a JSON Lines log (whk 0.1''s events.jsonl, or an export) to the store')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete records older than a duration that owe no delivery')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whk;log;help;export' {
            break
        }
        'whk;log;help;import' {
            break
        }
        'whk;log;help;prune' {
            break
        }
        'whk;log;help;help' {
            break
        }
        'whk;completion' {
            [CompletionResult]::new('bash', 'bash', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('elvish', 'elvish', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('fish', 'fish', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('powershell', 'powershell', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('zsh', 'zsh', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write every page (whk.1, whk-trigger.1, …) into this folder instead')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours: auto means only when output goes to a terminal, and never when NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'whk;help' {
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Build a realistic sample event, sign it as the provider does, and POST it')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List the event types whk can trigger')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a payload, or verify a received signature and explain why it fails')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks locally: verify, record durably, and forward them re-signed, in order')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-deliver recorded events (from the event store) or fixture files, freshly signed')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect (forward-to, API version, provider, secrets) and where each comes from')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Export, import or prune the event store that listen writes')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page, or write every page to a folder')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whk;help;trigger' {
            break
        }
        'whk;help;events' {
            break
        }
        'whk;help;sign' {
            break
        }
        'whk;help;listen' {
            break
        }
        'whk;help;replay' {
            break
        }
        'whk;help;config' {
            break
        }
        'whk;help;log' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every record as JSON Lines on stdout (bodies byte for byte), oldest first')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add the records of a JSON Lines log (whk 0.1''s events.jsonl, or an export) to the store')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete records older than a duration that owe no delivery')
            break
        }
        'whk;help;log;export' {
            break
        }
        'whk;help;log;import' {
            break
        }
        'whk;help;log;prune' {
            break
        }
        'whk;help;completion' {
            break
        }
        'whk;help;man' {
            break
        }
        'whk;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
