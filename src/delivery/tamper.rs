//! Forged deliveries for `whk trigger --tamper`: requests an endpoint that verifies signatures must
//! refuse, two advisory kinds the official SDKs may rightly accept, and the genuine event as the
//! control an endpoint must accept (one that refuses everything verifies nothing useful).

use rand::distributions::{Alphanumeric, DistString};
use rand::Rng;

use crate::delivery::SignedRequest;
use crate::providers::Provider;

/// How far outside the 300 s tolerance the stale and future timestamps are.
const SKEW: i64 = 600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TamperKind {
    /// The event as the provider sends it, correctly signed: the control, which must get a 2xx.
    Genuine,
    /// The signature is replaced by another of the same shape.
    BadSignature,
    /// Signed correctly, but with a secret the endpoint does not know.
    WrongSecret,
    /// Signed correctly, with a timestamp older than the 300 s tolerance.
    StaleTimestamp,
    /// Signed, then the body was changed.
    ModifiedBody,
    /// No signature header at all.
    MissingSignature,
    /// A signature header that cannot be parsed.
    MalformedSignature,
    /// Signed correctly, dated 600 s ahead (advisory: fintoc-node refuses it, the other SDKs accept it).
    FutureTimestamp,
    /// The same signed delivery sent twice (advisory: de-duplicating is the app's choice).
    Replayed,
    /// Every kind above, with a table of verdicts.
    All,
}

impl TamperKind {
    pub const EVERY: [TamperKind; 9] = [
        TamperKind::Genuine,
        TamperKind::BadSignature,
        TamperKind::WrongSecret,
        TamperKind::StaleTimestamp,
        TamperKind::ModifiedBody,
        TamperKind::MissingSignature,
        TamperKind::MalformedSignature,
        TamperKind::FutureTimestamp,
        TamperKind::Replayed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TamperKind::Genuine => "genuine",
            TamperKind::BadSignature => "bad-signature",
            TamperKind::WrongSecret => "wrong-secret",
            TamperKind::StaleTimestamp => "stale-timestamp",
            TamperKind::ModifiedBody => "modified-body",
            TamperKind::MissingSignature => "missing-signature",
            TamperKind::MalformedSignature => "malformed-signature",
            TamperKind::FutureTimestamp => "future-timestamp",
            TamperKind::Replayed => "replayed",
            TamperKind::All => "all",
        }
    }

    /// Whether an endpoint that verifies signatures must answer 4xx.
    pub fn must_refuse(self) -> bool {
        !matches!(self, TamperKind::Genuine | TamperKind::FutureTimestamp | TamperKind::Replayed)
    }

    /// Whether an endpoint must answer 2xx: only the genuine event.
    pub fn must_accept(self) -> bool {
        self == TamperKind::Genuine
    }

    /// What accepting this forgery means, in plain words.
    pub fn danger(self) -> &'static str {
        match self {
            TamperKind::BadSignature | TamperKind::MissingSignature | TamperKind::MalformedSignature => {
                "the endpoint does not check the signature: anyone who knows its URL can send it fake events"
            }
            TamperKind::WrongSecret => "the endpoint accepts signatures made with any secret, so it verifies nothing",
            TamperKind::StaleTimestamp => {
                "the endpoint ignores the timestamp: a captured delivery can be replayed later (check the 300 s tolerance)"
            }
            TamperKind::ModifiedBody => {
                "the endpoint verifies something other than the raw body it acts on: an attacker can change amounts or ids"
            }
            TamperKind::FutureTimestamp => "the endpoint accepts a signature dated ahead of its clock",
            TamperKind::Replayed => {
                "the same delivery was accepted twice: fine if the handler de-duplicates on the event id, a double charge if not"
            }
            TamperKind::Genuine => {
                "the endpoint refuses a genuine, correctly signed event, so it cannot tell forged from genuine \
                 either; the usual cause is verifying a re-serialised body (JSON.stringify(req.body), \
                 json.dumps(request.json)) instead of the raw bytes received"
            }
            TamperKind::All => "",
        }
    }
}

impl TamperKind {
    /// Each official SDK of `provider` and whether its verifier accepts this delivery with the
    /// default 300 s tolerance. Only the timestamp checks differ (see
    /// [`Provider::official_verifiers`]). No verifier remembers deliveries.
    pub fn sdk_verdicts(self, provider: Provider) -> Vec<(&'static str, bool)> {
        let accepts = |verifier: &crate::providers::Verifier| match self {
            TamperKind::Genuine | TamperKind::Replayed => true,
            TamperKind::FutureTimestamp => !verifier.refuses_future_timestamps,
            _ => false,
        };
        provider.official_verifiers().iter().map(|v| (v.name, accepts(v))).collect()
    }

    /// The verdict on an advisory kind, naming which official SDKs agree with the endpoint's answer.
    pub fn advisory_verdict(self, provider: Provider, accepted: bool, last: u16) -> String {
        let verdicts = self.sdk_verdicts(provider);
        let (agree, disagree): (Vec<_>, Vec<_>) = verdicts.iter().partition(|(_, accepts)| *accepts == accepted);
        let names = |list: &[&(&str, bool)]| list.iter().map(|(sdk, _)| *sdk).collect::<Vec<_>>().join(" and ");
        let answer = if accepted { "accepted".to_string() } else { format!("refused ({last})") };
        let mut verdict = format!("advisory: {answer}");
        if !agree.is_empty() {
            verdict.push_str(&format!(", as {} would", names(&agree)));
        }
        if !disagree.is_empty() {
            let other = if accepted { "refuses" } else { "accepts" };
            verdict.push_str(&format!("; {} {other} it", names(&disagree)));
        }
        match (self, accepted) {
            (TamperKind::Replayed, true) => verdict.push_str(&format!(": {}", self.danger())),
            (TamperKind::FutureTimestamp, true) if !disagree.is_empty() => verdict.push_str(
                ": if this endpoint verifies with fintoc-node, its tolerance check is off; either way refusing \
                 timestamps more than 300 s ahead is safer",
            ),
            (TamperKind::FutureTimestamp, true) => {
                verdict.push_str(": refuse it only if you compare timestamps both ways")
            }
            _ => verdict.push_str("; fine"),
        }
        verdict
    }
}

/// Builds the forged request(s) for one kind from an honest one's ingredients.
pub fn forge(
    kind: TamperKind,
    provider: Provider,
    secret: &str,
    now: i64,
    url: url::Url,
    body: Vec<u8>,
    extra: &[(String, String)],
) -> Vec<SignedRequest> {
    let sign = |secret: &str, at: i64, body: Vec<u8>| {
        SignedRequest::new(provider, secret, at, url.clone(), body, extra).expect("a non-empty secret always signs")
    };
    let header = provider.scheme().signature_header();
    let mut request = match kind {
        TamperKind::WrongSecret => {
            sign(&format!("whsec_{}", Alphanumeric.sample_string(&mut rand::thread_rng(), 32)), now, body)
        }
        TamperKind::StaleTimestamp => sign(secret, now - SKEW, body),
        TamperKind::FutureTimestamp => sign(secret, now + SKEW, body),
        TamperKind::ModifiedBody => {
            let mut request = sign(secret, now, body);
            request.body = modified(&request.body, provider);
            request
        }
        _ => sign(secret, now, body),
    };
    match kind {
        TamperKind::BadSignature => {
            let random: String =
                (0..64).map(|_| char::from(b"0123456789abcdef"[rand::thread_rng().gen_range(0..16)])).collect();
            set_header(&mut request, header, Some(format!("t={now},v1={random}")));
        }
        TamperKind::MissingSignature => set_header(&mut request, header, None),
        TamperKind::MalformedSignature => set_header(&mut request, header, Some("t=yesterday;v1:".into())),
        _ => {}
    }
    if kind == TamperKind::Replayed {
        vec![request.clone(), request]
    } else {
        vec![request]
    }
}

fn set_header(request: &mut SignedRequest, name: &str, value: Option<String>) {
    request.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    if let Some(value) = value {
        request.headers.push((name.to_string(), value));
    }
}

/// The same event with another id: still valid JSON, no longer the bytes that were signed.
fn modified(body: &[u8], provider: Provider) -> Vec<u8> {
    let mut event: serde_json::Value = serde_json::from_slice(body).expect("whk's own events are JSON");
    event["id"] = serde_json::json!(provider.new_id("evt"));
    serde_json::to_vec(&event).expect("a JSON value always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::{verify, Received};

    #[test]
    fn every_forgery_fails_verification_in_the_way_it_claims() {
        let url = url::Url::parse("http://127.0.0.1:1/").unwrap();
        let body = br#"{"id":"evt_1","object":"event"}"#.to_vec();
        let now = 1_800_000_000;
        let check = |kind| {
            let forged = forge(kind, Provider::Stripe, "whsec_s", now, url.clone(), body.clone(), &[]);
            let r = &forged[0];
            let header = r.headers.iter().find(|(k, _)| k == "Stripe-Signature").map(|(_, v)| v.as_str());
            header.map(|h| {
                verify(
                    &Received {
                        scheme: crate::signing::Scheme::Stripe,
                        header: h,
                        body: &r.body,
                        msg_id: None,
                        timestamp: None,
                    },
                    "whsec_s",
                    300,
                    now,
                )
            })
        };
        use crate::signing::VerifyError::*;
        assert!(matches!(check(TamperKind::BadSignature), Some(Err(NoMatch))));
        assert!(matches!(check(TamperKind::WrongSecret), Some(Err(NoMatch))));
        assert!(matches!(check(TamperKind::StaleTimestamp), Some(Err(TooOld(300, 300)))));
        assert!(matches!(check(TamperKind::ModifiedBody), Some(Err(NoMatch))));
        assert!(check(TamperKind::MissingSignature).is_none());
        assert!(matches!(check(TamperKind::MalformedSignature), Some(Err(Malformed(_)))));
        assert!(matches!(check(TamperKind::FutureTimestamp), Some(Ok(()))));
        assert!(matches!(check(TamperKind::Replayed), Some(Ok(()))));
        assert_eq!(forge(TamperKind::Replayed, Provider::Fintoc, "whsec_s", now, url, body, &[]).len(), 2);
    }

    #[test]
    fn advisory_verdicts_name_the_sdks_that_agree() {
        let future = TamperKind::FutureTimestamp;
        assert_eq!(future.sdk_verdicts(Provider::Fintoc), [("fintoc-node", false), ("fintoc-python", true)]);
        assert_eq!(future.sdk_verdicts(Provider::Stripe), [("stripe-node", true), ("stripe-python", true)]);
        let fintoc_accepted = future.advisory_verdict(Provider::Fintoc, true, 200);
        assert!(fintoc_accepted.starts_with("advisory: accepted, as fintoc-python would; fintoc-node refuses it"));
        let fintoc_refused = future.advisory_verdict(Provider::Fintoc, false, 400);
        assert!(fintoc_refused.starts_with("advisory: refused (400), as fintoc-node would; fintoc-python accepts it"));
        assert!(!future.advisory_verdict(Provider::Stripe, true, 200).contains("refuses"));
        assert!(TamperKind::StaleTimestamp.sdk_verdicts(Provider::Fintoc).iter().all(|(_, accepts)| !accepts));
    }
}
