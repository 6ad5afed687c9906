_whk() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="whk"
                ;;
            whk,completion)
                cmd="whk__subcmd__completion"
                ;;
            whk,config)
                cmd="whk__subcmd__config"
                ;;
            whk,events)
                cmd="whk__subcmd__events"
                ;;
            whk,help)
                cmd="whk__subcmd__help"
                ;;
            whk,listen)
                cmd="whk__subcmd__listen"
                ;;
            whk,man)
                cmd="whk__subcmd__man"
                ;;
            whk,replay)
                cmd="whk__subcmd__replay"
                ;;
            whk,sign)
                cmd="whk__subcmd__sign"
                ;;
            whk,trigger)
                cmd="whk__subcmd__trigger"
                ;;
            whk__subcmd__help,completion)
                cmd="whk__subcmd__help__subcmd__completion"
                ;;
            whk__subcmd__help,config)
                cmd="whk__subcmd__help__subcmd__config"
                ;;
            whk__subcmd__help,events)
                cmd="whk__subcmd__help__subcmd__events"
                ;;
            whk__subcmd__help,help)
                cmd="whk__subcmd__help__subcmd__help"
                ;;
            whk__subcmd__help,listen)
                cmd="whk__subcmd__help__subcmd__listen"
                ;;
            whk__subcmd__help,man)
                cmd="whk__subcmd__help__subcmd__man"
                ;;
            whk__subcmd__help,replay)
                cmd="whk__subcmd__help__subcmd__replay"
                ;;
            whk__subcmd__help,sign)
                cmd="whk__subcmd__help__subcmd__sign"
                ;;
            whk__subcmd__help,trigger)
                cmd="whk__subcmd__help__subcmd__trigger"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        whk)
            opts="-h -V --color --help --version trigger events sign listen replay config completion man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__completion)
            opts="-h --color --help bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__config)
            opts="-h --path --color --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__events)
            opts="-h --provider --json --templates --color --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --provider)
                    COMPREPLY=($(compgen -W "stripe fintoc" -- "${cur}"))
                    return 0
                    ;;
                --templates)
                    COMPREPLY=()
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o plusdirs
                    fi
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help)
            opts="trigger events sign listen replay config completion man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__completion)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__config)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__events)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__listen)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__replay)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__sign)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__help__subcmd__trigger)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__listen)
            opts="-p -f -e -H -h --addr --port --allow-remote --forward-to --forward-connect-to --route --events --headers --connect-headers --verify-secret --skip-verify --max-body --client-timeout --retries --timeout --log --format --print-secret --exit-after --secret --color --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --addr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --forward-to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -f)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --forward-connect-to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --route)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --events)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -e)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --headers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-headers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verify-secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-body)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --exit-after)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__man)
            opts="-h --out --color --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --out)
                    COMPREPLY=()
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o plusdirs
                    fi
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__replay)
            opts="-H -h --last --type --since --failed --pending --log --file --provider --new-id --override --add --remove --to --header --timeout --json --expect-status --secret --color --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --last)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --file)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --provider)
                    COMPREPLY=($(compgen -W "stripe fintoc" -- "${cur}"))
                    return 0
                    ;;
                --override)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --remove)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expect-status)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__sign)
            opts="-h --provider --timestamp --id --verify --tolerance --secret --color --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --provider)
                    COMPREPLY=($(compgen -W "stripe fintoc standard" -- "${cur}"))
                    return 0
                    ;;
                --timestamp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verify)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tolerance)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        whk__subcmd__trigger)
            opts="-f -H -h --provider --forward-to --stripe-account --account --api-version --livemode --override --add --remove --header --timeout --print --json --expect-status --save --no-send --tamper --count --concurrency --rate --secret --templates --color --help account.application.authorized account.application.deauthorized account.external_account.created account.external_account.deleted account.external_account.updated account.refresh_intent.failed account.refresh_intent.movements_removed account.refresh_intent.rejected account.refresh_intent.succeeded account.updated application_fee.created application_fee.refund.updated application_fee.refunded apps.install.created apps.install.deleted apps.install.updated balance.available balance_settings.updated billing.alert.triggered billing.credit_balance_transaction.created billing.credit_grant.created billing.credit_grant.updated billing.meter.created billing.meter.deactivated billing.meter.reactivated billing.meter.updated billing_portal.configuration.created billing_portal.configuration.updated billing_portal.session.created capability.updated cash_balance.funds_available charge.captured charge.dispute.closed charge.dispute.created charge.dispute.funds_reinstated charge.dispute.funds_withdrawn charge.dispute.updated charge.expired charge.failed charge.pending charge.refund.updated charge.refunded charge.succeeded charge.updated checkout.session.async_payment_failed checkout.session.async_payment_succeeded checkout.session.completed checkout.session.expired checkout_session.expired checkout_session.finished climate.order.canceled climate.order.created climate.order.delayed climate.order.delivered climate.order.product_substituted climate.product.created climate.product.pricing_updated coupon.created coupon.deleted coupon.updated credit_note.created credit_note.updated credit_note.voided customer.created customer.deleted customer.discount.created customer.discount.deleted customer.discount.updated customer.source.created customer.source.deleted customer.source.expiring customer.source.updated customer.subscription.created customer.subscription.deleted customer.subscription.paused customer.subscription.pending_update_applied customer.subscription.pending_update_expired customer.subscription.resumed customer.subscription.trial_will_end customer.subscription.updated customer.tax_id.created customer.tax_id.deleted customer.tax_id.updated customer.updated customer_cash_balance_transaction.created entitlements.active_entitlement_summary.updated file.created financial_connections.account.account_numbers_updated financial_connections.account.created financial_connections.account.deactivated financial_connections.account.disconnected financial_connections.account.expected_deactivation_date_updated financial_connections.account.reactivated financial_connections.account.refreshed_balance financial_connections.account.refreshed_ownership financial_connections.account.refreshed_transactions financial_connections.account.supported_payment_method_types_updated financial_connections.account.upcoming_account_number_expiry financial_connections.account.upcoming_deactivation financial_connections.authorization.expected_deactivation_date_updated financial_connections.authorization.upcoming_deactivation identity.verification_session.canceled identity.verification_session.created identity.verification_session.processing identity.verification_session.redacted identity.verification_session.requires_input identity.verification_session.verified invoice.created invoice.deleted invoice.finalization_failed invoice.finalized invoice.marked_uncollectible invoice.overdue invoice.overpaid invoice.paid invoice.payment_action_required invoice.payment_attempt_required invoice.payment_failed invoice.payment_succeeded invoice.sent invoice.upcoming invoice.updated invoice.voided invoice.will_be_due invoice_payment.paid invoiceitem.created invoiceitem.deleted issuing_authorization.created issuing_authorization.request issuing_authorization.updated issuing_card.created issuing_card.updated issuing_cardholder.created issuing_cardholder.updated issuing_dispute.closed issuing_dispute.created issuing_dispute.funds_reinstated issuing_dispute.funds_rescinded issuing_dispute.submitted issuing_dispute.updated issuing_personalization_design.activated issuing_personalization_design.deactivated issuing_personalization_design.rejected issuing_personalization_design.updated issuing_token.created issuing_token.updated issuing_transaction.created issuing_transaction.purchase_details_receipt_updated issuing_transaction.updated link.created link.credentials_changed link.refresh_intent.succeeded mandate.updated payment_intent.amount_capturable_updated payment_intent.canceled payment_intent.created payment_intent.expired payment_intent.failed payment_intent.partially_funded payment_intent.payment_failed payment_intent.pending payment_intent.processing payment_intent.rejected payment_intent.requires_action payment_intent.succeeded payment_link.created payment_link.updated payment_method.attached payment_method.automatically_updated payment_method.detached payment_method.updated payout.canceled payout.created payout.failed payout.paid payout.reconciliation_completed payout.succeeded payout.updated person.created person.deleted person.updated plan.created plan.deleted plan.updated price.created price.deleted price.updated product.created product.deleted product.updated promotion_code.created promotion_code.updated quote.accepted quote.canceled quote.created quote.finalized radar.early_fraud_warning.created radar.early_fraud_warning.updated refund.created refund.failed refund.in_progress refund.succeeded refund.updated reporting.report_run.failed reporting.report_run.succeeded reporting.report_type.updated reserve.hold.created reserve.hold.updated reserve.plan.created reserve.plan.disabled reserve.plan.expired reserve.plan.updated reserve.release.created review.closed review.opened setup_intent.canceled setup_intent.created setup_intent.requires_action setup_intent.setup_failed setup_intent.succeeded sigma.scheduled_query_run.created source.canceled source.chargeable source.failed source.mandate_notification source.refund_attributes_required source.transaction.created source.transaction.updated subscription.activated subscription.canceled subscription_intent.failed subscription_intent.rejected subscription_intent.succeeded subscription_schedule.aborted subscription_schedule.canceled subscription_schedule.completed subscription_schedule.created subscription_schedule.expiring subscription_schedule.released subscription_schedule.updated tax.settings.updated tax_rate.created tax_rate.updated terminal.reader.action_failed terminal.reader.action_succeeded terminal.reader.action_updated test_helpers.test_clock.advancing test_helpers.test_clock.created test_helpers.test_clock.deleted test_helpers.test_clock.internal_failure test_helpers.test_clock.ready three_d_secure.authentication.canceled three_d_secure.authentication.challenge_started three_d_secure.authentication.errored three_d_secure.authentication.failed three_d_secure.authentication.requires_challenge three_d_secure.authentication.requires_submission three_d_secure.authentication.succeeded topup.canceled topup.created topup.failed topup.reversed topup.succeeded transfer.created transfer.reversed transfer.updated treasury.credit_reversal.created treasury.credit_reversal.posted treasury.debit_reversal.completed treasury.debit_reversal.created treasury.debit_reversal.initial_credit_granted treasury.financial_account.closed treasury.financial_account.created treasury.financial_account.features_status_updated treasury.inbound_transfer.canceled treasury.inbound_transfer.created treasury.inbound_transfer.failed treasury.inbound_transfer.succeeded treasury.outbound_payment.canceled treasury.outbound_payment.created treasury.outbound_payment.expected_arrival_date_updated treasury.outbound_payment.failed treasury.outbound_payment.posted treasury.outbound_payment.returned treasury.outbound_payment.tracking_details_updated treasury.outbound_transfer.canceled treasury.outbound_transfer.created treasury.outbound_transfer.expected_arrival_date_updated treasury.outbound_transfer.failed treasury.outbound_transfer.posted treasury.outbound_transfer.returned treasury.outbound_transfer.tracking_details_updated treasury.received_credit.created treasury.received_credit.failed treasury.received_credit.succeeded treasury.received_debit.created stripe:account.application.authorized stripe:account.application.deauthorized stripe:account.external_account.created stripe:account.external_account.deleted stripe:account.external_account.updated stripe:account.updated stripe:application_fee.created stripe:application_fee.refund.updated stripe:application_fee.refunded stripe:apps.install.created stripe:apps.install.deleted stripe:apps.install.updated stripe:balance.available stripe:balance_settings.updated stripe:billing.alert.triggered stripe:billing.credit_balance_transaction.created stripe:billing.credit_grant.created stripe:billing.credit_grant.updated stripe:billing.meter.created stripe:billing.meter.deactivated stripe:billing.meter.reactivated stripe:billing.meter.updated stripe:billing_portal.configuration.created stripe:billing_portal.configuration.updated stripe:billing_portal.session.created stripe:capability.updated stripe:cash_balance.funds_available stripe:charge.captured stripe:charge.dispute.closed stripe:charge.dispute.created stripe:charge.dispute.funds_reinstated stripe:charge.dispute.funds_withdrawn stripe:charge.dispute.updated stripe:charge.expired stripe:charge.failed stripe:charge.pending stripe:charge.refund.updated stripe:charge.refunded stripe:charge.succeeded stripe:charge.updated stripe:checkout.session.async_payment_failed stripe:checkout.session.async_payment_succeeded stripe:checkout.session.completed stripe:checkout.session.expired stripe:climate.order.canceled stripe:climate.order.created stripe:climate.order.delayed stripe:climate.order.delivered stripe:climate.order.product_substituted stripe:climate.product.created stripe:climate.product.pricing_updated stripe:coupon.created stripe:coupon.deleted stripe:coupon.updated stripe:credit_note.created stripe:credit_note.updated stripe:credit_note.voided stripe:customer.created stripe:customer.deleted stripe:customer.discount.created stripe:customer.discount.deleted stripe:customer.discount.updated stripe:customer.source.created stripe:customer.source.deleted stripe:customer.source.expiring stripe:customer.source.updated stripe:customer.subscription.created stripe:customer.subscription.deleted stripe:customer.subscription.paused stripe:customer.subscription.pending_update_applied stripe:customer.subscription.pending_update_expired stripe:customer.subscription.resumed stripe:customer.subscription.trial_will_end stripe:customer.subscription.updated stripe:customer.tax_id.created stripe:customer.tax_id.deleted stripe:customer.tax_id.updated stripe:customer.updated stripe:customer_cash_balance_transaction.created stripe:entitlements.active_entitlement_summary.updated stripe:file.created stripe:financial_connections.account.account_numbers_updated stripe:financial_connections.account.created stripe:financial_connections.account.deactivated stripe:financial_connections.account.disconnected stripe:financial_connections.account.expected_deactivation_date_updated stripe:financial_connections.account.reactivated stripe:financial_connections.account.refreshed_balance stripe:financial_connections.account.refreshed_ownership stripe:financial_connections.account.refreshed_transactions stripe:financial_connections.account.supported_payment_method_types_updated stripe:financial_connections.account.upcoming_account_number_expiry stripe:financial_connections.account.upcoming_deactivation stripe:financial_connections.authorization.expected_deactivation_date_updated stripe:financial_connections.authorization.upcoming_deactivation stripe:identity.verification_session.canceled stripe:identity.verification_session.created stripe:identity.verification_session.processing stripe:identity.verification_session.redacted stripe:identity.verification_session.requires_input stripe:identity.verification_session.verified stripe:invoice.created stripe:invoice.deleted stripe:invoice.finalization_failed stripe:invoice.finalized stripe:invoice.marked_uncollectible stripe:invoice.overdue stripe:invoice.overpaid stripe:invoice.paid stripe:invoice.payment_action_required stripe:invoice.payment_attempt_required stripe:invoice.payment_failed stripe:invoice.payment_succeeded stripe:invoice.sent stripe:invoice.upcoming stripe:invoice.updated stripe:invoice.voided stripe:invoice.will_be_due stripe:invoice_payment.paid stripe:invoiceitem.created stripe:invoiceitem.deleted stripe:issuing_authorization.created stripe:issuing_authorization.request stripe:issuing_authorization.updated stripe:issuing_card.created stripe:issuing_card.updated stripe:issuing_cardholder.created stripe:issuing_cardholder.updated stripe:issuing_dispute.closed stripe:issuing_dispute.created stripe:issuing_dispute.funds_reinstated stripe:issuing_dispute.funds_rescinded stripe:issuing_dispute.submitted stripe:issuing_dispute.updated stripe:issuing_personalization_design.activated stripe:issuing_personalization_design.deactivated stripe:issuing_personalization_design.rejected stripe:issuing_personalization_design.updated stripe:issuing_token.created stripe:issuing_token.updated stripe:issuing_transaction.created stripe:issuing_transaction.purchase_details_receipt_updated stripe:issuing_transaction.updated stripe:mandate.updated stripe:payment_intent.amount_capturable_updated stripe:payment_intent.canceled stripe:payment_intent.created stripe:payment_intent.partially_funded stripe:payment_intent.payment_failed stripe:payment_intent.processing stripe:payment_intent.requires_action stripe:payment_intent.succeeded stripe:payment_link.created stripe:payment_link.updated stripe:payment_method.attached stripe:payment_method.automatically_updated stripe:payment_method.detached stripe:payment_method.updated stripe:payout.canceled stripe:payout.created stripe:payout.failed stripe:payout.paid stripe:payout.reconciliation_completed stripe:payout.updated stripe:person.created stripe:person.deleted stripe:person.updated stripe:plan.created stripe:plan.deleted stripe:plan.updated stripe:price.created stripe:price.deleted stripe:price.updated stripe:product.created stripe:product.deleted stripe:product.updated stripe:promotion_code.created stripe:promotion_code.updated stripe:quote.accepted stripe:quote.canceled stripe:quote.created stripe:quote.finalized stripe:radar.early_fraud_warning.created stripe:radar.early_fraud_warning.updated stripe:refund.created stripe:refund.failed stripe:refund.updated stripe:reporting.report_run.failed stripe:reporting.report_run.succeeded stripe:reporting.report_type.updated stripe:reserve.hold.created stripe:reserve.hold.updated stripe:reserve.plan.created stripe:reserve.plan.disabled stripe:reserve.plan.expired stripe:reserve.plan.updated stripe:reserve.release.created stripe:review.closed stripe:review.opened stripe:setup_intent.canceled stripe:setup_intent.created stripe:setup_intent.requires_action stripe:setup_intent.setup_failed stripe:setup_intent.succeeded stripe:sigma.scheduled_query_run.created stripe:source.canceled stripe:source.chargeable stripe:source.failed stripe:source.mandate_notification stripe:source.refund_attributes_required stripe:source.transaction.created stripe:source.transaction.updated stripe:subscription_schedule.aborted stripe:subscription_schedule.canceled stripe:subscription_schedule.completed stripe:subscription_schedule.created stripe:subscription_schedule.expiring stripe:subscription_schedule.released stripe:subscription_schedule.updated stripe:tax.settings.updated stripe:tax_rate.created stripe:tax_rate.updated stripe:terminal.reader.action_failed stripe:terminal.reader.action_succeeded stripe:terminal.reader.action_updated stripe:test_helpers.test_clock.advancing stripe:test_helpers.test_clock.created stripe:test_helpers.test_clock.deleted stripe:test_helpers.test_clock.internal_failure stripe:test_helpers.test_clock.ready stripe:three_d_secure.authentication.canceled stripe:three_d_secure.authentication.challenge_started stripe:three_d_secure.authentication.errored stripe:three_d_secure.authentication.failed stripe:three_d_secure.authentication.requires_challenge stripe:three_d_secure.authentication.requires_submission stripe:three_d_secure.authentication.succeeded stripe:topup.canceled stripe:topup.created stripe:topup.failed stripe:topup.reversed stripe:topup.succeeded stripe:transfer.created stripe:transfer.reversed stripe:transfer.updated stripe:treasury.credit_reversal.created stripe:treasury.credit_reversal.posted stripe:treasury.debit_reversal.completed stripe:treasury.debit_reversal.created stripe:treasury.debit_reversal.initial_credit_granted stripe:treasury.financial_account.closed stripe:treasury.financial_account.created stripe:treasury.financial_account.features_status_updated stripe:treasury.inbound_transfer.canceled stripe:treasury.inbound_transfer.created stripe:treasury.inbound_transfer.failed stripe:treasury.inbound_transfer.succeeded stripe:treasury.outbound_payment.canceled stripe:treasury.outbound_payment.created stripe:treasury.outbound_payment.expected_arrival_date_updated stripe:treasury.outbound_payment.failed stripe:treasury.outbound_payment.posted stripe:treasury.outbound_payment.returned stripe:treasury.outbound_payment.tracking_details_updated stripe:treasury.outbound_transfer.canceled stripe:treasury.outbound_transfer.created stripe:treasury.outbound_transfer.expected_arrival_date_updated stripe:treasury.outbound_transfer.failed stripe:treasury.outbound_transfer.posted stripe:treasury.outbound_transfer.returned stripe:treasury.outbound_transfer.tracking_details_updated stripe:treasury.received_credit.created stripe:treasury.received_credit.failed stripe:treasury.received_credit.succeeded stripe:treasury.received_debit.created fintoc:account.refresh_intent.failed fintoc:account.refresh_intent.movements_removed fintoc:account.refresh_intent.rejected fintoc:account.refresh_intent.succeeded fintoc:charge.failed fintoc:charge.succeeded fintoc:checkout_session.expired fintoc:checkout_session.finished fintoc:link.created fintoc:link.credentials_changed fintoc:link.refresh_intent.succeeded fintoc:payment_intent.expired fintoc:payment_intent.failed fintoc:payment_intent.pending fintoc:payment_intent.rejected fintoc:payment_intent.succeeded fintoc:payout.canceled fintoc:payout.created fintoc:payout.succeeded fintoc:refund.failed fintoc:refund.in_progress fintoc:refund.succeeded fintoc:subscription.activated fintoc:subscription.canceled fintoc:subscription_intent.failed fintoc:subscription_intent.rejected fintoc:subscription_intent.succeeded"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --provider)
                    COMPREPLY=($(compgen -W "stripe fintoc" -- "${cur}"))
                    return 0
                    ;;
                --forward-to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -f)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --account)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stripe-account)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api-version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --override)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --remove)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expect-status)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --save)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tamper)
                    COMPREPLY=($(compgen -W "bad-signature wrong-secret stale-timestamp modified-body missing-signature malformed-signature future-timestamp replayed all" -- "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rate)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --templates)
                    COMPREPLY=()
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o plusdirs
                    fi
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _whk -o nosort -o bashdefault -o default whk
else
    complete -F _whk -o bashdefault -o default whk
fi
