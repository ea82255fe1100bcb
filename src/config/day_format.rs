//! A post's day as the user asked to see it (`date_format`, chrono's strftime fields of a
//! day). [`DayFormat`] is the only formatter: the reader's list and header and the CLI's
//! `list`, `search` and `show` all print days through it, so every one of them gets the same
//! sanitised text.
//!
//! Callers: the config parser checks a format with [`format_problem`]; the app and the CLI
//! format days with [`DayFormat`].

use super::DEFAULT_DATE_FORMAT;

/// Why a `date_format` cannot be used, or `None` when it can.
pub(super) fn format_problem(format: &str) -> Option<&'static str> {
    use chrono::format::{Item, StrftimeItems};
    use std::fmt::Write;
    if format.trim().is_empty() {
        return Some("is empty");
    }
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Some("has an unknown % field");
    }
    let day = chrono::NaiveDate::from_ymd_opt(2019, 12, 6).expect("a valid day");
    let mut out = String::new();
    if write!(out, "{}", day.format(format)).is_err() {
        return Some("uses a time-of-day field, but posts carry only a day");
    }
    None
}

/// A `date_format` together with the widest day it can produce, so that a column of dates
/// (the reader's post list) has one width however long a month's name is or however wide
/// the characters of the format (`%Y年%m月%d日` takes 14 columns, not 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayFormat {
    format: String,
    width: usize,
}

impl DayFormat {
    pub fn new(format: &str) -> DayFormat {
        // Every day of a leap year covers every month, weekday, day of the month and day
        // of the year a format can name; the year itself has four digits in any post.
        // Measured on the sanitised text, the text that is printed.
        let mut day_format = DayFormat {
            format: format.to_owned(),
            width: 0,
        };
        let first = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid day");
        day_format.width = first
            .iter_days()
            .take(366)
            .map(|day| crate::text::display_width(&day_format.format(&day.to_string())))
            .max()
            .unwrap_or(0);
        day_format
    }

    /// A post's day (`YYYY-MM-DD`, as the library stores it) in this format, with nothing a
    /// terminal would act on (a `date_format` is written by hand and may hold an ESC); the
    /// day as stored when it does not parse.
    pub fn format(&self, day: &str) -> String {
        use std::fmt::Write;
        let Ok(date) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
            return crate::text::sanitize_line(day);
        };
        let mut out = String::new();
        match write!(out, "{}", date.format(&self.format)) {
            Ok(()) => crate::text::sanitize_line(&out),
            Err(_) => crate::text::sanitize_line(day),
        }
    }

    /// The display width of the widest day this format writes.
    pub fn width(&self) -> usize {
        self.width
    }
}

impl Default for DayFormat {
    fn default() -> Self {
        DayFormat {
            format: DEFAULT_DATE_FORMAT.to_owned(),
            width: 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_format_knows_its_widest_day() {
        assert_eq!(DayFormat::default(), DayFormat::new(DEFAULT_DATE_FORMAT));
        let cjk = DayFormat::new("%Y年%m月%d日");
        assert_eq!(cjk.format("2019-12-06"), "2019年12月06日");
        assert_eq!(cjk.width(), 14);
        // Month names vary: the widest one counts ("September").
        let long = DayFormat::new("%-d %B %Y");
        assert_eq!(long.format("2019-05-06"), "6 May 2019");
        assert_eq!(long.width(), "30 September 2000".len());
        assert_eq!(long.format("not a day"), "not a day");
    }

    #[test]
    fn a_day_format_writes_no_control_characters() {
        let format = DayFormat::new("\u{1b}[2J%Y");
        assert_eq!(format.format("2019-12-06"), "[2J2019");
    }
}
