//! `--expect-status`: what counts as success for a delivery, `200`, `2xx` or `4xx` style.

use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectStatus {
    Exact(u16),
    /// A class: 2 for 2xx, 4 for 4xx …
    Class(u16),
}

impl Default for ExpectStatus {
    fn default() -> Self {
        ExpectStatus::Class(2)
    }
}

impl ExpectStatus {
    pub fn matches(self, status: u16) -> bool {
        match self {
            ExpectStatus::Exact(code) => status == code,
            ExpectStatus::Class(class) => status / 100 == class,
        }
    }
}

impl std::fmt::Display for ExpectStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectStatus::Exact(code) => write!(f, "{code}"),
            ExpectStatus::Class(class) => write!(f, "{class}xx"),
        }
    }
}

impl FromStr for ExpectStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a status: use a code such as 200 or a class such as 2xx or 4xx");
        let s = s.trim().to_ascii_lowercase();
        if let Some(class) = s.strip_suffix("xx") {
            let class: u16 = class.parse().map_err(|_| bad())?;
            return if (1..=5).contains(&class) { Ok(ExpectStatus::Class(class)) } else { Err(bad()) };
        }
        let code: u16 = s.parse().map_err(|_| bad())?;
        if (100..=599).contains(&code) {
            Ok(ExpectStatus::Exact(code))
        } else {
            Err(bad())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_classes() {
        assert_eq!("2xx".parse(), Ok(ExpectStatus::Class(2)));
        assert_eq!("4XX".parse(), Ok(ExpectStatus::Class(4)));
        assert_eq!("204".parse(), Ok(ExpectStatus::Exact(204)));
        assert!("9xx".parse::<ExpectStatus>().is_err());
        assert!("abc".parse::<ExpectStatus>().is_err());
        assert!("99".parse::<ExpectStatus>().is_err());
        assert!(ExpectStatus::Class(4).matches(422));
        assert!(!ExpectStatus::Exact(200).matches(201));
        assert!(ExpectStatus::default().matches(204));
    }
}
