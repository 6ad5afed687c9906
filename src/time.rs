//! Times as webhooks write them: unix seconds and RFC 3339 text.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 9999-12-31T23:59:59Z, the last second RFC 3339 can write.
pub const MAX_ISO: i64 = 253_402_300_799;

/// Unix seconds of a moment (0 for one before 1970).
pub fn unix_seconds(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The moment a span such as `10m` or `7d` before now names (`--since`, `--older-than`): an
/// error naming `flag` for text that is not a duration, or a span that reaches back before 1970,
/// never a panic.
pub fn span_ago(flag: &str, text: &str) -> Result<(Duration, SystemTime), String> {
    let span = humantime::parse_duration(text)
        .map_err(|_| format!("{flag} `{text}` is not a duration such as 90s, 10m, 2h or 7d"))?;
    let at = SystemTime::now()
        .checked_sub(span)
        .filter(|t| *t >= UNIX_EPOCH)
        .ok_or_else(|| format!("{flag} `{text}` reaches back before 1970: give a shorter duration"))?;
    Ok((span, at))
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

/// `14:03:22.123`: what a clock on this machine showed at an RFC 3339 time such as a record's
/// arrival (the text itself when it is not one).
pub fn local_clock(at: &str) -> String {
    match parse_unix_ms(at) {
        Some(ms) => clock(ms, crate::os::utc_offset_seconds(ms.div_euclid(1000))),
        None => at.to_string(),
    }
}

/// `2026-11-30 14:03:22.123 +01:00`: [`local_clock`] with the date and the zone's offset.
pub fn local_datetime(at: &str) -> String {
    match parse_unix_ms(at) {
        Some(ms) => datetime(ms, crate::os::utc_offset_seconds(ms.div_euclid(1000))),
        None => at.to_string(),
    }
}

/// Milliseconds since the Unix epoch (0 before it).
pub fn unix_ms(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis().min(i64::MAX as u128) as i64)
}

/// `14:03:22.123` in UTC at `at`: the clock on listen's console lines.
pub fn utc_clock(at: SystemTime) -> String {
    clock(unix_ms(at), 0)
}

/// Milliseconds since the Unix epoch of an RFC 3339 time; None if it does not parse or is before
/// the epoch.
pub fn parse_unix_ms(at: &str) -> Option<i64> {
    humantime::parse_rfc3339_weak(at).ok().filter(|time| *time >= UNIX_EPOCH).map(unix_ms)
}

fn clock(ms: i64, offset: i64) -> String {
    let of_day = (ms.div_euclid(1000) + offset).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}.{:03}", of_day / 3600, of_day / 60 % 60, of_day % 60, ms.rem_euclid(1000))
}

fn datetime(ms: i64, offset: i64) -> String {
    let shifted = UNIX_EPOCH + Duration::from_millis(ms.saturating_add(offset * 1000).max(0) as u64);
    let text = humantime::format_rfc3339_millis(shifted).to_string();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!("{} {} {sign}{:02}:{:02}", &text[..10], &text[11..23], offset / 3600, offset / 60 % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_shift_by_the_zone_offset() {
        let ms = parse_unix_ms("2026-11-30T23:30:05.042Z").unwrap();
        assert_eq!(clock(ms, 0), "23:30:05.042");
        assert_eq!(clock(ms, 3600), "00:30:05.042", "past midnight east of UTC");
        assert_eq!(clock(ms, -3 * 3600), "20:30:05.042");
        assert_eq!(datetime(ms, 5 * 3600 + 1800), "2026-12-01 05:00:05.042 +05:30");
        assert_eq!(datetime(ms, -3 * 3600), "2026-11-30 20:30:05.042 -03:00");
        assert_eq!(local_clock("not a time"), "not a time");
        let at = UNIX_EPOCH + Duration::from_millis(ms as u64);
        assert_eq!(utc_clock(at), "23:30:05.042");
        assert_eq!(utc_clock(at), iso_millis(at)[11..23], "the same clock as the record's time");
    }
}
