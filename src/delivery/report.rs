//! The delivery report shared by `trigger` and `replay`: Stripe-CLI-style lines, or one JSON
//! object per delivery, and the verdict against `--expect-status`.

use colored::Colorize;
use serde_json::json;

use crate::delivery::expect::ExpectStatus;
use crate::delivery::{Answer, DeliveryError, SignedRequest};
use crate::ui::console;

/// What is being delivered, as shown on its lines.
pub struct Shown<'a> {
    pub provider: &'a str,
    pub event_type: &'a str,
    pub id: &'a str,
    pub connect: bool,
}

pub enum Verdict {
    Expected,
    Unexpected,
    Unreachable(DeliveryError),
}

pub struct Reporter {
    pub json: bool,
    pub expect: ExpectStatus,
}

impl Reporter {
    pub fn sending(&self, e: &Shown) {
        if !self.json {
            let label = if e.connect { format!("[connect] {}", e.event_type) } else { e.event_type.to_string() };
            println!("{} {label} [{}]", "-->".bold(), e.id);
        }
    }

    pub fn result(&self, e: &Shown, request: &SignedRequest, result: Result<Answer, DeliveryError>) -> Verdict {
        match result {
            Ok(answer) => {
                let ok = self.expect.matches(answer.status);
                if self.json {
                    println!(
                        "{}",
                        json!({
                            "provider": e.provider, "type": e.event_type, "id": e.id, "url": request.url.as_str(),
                            "status": answer.status, "duration_ms": answer.duration.as_secs_f64() * 1000.0, "ok": ok,
                        })
                    );
                } else {
                    println!(
                        "{} {} POST {} [{}] ({} ms)",
                        "<--".bold(),
                        console::status(answer.status),
                        request.url,
                        e.id,
                        answer.duration.as_millis()
                    );
                    if !answer.is_success() {
                        let body = answer.body_start.trim();
                        if !body.is_empty() {
                            println!("    {body}");
                        }
                    }
                    if (300..400).contains(&answer.status) {
                        console::warn(
                            "the endpoint redirected; providers do not follow redirects, so neither does whk",
                        );
                    }
                    if !ok && self.expect != ExpectStatus::default() {
                        console::warn(&format!("expected a {} answer, got {}", self.expect, answer.status));
                    }
                }
                if ok {
                    Verdict::Expected
                } else {
                    Verdict::Unexpected
                }
            }
            Err(err) => {
                if self.json {
                    println!(
                        "{}",
                        json!({
                            "provider": e.provider, "type": e.event_type, "id": e.id, "url": request.url.as_str(),
                            "status": null, "duration_ms": null, "ok": false, "error": err.to_string(),
                        })
                    );
                }
                Verdict::Unreachable(err)
            }
        }
    }
}
