//! The date formats posts are written with, and dates found in file and folder names.
//!
//! Front matter writes dates in many shapes (`2019-12-06T15:00:00+08:00`, `2019-12-06`,
//! `2019-12-06 15:00`, Jekyll's `2019-12-06 15:00:00 +0800`, feeds' RFC 2822); archives
//! without front matter often name files or folders after the day (`2019-12-06-notes.md`,
//! `20191206.md`, `sofa-weekly-20190823/index.md`). Used by the front-matter reader and by
//! [`super::parse_post`] for posts that carry no date.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::post::PostDate;

/// Years a date found in a file name may have: outside this range a run of eight digits is
/// much more likely an id (`12345678.md`) than a day.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Times without a zone, `T` or space between day and time, seconds and fractions optional.
const NAIVE_DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// Times with a numeric zone that is not RFC 3339 (Jekyll writes `2019-12-06 15:00:00 +0800`).
const ZONED_DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%:z",
    "%Y-%m-%dT%H:%M%z",
];

/// Reads a date as front matter or a feed writes it. Dates and times without a zone are taken
/// as UTC, so every post sorts on one clock. Returns `None` for anything else.
///
/// ```
/// use sofa_weekly::loader::dates::parse_date;
/// let date = parse_date("2019-12-06T15:00:00+08:00").unwrap();
/// assert_eq!(date.day_string(), "2019-12-06");
/// assert_eq!(parse_date("2019-12-06 15:00").unwrap().day_string(), "2019-12-06");
/// assert!(parse_date("2019-02-30").is_none());
/// ```
pub fn parse_date(text: &str) -> Option<PostDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(PostDate::new(instant));
    }
    for format in ZONED_DATETIME_FORMATS {
        if let Ok(instant) = DateTime::parse_from_str(text, format) {
            return Some(PostDate::new(instant));
        }
    }
    for format in NAIVE_DATETIME_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(PostDate::new(naive.and_utc().fixed_offset()));
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(day) = NaiveDate::parse_from_str(text, format) {
            return Some(PostDate::from_day(day));
        }
    }
    if let Ok(instant) = DateTime::parse_from_rfc2822(text) {
        return Some(PostDate::new(instant));
    }
    None
}

/// The day a file or folder name holds, looking at the file's own name first and then at its
/// folders, nearest first: `2019/2019-12-06-notes.md`, `20191206.md`,
/// `sofa-weekly-20190823/index.md`. Only real days count (`20190230` is not one).
///
/// ```
/// use sofa_weekly::loader::dates::date_from_path;
/// assert_eq!(date_from_path("sofa-weekly-20190823/index.md").unwrap().day_string(), "2019-08-23");
/// assert!(date_from_path("sofa-weekly-0327/index.md").is_none());
/// ```
pub fn date_from_path(rel_path: &str) -> Option<PostDate> {
    rel_path
        .rsplit('/')
        .find_map(day_in_name)
        .map(PostDate::from_day)
}

/// The first day written in one path component as `YYYY-MM-DD` (also with `_` or `.`) or as
/// eight digits `YYYYMMDD`. Digit runs are taken whole: `120191206` holds no date.
fn day_in_name(name: &str) -> Option<NaiveDate> {
    let runs = digit_runs(name);
    for (i, &(start, end)) in runs.iter().enumerate() {
        let run = &name[start..end];
        if run.len() == 8 {
            if let Some(day) = checked_day(&run[..4], &run[4..6], &run[6..]) {
                return Some(day);
            }
        } else if run.len() == 4
            && let (Some(&(m_start, m_end)), Some(&(d_start, d_end))) =
                (runs.get(i + 1), runs.get(i + 2))
            && is_date_separator(&name[end..m_start])
            && is_date_separator(&name[m_end..d_start])
            && let Some(day) = checked_day(run, &name[m_start..m_end], &name[d_start..d_end])
        {
            return Some(day);
        }
    }
    None
}

/// Byte ranges of the maximal runs of ASCII digits in `name`.
fn digit_runs(name: &str) -> Vec<(usize, usize)> {
    let bytes = name.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    runs
}

fn is_date_separator(between: &str) -> bool {
    matches!(between, "-" | "_" | ".")
}

fn checked_day(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    if month.len() != 2 || day.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    if !PLAUSIBLE_YEARS.contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<String> {
        parse_date(text).map(|d| d.day_string())
    }

    /// The instant read from `text`, in RFC 3339 with the offset it was written with.
    fn instant(text: &str) -> Option<String> {
        parse_date(text).map(|d| d.instant.to_rfc3339())
    }

    #[test]
    fn rfc3339_keeps_the_offset() {
        let date = parse_date("2019-12-06T15:00:00+08:00").unwrap();
        assert_eq!(date.instant.offset().local_minus_utc(), 8 * 3600);
        assert_eq!(date.timestamp(), 1_575_615_600);
    }

    #[test]
    fn every_form_gives_the_local_day() {
        for text in [
            // RFC 3339: late evening in Shanghai is still the same calendar day for the
            // reader.
            "2019-12-06T23:30:00+08:00",
            "2019-12-06T15:00:00Z",
            "2019-12-06 15:00:00+08:00",
            "2019-12-06T15:00:00.123+08:00",
            // Without seconds.
            "2019-12-06T15:00+08:00",
            // A plain day, written with slashes, with spaces around.
            " 2019/12/06 ",
        ] {
            assert_eq!(day(text).as_deref(), Some("2019-12-06"), "{text}");
        }
    }

    #[test]
    fn plain_days_are_midnight_utc() {
        assert_eq!(
            instant("2019-12-06").as_deref(),
            Some("2019-12-06T00:00:00+00:00")
        );
    }

    #[test]
    fn times_without_zone_with_space_or_t_and_optional_seconds() {
        for text in [
            "2019-12-06 15:00",
            "2019-12-06 15:00:59",
            "2019-12-06T15:00",
            "2019-12-06T15:00:59",
            "2019-12-06T15:00:59.5",
        ] {
            let date = parse_date(text).unwrap_or_else(|| panic!("{text} not read"));
            assert_eq!(date.day_string(), "2019-12-06", "{text}");
            assert_eq!(date.instant.offset().local_minus_utc(), 0, "{text}");
        }
        assert_eq!(
            instant("2019-12-06 15:00").as_deref(),
            Some("2019-12-06T15:00:00+00:00")
        );
    }

    #[test]
    fn jekyll_and_feed_forms() {
        let jekyll = parse_date("2019-12-06 15:00:00 +0800").unwrap();
        assert_eq!(jekyll.instant.to_rfc3339(), "2019-12-06T15:00:00+08:00");
        let rss = parse_date("Fri, 06 Dec 2019 15:00:00 +0800").unwrap();
        assert_eq!(rss, jekyll);
    }

    #[test]
    fn rejects_what_is_not_a_real_date() {
        for text in [
            "",
            "soon",
            "2019-02-30",
            "2019-13-01",
            "12/06/2019",
            "2019-12",
        ] {
            assert!(parse_date(text).is_none(), "{text:?} accepted");
        }
    }

    #[test]
    fn dates_in_file_and_folder_names() {
        for (path, expected) in [
            ("2019-12-06.md", "2019-12-06"),
            ("20191206.md", "2019-12-06"),
            ("posts/2019-12-06-weekly.md", "2019-12-06"),
            ("2019_12_06_weekly.md", "2019-12-06"),
            ("2019-12-06/index.md", "2019-12-06"),
            ("sofa-weekly-20190823/index.md", "2019-08-23"),
            // The file's own name wins over its folder's.
            ("2018-01-01/2019-12-06.md", "2019-12-06"),
            ("2018-01-01/notes.md", "2018-01-01"),
        ] {
            let found = date_from_path(path).map(|d| d.day_string());
            assert_eq!(found.as_deref(), Some(expected), "{path}");
        }
    }

    #[test]
    fn names_that_only_look_like_dates() {
        for path in [
            "sofa-weekly-0327/index.md",
            "20190230.md",
            "12345678.md",
            "120191206.md",
            "issue-2019.md",
            "2019-1-6.md",
            "v2019-12-6.md",
        ] {
            assert!(date_from_path(path).is_none(), "{path} gave a date");
        }
    }
}
