//! The items view (`I`): the two left panes show sections (questions and releases among
//! them) and the items of the chosen one instead of tags and posts. Enter opens an item's
//! post at the item, marked; `J`/`K` in the reader go to the next and previous item of the
//! same list; `/` searches items; the pinned tags filter them.

use super::*;
use crate::app::store::{ItemsQuery, SectionEntry};
use crate::library::ItemRow;

/// State of the items view while it replaces tags and posts.
#[derive(Debug, Clone, Default)]
pub struct ItemsView {
    pub sections: Vec<SectionEntry>,
    pub section_cursor: usize,
    pub section_offset: usize,
    pub rows: Vec<ItemRow>,
    pub rows_loaded: bool,
    pub row_cursor: usize,
    pub row_offset: usize,
    /// The kept item search: the rows are every item matching it, whatever the section.
    pub search: Option<String>,
    pub(super) ticket: Ticket,
    /// The reader was opened from these rows: `J`/`K` step through them.
    pub reading: bool,
}

impl ItemsView {
    pub fn selected_section(&self) -> Option<&SectionEntry> {
        self.sections.get(self.section_cursor)
    }

    pub fn selected_row(&self) -> Option<&ItemRow> {
        self.rows.get(self.row_cursor)
    }
}

impl App {
    /// `I`: into the items view (asking for its sections), or back to tags and posts.
    pub(super) fn toggle_items(&mut self) -> Vec<Effect> {
        if self.items.take().is_some() {
            self.keep_lists_in_view();
            return Vec::new();
        }
        self.items = Some(ItemsView::default());
        if self.focus == Focus::Reader {
            self.focus = Focus::Tags;
        }
        vec![Effect::LoadSections {
            tags: self.filter_tags(),
        }]
    }

    /// The query for the rows: the search when one is kept, else the chosen section.
    fn items_query(&self) -> Option<ItemsQuery> {
        let view = self.items.as_ref()?;
        if let Some(search) = &view.search {
            return Some(ItemsQuery {
                tags: self.filter_tags(),
                search: Some(search.clone()),
                ..ItemsQuery::default()
            });
        }
        Some(view.selected_section()?.query(self.filter_tags()))
    }

    pub(super) fn reload_items(&mut self) -> Vec<Effect> {
        let ticket = self.ticket();
        let Some(query) = self.items_query() else {
            return Vec::new();
        };
        let view = self.items.as_mut().expect("items view");
        view.ticket = ticket;
        vec![Effect::LoadItems { ticket, query }]
    }

    /// The tag filter changed: sections and rows follow.
    pub(super) fn reload_items_view(&mut self) -> Vec<Effect> {
        if self.items.is_none() {
            return Vec::new();
        }
        let mut effects = vec![Effect::LoadSections {
            tags: self.filter_tags(),
        }];
        effects.extend(self.reload_items());
        effects
    }

    /// Up/down in the sections or items pane; `None` when the items view is not shown.
    pub(super) fn move_in_items(&mut self, pane: Focus, delta: isize) -> Option<Vec<Effect>> {
        let height = self.list_height(pane).max(1);
        let view = self.items.as_mut()?;
        match pane {
            Focus::Tags => {
                let target = step(view.section_cursor, delta, view.sections.len());
                if target == view.section_cursor {
                    return Some(Vec::new());
                }
                view.section_cursor = target;
                view.search = None;
                view.section_offset = layout::list_offset(view.section_offset, target, height);
                Some(self.reload_items())
            }
            Focus::Posts => {
                view.row_cursor = step(view.row_cursor, delta, view.rows.len());
                view.row_offset = layout::list_offset(view.row_offset, view.row_cursor, height);
                Some(Vec::new())
            }
            Focus::Reader => None,
        }
    }

    /// Enter in the items view: from a section to its items, from an item to its post.
    pub(super) fn open_in_items(&mut self) -> Option<Vec<Effect>> {
        let view = self.items.as_mut()?;
        match self.focus {
            Focus::Tags => {
                self.focus = Focus::Posts;
                Some(Vec::new())
            }
            Focus::Posts => {
                let row = view.selected_row()?.clone();
                Some(self.open_item(row))
            }
            Focus::Reader => None,
        }
    }

    /// Opens `row`'s post scrolled to the item, which is marked when the page arrives.
    fn open_item(&mut self, row: ItemRow) -> Vec<Effect> {
        if let Some(view) = self.items.as_mut() {
            view.reading = true;
        }
        let summary = PostSummary {
            id: row.post_id,
            title: row.post_title.clone(),
            date: row.date.clone(),
            source: row.source.clone(),
            tags: Vec::new(),
            path: String::new(),
            read: false,
            starred: false,
        };
        let effects = self.open_post(summary);
        if let Some(reader) = self.reader.as_mut() {
            reader.mark = Some(mark_text(&row.title));
            match reader.page.clone() {
                // Already open, or already rendered (the cache, a preview): move to the
                // item now.
                Some(page) => {
                    reader.scroll = page.scroll_for(row.place);
                    mark_item(reader, &page);
                    self.clamp_scroll();
                }
                _ => reader.pending_anchor = Some(row.place),
            }
        }
        effects
    }

    /// `J`/`K` after opening an item: the next or previous item of the same list.
    pub(super) fn step_item(&mut self, delta: isize) -> Option<Vec<Effect>> {
        let view = self.items.as_mut().filter(|v| v.reading)?;
        let target = step(view.row_cursor, delta, view.rows.len());
        if target == view.row_cursor {
            self.note(if delta > 0 { "last item" } else { "first item" });
            return Some(Vec::new());
        }
        view.row_cursor = target;
        let row = view.rows[target].clone();
        Some(self.open_item(row))
    }

    /// `/` submitted in the items view: the rows are the items matching it.
    pub(super) fn search_items(&mut self, text: Option<String>) -> Vec<Effect> {
        let Some(view) = self.items.as_mut() else {
            return Vec::new();
        };
        view.search = text;
        view.row_cursor = 0;
        view.row_offset = 0;
        self.focus = Focus::Posts;
        self.reload_items()
    }

    pub(super) fn on_sections(&mut self, sections: Vec<SectionEntry>) -> Vec<Effect> {
        let Some(view) = self.items.as_mut() else {
            return Vec::new();
        };
        let kept = view.selected_section().map(|s| (s.key.clone(), s.kind));
        view.sections = sections;
        view.section_cursor = kept
            .and_then(|kept| {
                view.sections
                    .iter()
                    .position(|s| (s.key.clone(), s.kind) == kept)
            })
            .unwrap_or(0);
        self.reload_items()
    }

    pub(super) fn on_items(&mut self, ticket: Ticket, rows: Vec<ItemRow>) {
        let Some(view) = self.items.as_mut().filter(|v| v.ticket == ticket) else {
            return;
        };
        view.rows = rows;
        view.rows_loaded = true;
        view.row_cursor = view.row_cursor.min(view.rows.len().saturating_sub(1));
        view.row_offset = 0;
    }
}

/// What of an item's title is looked for in the rendered post to mark it: its first line,
/// short enough not to be cut by a wrap more often than needed.
fn mark_text(title: &str) -> String {
    let line = title.lines().next().unwrap_or("").trim();
    line.chars().take(16).collect::<String>().trim().to_string()
}

/// Marks the item in `page`: the first place its title shows at or after the scroll
/// position becomes the current match (drawn highlighted).
pub(super) fn mark_item(reader: &mut Reader, page: &Page) {
    let Some(mark) = reader.mark.as_deref().filter(|m| !m.is_empty()) else {
        return;
    };
    let body_line = reader.scroll.saturating_sub(page.header_len());
    let found = page.rendered.find(mark);
    let Some(at) = found
        .iter()
        .position(|m| m.line + 1 >= body_line)
        .or((!found.is_empty()).then_some(0))
    else {
        return;
    };
    reader.scroll = (page.header_len() + found[at].line).saturating_sub(1);
    reader.matches = found;
    reader.current_match = Some(at);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::testing::{Harness, open_items_view, press};

    fn opened(h: &Harness) -> (PostId, usize, Option<usize>) {
        let reader = h.app.reader.as_ref().expect("a post is open");
        (reader.summary.id, reader.scroll, reader.current_match)
    }

    #[test]
    fn i_switches_the_left_panes_to_sections_and_items_and_back() {
        let mut h = Harness::new(100, 30);
        open_items_view(&mut h);
        let view = h.app.items.as_ref().unwrap();
        assert_eq!(view.sections.len(), 2);
        assert_eq!(view.rows.len(), 3);
        press(&mut h, "h");
        assert_eq!(h.app.focus, Focus::Tags);
        // Down to the questions: their items are asked for by kind.
        let effects = h.app.update(Action::Down);
        let [Effect::LoadItems { query, .. }] = &effects[..] else {
            panic!("{effects:?}");
        };
        assert_eq!(
            (query.kind, query.section_key.clone()),
            (Some("question"), None)
        );
        press(&mut h, "I");
        assert!(h.app.items.is_none(), "back to tags and posts");
    }

    #[test]
    fn enter_opens_the_post_at_the_item_marked_and_j_k_follow_the_list() {
        let mut h = Harness::new(100, 30);
        open_items_view(&mut h);
        press(&mut h, "<Enter>");
        let (id, scroll, marked) = opened(&h);
        assert_eq!(id, 3);
        assert!(
            scroll > 20,
            "scrolled down to paragraph 40, not the top: {scroll}"
        );
        let reader = h.app.reader.as_ref().unwrap();
        let page = reader.page.as_ref().unwrap();
        let line = reader.matches[marked.expect("the item is marked")].line;
        let text: String = page.rendered.lines[line]
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert!(text.contains("第 40 段"), "{text}");
        press(&mut h, "J");
        assert_eq!(opened(&h).0, 1, "the next item is in another post");
        assert_eq!(h.app.items.as_ref().unwrap().row_cursor, 1);
        press(&mut h, "J");
        let (id, scroll_10, _) = opened(&h);
        assert_eq!(id, 3);
        assert!(scroll_10 < scroll, "paragraph 10 is above paragraph 40");
        press(&mut h, "J");
        assert_eq!(h.app.items.as_ref().unwrap().row_cursor, 2, "the last item");
        press(&mut h, "KK");
        assert_eq!(opened(&h).0, 3);
        assert_eq!(h.app.items.as_ref().unwrap().row_cursor, 0);
        // Back to the items, then the sections.
        press(&mut h, "hh");
        assert_eq!(h.app.focus, Focus::Tags);
    }

    #[test]
    fn slash_searches_items_and_esc_clears_it() {
        let mut h = Harness::new(100, 30);
        open_items_view(&mut h);
        press(&mut h, "/");
        for c in "分片".chars() {
            h.app.on_key(ratatui::crossterm::event::KeyEvent::from(
                ratatui::crossterm::event::KeyCode::Char(c),
            ));
        }
        let effects = h.app.on_key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Enter,
        ));
        let [Effect::LoadItems { query, .. }] = &effects[..] else {
            panic!("{effects:?}");
        };
        assert_eq!(query.search.as_deref(), Some("分片"));
        assert_eq!(query.section_key, None, "every section");
        assert_eq!(h.app.search, None, "the post list keeps its own search");
        assert_eq!(h.app.focus, Focus::Posts);
        let effects = h.app.update(Action::Back);
        assert!(h.app.items.as_ref().unwrap().search.is_none());
        let [Effect::LoadItems { query, .. }] = &effects[..] else {
            panic!("{effects:?}");
        };
        assert_eq!(query.section_key.as_deref(), Some("本周推荐"));
    }

    #[test]
    fn the_tag_filter_applies_to_sections_and_items() {
        let mut h = Harness::new(100, 30);
        open_items_view(&mut h);
        let effects = h.app.update(Action::TagNext);
        let sections = effects.iter().find_map(|e| match e {
            Effect::LoadSections { tags } => Some(tags.clone()),
            _ => None,
        });
        assert_eq!(sections, Some(vec!["SOFA Weekly".to_string()]));
        // Space in the sections pane picks no hidden tag; `t` brings the tags back.
        press(&mut h, "h<Space>");
        assert_eq!(h.app.pinned_tags, Vec::<String>::new());
        press(&mut h, "t");
        assert!(h.app.items.is_none());
        assert!(effects.iter().any(|e| matches!(e,
            Effect::LoadItems { query, .. } if query.tags == ["SOFA Weekly"])));
    }
}
