//! Images: `[image: alt][n]` placeholders linked to the image's URL, and a picture drawn at
//! its place when it stands alone in its paragraph and the library has it.

use crate::render::links::register_link;
use crate::render::pictures::{PictureBlock, fit_picture};
use crate::render::sanitize::clean;

use super::{PlacedImage, Walker};

impl Walker<'_> {
    /// `[image: alt][n]`, with the URL in the link list.
    pub(super) fn push_image(&mut self, url: &str, alt: &str, at: usize) {
        let index = register_link(&mut self.out.rendered.links, url, true);
        let alt = clean(alt.trim());
        let link = &mut self.out.rendered.links[index];
        if link.text.is_empty() {
            link.text.clone_from(&alt);
        }
        let label = if alt.is_empty() {
            "[image]".to_string()
        } else {
            format!("[image: {alt}]")
        };
        let mut placed = PlacedImage {
            url: url.to_string(),
            alt,
            source: at,
            link: index,
            placeholder: String::new(),
        };
        placed.placeholder = self.push_placeholder(&label, &placed);
        self.last_image = Some(placed);
    }

    /// Pushes `label` and the picture's number, as a link to it; returns the text pushed.
    pub(super) fn push_placeholder(&mut self, label: &str, placed: &PlacedImage) -> String {
        let number = self.out.rendered.links[placed.link].number;
        let outer_link = self.inline.link;
        self.inline.link = Some(placed.link);
        self.inline
            .push_with(label, self.theme.image, placed.source);
        self.inline.link = outer_link;
        let marker = format!("[{number}]");
        self.inline
            .push_with(&marker, self.theme.link_number, placed.source);
        format!("{label}{marker}")
    }

    /// Whether the paragraph collected so far is `placed` and nothing else, outside lists
    /// and quotes (where a picture would have to be indented).
    pub(super) fn stands_alone(&self, placed: &PlacedImage) -> bool {
        self.lists.is_empty()
            && self.quote_depth == 0
            && self.heading.is_none()
            && self.inline.text.text.trim() == placed.placeholder
    }

    /// Reserves the rows of a picture drawn at its place: blank lines at its source offset.
    pub(super) fn emit_picture(&mut self, placed: &PlacedImage, width: u32, height: u32) {
        let Some(layout) = self.pictures else {
            return;
        };
        let (columns, rows) = fit_picture(
            width,
            height,
            layout.cell,
            self.out.content_width(),
            layout.max_rows,
        );
        self.out.settle_blank();
        let line = self.out.rendered.lines.len();
        for _ in 0..rows {
            self.out.emit_spans(Vec::new(), placed.source);
        }
        self.out.rendered.pictures.push(PictureBlock {
            line,
            rows,
            columns,
            url: placed.url.clone(),
            link: placed.link,
        });
    }
}
