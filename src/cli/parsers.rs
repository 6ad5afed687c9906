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
        // A span reaching back before 1970 names no moment whk records could have.
        crate::time::span_ago(&flag(arg), &value.to_string_lossy())
            .map(|(span, _)| span)
            .map_err(|message| invalid(cmd, message))
    }
}

/// The headers of one `-H` flag: `'Name: value'`, or several as the Stripe CLI takes them,
/// `'K1: v1, K2: v2'` (a comma starts a new header only where a name and `:` follow it).
#[derive(Clone, Debug)]
pub struct HeaderList(pub Vec<(String, String)>);

/// Every header of every `-H` flag, in order.
pub fn flatten(lists: &[HeaderList]) -> Vec<(String, String)> {
    lists.iter().flat_map(|list| list.0.iter().cloned()).collect()
}

/// Parses a [`HeaderList`], refusing what HTTP cannot carry (CR/LF injection, bad names).
#[derive(Clone, Copy)]
pub struct Header;

impl TypedValueParser for Header {
    type Value = HeaderList;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<HeaderList, clap::Error> {
        let text = value.to_string_lossy();
        let headers = crate::delivery::split_header_list(&text)
            .into_iter()
            .map(crate::delivery::parse_header)
            .collect::<Result<_, _>>()
            .map_err(|e| invalid(cmd, e.0))?;
        Ok(HeaderList(headers))
    }
}

fn flag(arg: Option<&clap::Arg>) -> String {
    arg.and_then(|a| a.get_long()).map_or_else(|| "the value".to_string(), |long| format!("--{long}"))
}

/// A usage error that says only `message`, which names the flag and the fix itself.
fn invalid(cmd: &clap::Command, message: String) -> clap::Error {
    clap::Error::raw(ErrorKind::ValueValidation, format!("{message}\n")).with_cmd(cmd)
}

/// A file that exists now: a missing `--cacert` is a usage error at once, not a TLS failure later.
#[derive(Clone, Copy)]
pub struct ExistingFile;

impl TypedValueParser for ExistingFile {
    type Value = std::path::PathBuf;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<std::path::PathBuf, clap::Error> {
        let path = std::path::PathBuf::from(value);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => Ok(path),
            Ok(_) => Err(invalid(cmd, format!("{} {} is not a file", flag(arg), path.display()))),
            Err(err) => Err(invalid(cmd, format!("{} {}: {err}", flag(arg), path.display()))),
        }
    }
}
