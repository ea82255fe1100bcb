//! Text entry and popups: the `/` search line, help, the outline and the links list.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

impl App {
    pub(super) fn on_search_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(input) = self.search_input.as_mut() else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Enter if self.items.is_some() => {
                // The search is the items view's; the post list keeps its own.
                let text = input.text.trim().to_string();
                self.search = input.previous.clone();
                self.search_input = None;
                return self.search_items((!text.is_empty()).then_some(text));
            }
            KeyCode::Enter => {
                let text = input.text.trim().to_string();
                self.search = (!text.is_empty()).then_some(text);
                self.search_input = None;
                if self.focus == Focus::Tags {
                    self.focus = Focus::Posts;
                }
                self.refresh_matches();
                self.keep_lists_in_view();
                return Vec::new();
            }
            KeyCode::Esc => {
                let previous = input.previous.clone();
                self.search_input = None;
                self.search = previous;
                self.refresh_matches();
                return self.reload_list();
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.search_input = None;
                return self.update(Action::Quit);
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.text.clear();
            }
            KeyCode::Backspace => {
                input.text.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.text.push(c);
            }
            _ => return Vec::new(),
        }
        // The list of a search is in its ranking: the best match first, selected.
        self.top_on_load = true;
        self.reload_list()
    }

    pub(super) fn refresh_matches(&mut self) {
        let query = self.active_search().map(str::to_string);
        if let Some(reader) = &mut self.reader {
            reader.current_match = None;
            reader.matches = match (&query, &reader.page) {
                (Some(q), Some(page)) => page.find_terms(q),
                _ => Vec::new(),
            };
        }
    }

    pub(super) fn open_popup_for_page(&mut self, popup: Popup) -> Vec<Effect> {
        let Some(page) = self.reader.as_ref().and_then(|r| r.page.as_ref()) else {
            self.note("open a post first");
            return Vec::new();
        };
        let empty = match popup {
            Popup::Outline { .. } => page.rendered.headings.is_empty(),
            Popup::Links { .. } => page.rendered.links.is_empty(),
            Popup::Help { .. } | Popup::SyncResults { .. } => false,
        };
        if empty {
            self.note(match popup {
                Popup::Outline { .. } => "this post has no headings",
                _ => "this post has no links",
            });
            return Vec::new();
        }
        self.popup = Some(popup);
        Vec::new()
    }

    pub(super) fn on_popup_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(mut popup) = self.popup.take() else {
            return Vec::new();
        };
        let rows = match &popup {
            Popup::Help { .. } => self.keymap.help_rows().len(),
            Popup::SyncResults { .. } => self.sync_results.len(),
            Popup::Outline { .. } => self.page_items(|p| p.rendered.headings.len()),
            Popup::Links { .. } => self.page_items(|p| p.rendered.links.len()),
        };
        let close = matches!(
            key.code,
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?')
        ) || (key.code == KeyCode::Char('c')
            && key.modifiers.contains(KeyModifiers::CONTROL));
        if close {
            return Vec::new();
        }
        let delta: isize = match key.code {
            KeyCode::Char('j') | KeyCode::Down => 1,
            KeyCode::Char('k') | KeyCode::Up => -1,
            KeyCode::PageDown | KeyCode::Char(' ') => 10,
            KeyCode::PageUp => -10,
            KeyCode::Char('g') | KeyCode::Home => isize::MIN / 2,
            KeyCode::Char('G') | KeyCode::End => isize::MAX / 2,
            _ => 0,
        };
        let mut effects = Vec::new();
        match &mut popup {
            Popup::Help { scroll } | Popup::SyncResults { scroll } => {
                *scroll = step(*scroll, delta, rows)
            }
            Popup::Outline { cursor } => {
                *cursor = step(*cursor, delta, rows);
                if key.code == KeyCode::Enter {
                    self.jump_to_heading(*cursor);
                    return effects;
                }
            }
            Popup::Links { cursor, typed } => {
                *cursor = step(*cursor, delta, rows);
                if let KeyCode::Char(d) = key.code
                    && d.is_ascii_digit()
                {
                    typed.push(d);
                    let number: usize = typed.parse().unwrap_or(0);
                    if (1..=rows).contains(&number) {
                        *cursor = number - 1;
                    }
                    // Open at once when no longer number could start with what was typed.
                    if number >= 1 && number <= rows && number * 10 > rows {
                        return self.open_link(number - 1);
                    }
                    if number * 10 > rows {
                        typed.clear();
                    }
                }
                match key.code {
                    KeyCode::Enter => return self.open_link(*cursor),
                    KeyCode::Char('y') => {
                        let cursor = *cursor;
                        if let Some(link) = self.link(cursor) {
                            self.note(format!("copied {}", link.url));
                            effects.push(Effect::Copy(link.url));
                        }
                        return effects;
                    }
                    _ => {}
                }
            }
        }
        self.popup = Some(popup);
        effects
    }

    pub(super) fn page_items(&self, count: impl Fn(&Page) -> usize) -> usize {
        self.reader
            .as_ref()
            .and_then(|r| r.page.as_deref())
            .map_or(0, count)
    }

    pub(super) fn link(&self, index: usize) -> Option<crate::render::LinkRef> {
        self.reader
            .as_ref()?
            .page
            .as_ref()?
            .rendered
            .links
            .get(index)
            .cloned()
    }

    pub(super) fn open_link(&mut self, index: usize) -> Vec<Effect> {
        let Some(link) = self.link(index) else {
            return Vec::new();
        };
        // A picture the cache holds opens from the cache: no network.
        let cached = self
            .reader
            .as_ref()
            .and_then(|r| r.page.as_ref())
            .filter(|_| link.is_image)
            .and_then(|page| super::pictures::cached_file(page, &link.url));
        match cached {
            Some(file) => {
                self.note(format!("opening the cached picture {}", file.display()));
                vec![Effect::OpenFile(file)]
            }
            None => self.open_url(&link.url),
        }
    }

    pub(super) fn jump_to_heading(&mut self, index: usize) {
        if let Some(reader) = &mut self.reader
            && let Some(page) = &reader.page
            && let Some(heading) = page.rendered.headings.get(index)
        {
            reader.scroll = page.header_len() + heading.line;
            self.focus = Focus::Reader;
        }
        self.clamp_scroll();
    }
}
