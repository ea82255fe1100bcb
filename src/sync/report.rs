//! What syncing one source did ([`SyncReport`]), and how it reads on one line.

use std::time::Duration;

use crate::library::ImportReport;
use crate::post::LoadWarning;

/// What syncing one source did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub source: String,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Bytes received over the network.
    pub bytes: u64,
    pub elapsed: Duration,
    /// The server said nothing changed (HTTP 304).
    pub not_modified: bool,
    pub cancelled: bool,
    /// Files or items that could not be stored, each with the reason.
    pub failures: Vec<LoadWarning>,
    /// Stored, with something to say (front matter that did not parse, guessed encoding).
    pub warnings: Vec<LoadWarning>,
}

impl SyncReport {
    pub(super) fn new(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            ..Self::default()
        }
    }

    pub(super) fn add(&mut self, report: ImportReport) {
        self.added += report.added;
        self.updated += report.updated;
        self.removed += report.removed;
        self.unchanged += report.unchanged;
    }

    pub(super) fn fail(&mut self, location: &str, reason: String) {
        self.failed += 1;
        self.failures.push(LoadWarning {
            location: location.to_owned(),
            line: None,
            reason,
        });
    }

    /// The one-line summary: `NAME: 3 added, 1 updated, 0 removed, 187 unchanged, 0 failed,
    /// 42.1 KiB in 1.2 s`.
    pub fn summary_line(&self) -> String {
        let mut line = format!(
            "{}: {} added, {} updated, {} removed, {} unchanged, {} failed, {} in {:.1} s",
            crate::text::sanitize_line(&self.source),
            self.added,
            self.updated,
            self.removed,
            self.unchanged,
            self.failed,
            human_bytes(self.bytes),
            self.elapsed.as_secs_f64()
        );
        if self.not_modified {
            line.push_str(" (not modified)");
        }
        if self.cancelled {
            line.push_str(" (cancelled; run sync again to finish)");
        }
        line
    }

    /// Short status kept with the source, shown by `sources`.
    pub fn status(&self) -> String {
        if self.cancelled {
            "cancelled".to_owned()
        } else if self.failed > 0 {
            format!("partial: {} failed", self.failed)
        } else if self.not_modified {
            "ok (not modified)".to_owned()
        } else {
            "ok".to_owned()
        }
    }
}

/// `1.5 KiB`, `3.2 MiB`, `12 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_has_every_count() {
        let report = SyncReport {
            source: "blog".into(),
            added: 3,
            updated: 1,
            unchanged: 187,
            bytes: 43_110,
            elapsed: Duration::from_millis(1234),
            ..SyncReport::default()
        };
        assert_eq!(
            report.summary_line(),
            "blog: 3 added, 1 updated, 0 removed, 187 unchanged, 0 failed, 42.1 KiB in 1.2 s"
        );
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(5 << 20), "5.0 MiB");
    }
}
