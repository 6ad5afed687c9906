//! Typed value parsers: each kind of value is checked once, at parse time, with one message, and
//! the commands get it ready to use.

use std::ffi::OsStr;
use std::time::Duration;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;

/// A time span in seconds, such as `--timeout 2.5`: finite and above zero.
#[derive(Clone, Copy)]
pub struct Seconds;

impl TypedValueParser for Seconds {
    type Value = Duration;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<Duration, clap::Error> {
        let text = value.to_string_lossy();
        match text.trim().parse::<f64>() {
            Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(Duration::from_secs_f64(seconds)),
            _ => Err(invalid(cmd, format!("{} {text} is not a positive number of seconds", flag(arg)))),
        }
    }
}

/// A span such as `90s`, `10m`, `2h` or `1d`.
#[derive(Clone, Copy)]
pub struct Span;

impl TypedValueParser for Span {
    type Value = Duration;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<Duration, clap::Error> {
        let text = value.to_string_lossy();
        humantime::parse_duration(&text)
            .map_err(|_| invalid(cmd, format!("{} `{text}` is not a duration such as 90s, 10m, 2h or 1d", flag(arg))))
    }
}

/// An extra request header, `'Name: value'`, as (name, value); refuses what HTTP cannot carry.
#[derive(Clone, Copy)]
pub struct Header;

impl TypedValueParser for Header {
    type Value = (String, String);

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<(String, String), clap::Error> {
        crate::delivery::parse_header(&value.to_string_lossy()).map_err(|e| invalid(cmd, e.0))
    }
}

fn flag(arg: Option<&clap::Arg>) -> String {
    arg.and_then(|a| a.get_long()).map_or_else(|| "the value".to_string(), |long| format!("--{long}"))
}

/// A usage error that says only `message`, which names the flag and the fix itself.
fn invalid(cmd: &clap::Command, message: String) -> clap::Error {
    clap::Error::raw(ErrorKind::ValueValidation, format!("{message}\n")).with_cmd(cmd)
}
