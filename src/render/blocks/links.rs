//! Links and HTML inside markdown: a link's text and its number, inline tags and HTML blocks
//! through [`html::tag_meaning`] and [`html::parse_block`], and `<a href>` as a link that
//! shares the numbering with markdown links.

use crate::render::html::{self, HtmlPiece};
use crate::render::links::register_link;
use crate::render::sanitize::clean;

use super::Walker;

impl Walker<'_> {
    /// A link's text follows (a markdown link, or HTML's `<a href>`), until [`Self::end_link`].
    pub(super) fn start_link(&mut self, url: &str) {
        let index = register_link(&mut self.out.rendered.links, url, false);
        self.inline.link = Some(index);
        self.inline.link_text.clear();
        self.inline.push_style(self.theme.link);
    }

    /// The link's number after its text.
    pub(super) fn end_link(&mut self, at: usize) {
        self.inline.pop_style();
        if let Some(index) = self.inline.link.take() {
            let link = &mut self.out.rendered.links[index];
            if link.text.is_empty() {
                link.text = clean(&self.inline.link_text);
            }
            let marker = format!("[{}]", link.number);
            self.inline.push_with(&marker, self.theme.link_number, at);
        }
    }

    /// `<a href>` opens a link unless one is open already (HTML does not nest links);
    /// `</a>` closes only a link that HTML opened, not a markdown link around it.
    fn html_link(&mut self, piece: HtmlPiece, at: usize) {
        match piece {
            HtmlPiece::LinkStart { href } if self.inline.link.is_none() => {
                self.start_link(&href);
                self.html_link_open = true;
            }
            HtmlPiece::LinkEnd if std::mem::take(&mut self.html_link_open) => self.end_link(at),
            _ => {}
        }
    }

    pub(super) fn inline_html(&mut self, tag: &str, at: usize) {
        match html::tag_meaning(tag) {
            Some(HtmlPiece::LineBreak) => self.inline.hard_break(at),
            Some(HtmlPiece::Image { src, alt }) => self.push_image(&src, &alt, at),
            Some(HtmlPiece::Text(text)) => self.inline.push_text(&text, at),
            Some(piece @ (HtmlPiece::LinkStart { .. } | HtmlPiece::LinkEnd)) => {
                self.html_link(piece, at);
            }
            Some(HtmlPiece::ParagraphBreak) | None => {}
        }
    }

    pub(super) fn html_pieces(&mut self, pieces: Vec<HtmlPiece>, at: usize) {
        for piece in pieces {
            match piece {
                HtmlPiece::Text(text) => self.inline.push_text(&text, at),
                HtmlPiece::LineBreak => self.inline.hard_break(at),
                HtmlPiece::ParagraphBreak => {
                    if !self.inline.text.is_empty() {
                        self.flush();
                        self.out.blank_before_next();
                    }
                }
                HtmlPiece::Image { src, alt } => self.push_image(&src, &alt, at),
                piece @ (HtmlPiece::LinkStart { .. } | HtmlPiece::LinkEnd) => {
                    self.html_link(piece, at);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{plain, plain_rendered};

    /// Inline or in a block, an `<a href>` is a numbered link; an anchor without `href`
    /// is only its text.
    #[test]
    fn html_anchors_are_numbered_links() {
        for (html, lines, url, text) in [
            (
                "见 <a href=\"https://www.ruanyifeng.com/\">阮一峰</a>的周刊。",
                ["见 阮一峰[1]的周刊。"],
                "https://www.ruanyifeng.com/",
                "阮一峰",
            ),
            (
                "<p>See <a href='https://a.io/'>a</a> and <a name=x>b</a></p>\n",
                ["See a[1] and b"],
                "https://a.io/",
                "a",
            ),
        ] {
            let rendered = plain_rendered(html, 40);
            assert_eq!(rendered.plain_lines(), lines, "{html}");
            assert_eq!(rendered.links.len(), 1, "{html}");
            assert_eq!(rendered.links[0].url, url);
            assert_eq!(rendered.links[0].text, text);
            assert!(!rendered.links[0].is_image);
            assert!(!rendered.link_spans.is_empty(), "the text is the link's");
        }
    }

    #[test]
    fn a_line_after_br_has_no_leading_space() {
        assert_eq!(
            plain("one<br> two<br/>\nthree", 40),
            ["one", "two", "three"]
        );
        assert_eq!(plain("一<br> 二", 40), ["一", "二"]);
    }
}
