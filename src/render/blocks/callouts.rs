//! Callouts: GitHub alerts (`> [!NOTE]`) and the site generators' containers
//! ([`crate::render::container::find`]), drawn alike with a bar down the left and a label
//! on top.

use pulldown_cmark::BlockQuoteKind;

use crate::render::container::{Callout, CalloutKind};

use super::Walker;

impl Walker<'_> {
    /// Opens and closes the callouts of the container fences up to source byte `offset`.
    pub(super) fn fences_before(&mut self, offset: usize) {
        while let Some(fence) = self.fences.get(self.next_fence)
            && fence.offset <= offset
        {
            self.next_fence += 1;
            match fence.opens.clone() {
                Some(callout) => self.open_callout(&callout, fence.offset),
                None => self.close_callout(),
            }
        }
    }

    /// A callout: a coloured bar down its left side, its label on the first line, then its
    /// content, which renders as any markdown does.
    pub(super) fn open_callout(&mut self, callout: &Callout, at: usize) {
        self.flush();
        self.out.settle_blank();
        let style = if callout.kind.is_warning() {
            self.theme.callout_warning
        } else {
            self.theme.callout
        };
        self.out.open("┃ ", Some("┃ "), style);
        self.callouts += 1;
        self.inline.reset(self.base_style());
        self.inline.push_with(&callout.label, style, at);
        self.flush();
    }

    pub(super) fn close_callout(&mut self) {
        if self.callouts == 0 {
            return;
        }
        self.flush();
        self.out.close();
        self.callouts -= 1;
        self.inline.reset(self.base_style());
        self.out.blank_before_next();
    }
}

/// GitHub's alerts (`> [!NOTE]`) are callouts like the site generators' containers.
pub(super) fn alert_kind(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{plain, plain_rendered};

    #[test]
    fn zenn_message_alert_is_a_labelled_callout_not_text() {
        let lines = plain(
            "前\n\n:::message alert\n**注意**: `rm -rf` は危険です\n\n- 一\n- 二\n:::\n\n後\n",
            40,
        );
        assert_eq!(
            lines,
            [
                "前",
                "",
                "┃ Warning",
                "┃ 注意: rm -rf は危険です",
                "┃ ",
                "┃ • 一",
                "┃ • 二",
                "",
                "後"
            ]
            .map(|line| line.trim_end().to_string())
        );
    }

    #[test]
    fn containers_and_github_alerts_draw_alike() {
        let alert = plain("> [!TIP]\n> Use `cargo fmt`.\n", 40);
        let container = plain("::: tip\nUse `cargo fmt`.\n:::\n", 40);
        assert_eq!(alert, ["┃ Tip", "┃ Use cargo fmt."]);
        assert_eq!(container, alert);
        let details = plain(":::details 設定ファイル\n```yaml\na: 1\n```\n:::\n", 40);
        assert_eq!(details[0], "┃ ▸ 設定ファイル");
        assert!(details[1].starts_with("┃ ╭─ yaml"), "{details:?}");
    }

    #[test]
    fn callout_lines_keep_their_source_offsets_and_width() {
        let markdown = ":::note\nA long line of text inside a note that must wrap.\n:::\n";
        let rendered = plain_rendered(markdown, 20);
        assert!(
            rendered
                .plain_lines()
                .iter()
                .all(|line| line.chars().count() <= 20)
        );
        let text_line = rendered
            .plain_lines()
            .iter()
            .position(|line| line.contains("A long"))
            .unwrap();
        assert_eq!(
            rendered.line_offsets[text_line],
            markdown.find("A long").unwrap()
        );
    }
}
