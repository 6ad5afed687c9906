//! Times as webhooks write them: unix seconds and RFC 3339 text.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 9999-12-31T23:59:59Z, the last second RFC 3339 can write.
pub const MAX_ISO: i64 = 253_402_300_799;

/// Unix seconds of a moment (0 for one before 1970).
pub fn unix_seconds(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    unix_seconds(SystemTime::now())
}

fn system_time(unix: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix.clamp(0, MAX_ISO) as u64)
}

/// `2026-11-23T08:00:00Z`, the form Fintoc uses inside resources.
pub fn iso_seconds(unix: i64) -> String {
    humantime::format_rfc3339_seconds(system_time(unix)).to_string()
}

/// `2026-11-23T08:00:00.123Z`, the form of Fintoc's event `created_at` and of whk's own records.
pub fn iso_millis(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

/// [`iso_millis`] of now.
pub fn now_iso() -> String {
    iso_millis(SystemTime::now())
}
