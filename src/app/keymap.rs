//! The key bindings as data: one table of `(key, scope, action, help)` rows. The same table
//! turns a key press into an [`Action`] ([`Keymap::resolve`]), draws the `?` help screen and
//! picks the hints of the status line, so they can never disagree.
//!
//! Text entry (the `/` search line, the tag filter typed after `t`) and popups are handled by
//! the state directly: there every printable key is text, not a command.

mod config;

pub use config::{KEY_FORMS, KeyProblem};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The pane that has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    Tags,
    Posts,
    Reader,
}

/// What the user wants, independent of the key that asked for it. The names (see
/// [`Action::name`]) are the ones a configuration file can bind keys to, and each variant is
/// its name in CamelCase (`tag_next` is [`Action::TagNext`]), so one leads to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Down,
    Up,
    Top,
    Bottom,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    Open,
    Back,
    NextPane,
    PrevPane,
    ToggleTag,
    TagNext,
    TagPrev,
    /// Focus the tags pane and type to narrow it.
    Tags,
    ClearTags,
    NextPost,
    PrevPost,
    Search,
    NextMatch,
    PrevMatch,
    UnreadOnly,
    Star,
    ToggleRead,
    Outline,
    Links,
    OpenWeb,
    CopyLink,
    Sync,
    /// Show how each source of the last sync went.
    SyncResults,
    /// Stop and give the terminal back to the shell (`fg` resumes).
    Suspend,
    /// Switch the two left panes between tags/posts and sections/items.
    Items,
    Help,
    Quit,
}

impl Action {
    /// A stable name for the action, as used in help and in a config file.
    pub fn name(self) -> &'static str {
        match self {
            Action::Down => "down",
            Action::Up => "up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Open => "open",
            Action::Back => "back",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::ToggleTag => "toggle_tag",
            Action::TagNext => "tag_next",
            Action::TagPrev => "tag_prev",
            Action::Tags => "tags",
            Action::ClearTags => "clear_tags",
            Action::NextPost => "next_post",
            Action::PrevPost => "prev_post",
            Action::Search => "search",
            Action::NextMatch => "next_match",
            Action::PrevMatch => "prev_match",
            Action::UnreadOnly => "unread_only",
            Action::Star => "star",
            Action::ToggleRead => "toggle_read",
            Action::Outline => "outline",
            Action::Links => "links",
            Action::OpenWeb => "open_web",
            Action::CopyLink => "copy_link",
            Action::Sync => "sync",
            Action::SyncResults => "sync_results",
            Action::Suspend => "suspend",
            Action::Items => "items",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every pane.
    Any,
    /// The tags and posts lists.
    Lists,
    Only(Focus),
}

impl Scope {
    pub fn includes(self, focus: Focus) -> bool {
        match self {
            Scope::Any => true,
            Scope::Lists => focus != Focus::Reader,
            Scope::Only(only) => only == focus,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Any => "everywhere",
            Scope::Lists => "lists",
            Scope::Only(Focus::Tags) => "tags",
            Scope::Only(Focus::Posts) => "posts",
            Scope::Only(Focus::Reader) => "reader",
        }
    }
}

/// A key as the table spells it: the code plus the Control/Alt modifiers. Shift is part of
/// the character (`J`), so it is ignored for character keys; terminals disagree on sending it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    pub fn from_event(event: &KeyEvent) -> Key {
        Key {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// How the key is written in help: `j`, `Ctrl-d`, `PgDn`, `Space`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub key: Key,
    pub scope: Scope,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the status line when the scope has the focus.
    pub hint: bool,
}

/// The key table. Rows for a single pane come before rows for [`Scope::Any`], so a pane can
/// give a key its own meaning (Space pages in the reader, toggles a tag in the tags pane).
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::builtin()
    }
}

impl Keymap {
    /// The default bindings, after vim, less and newsboat.
    pub fn builtin() -> Keymap {
        use Action as A;
        use Focus::{Posts, Reader, Tags};
        use KeyCode as C;
        use Scope::{Any, Only};
        let k = Key::ch;
        let p = Key::plain;
        #[rustfmt::skip]
        let rows: &[(Key, Scope, Action, &str, bool)] = &[
            (k(' '), Only(Tags), A::ToggleTag, "add/remove the tag in the filter (all must match)", true),
            (p(C::Enter), Only(Tags), A::Open, "show the posts of the tag", false),
            (k('l'), Only(Tags), A::Open, "show the posts of the tag", false),
            (p(C::Enter), Only(Posts), A::Open, "open the post", true),
            (k('l'), Only(Posts), A::Open, "open the post", false),
            (p(C::Right), Only(Posts), A::Open, "open the post", false),
            (k(' '), Only(Reader), A::PageDown, "page down", true),
            (k('b'), Only(Reader), A::PageUp, "page up", false),
            (k('J'), Only(Reader), A::NextPost, "next post", true),
            (k('K'), Only(Reader), A::PrevPost, "previous post", false),
            (k('n'), Only(Reader), A::NextMatch, "next search match", false),
            (k('N'), Only(Reader), A::PrevMatch, "previous search match", false),
            (k('i'), Only(Reader), A::Outline, "outline: jump to a heading", false),
            (k('f'), Only(Reader), A::Links, "links: open one in the browser", true),
            (p(C::Esc), Any, A::Back, "back (reader → posts → tags)", true),
            (k('h'), Any, A::Back, "back (reader → posts → tags)", false),
            (p(C::Left), Any, A::Back, "back", false),
            (k('j'), Any, A::Down, "down", false),
            (p(C::Down), Any, A::Down, "down", false),
            (k('k'), Any, A::Up, "up", false),
            (p(C::Up), Any, A::Up, "up", false),
            (k('g'), Any, A::Top, "first", false),
            (p(C::Home), Any, A::Top, "first", false),
            (k('G'), Any, A::Bottom, "last", false),
            (p(C::End), Any, A::Bottom, "last", false),
            (Key::ctrl('d'), Any, A::HalfPageDown, "half a page down", false),
            (Key::ctrl('u'), Any, A::HalfPageUp, "half a page up", false),
            (p(C::PageDown), Any, A::PageDown, "a page down", false),
            (p(C::PageUp), Any, A::PageUp, "a page up", false),
            (p(C::Tab), Any, A::NextPane, "next pane", false),
            (p(C::BackTab), Any, A::PrevPane, "previous pane", false),
            (k(']'), Any, A::TagNext, "filter by the next tag", true),
            (k('['), Any, A::TagPrev, "filter by the previous tag", false),
            (k('t'), Any, A::Tags, "tags (type to narrow)", true),
            (k('T'), Any, A::ClearTags, "clear the filter: tags, search, unread only", false),
            (k('/'), Any, A::Search, "search titles and text", true),
            (k('I'), Any, A::Items, "items: sections and items instead of tags and posts", false),
            (k('u'), Any, A::UnreadOnly, "unread posts only", false),
            (k('s'), Any, A::Star, "star / unstar", false),
            (k('m'), Any, A::ToggleRead, "mark read / unread", false),
            (k('o'), Any, A::OpenWeb, "open the post's web page", false),
            (k('y'), Any, A::CopyLink, "copy the post's link", false),
            (k('r'), Any, A::Sync, "sync sources in the background", false),
            (k('R'), Any, A::SyncResults, "results of the last sync, source by source", false),
            (Key::ctrl('z'), Any, A::Suspend, "suspend (the shell's fg resumes)", false),
            (k('?'), Any, A::Help, "this help", true),
            (k('q'), Any, A::Quit, "quit", true),
            (Key::ctrl('c'), Any, A::Quit, "quit", false),
        ];
        Keymap {
            bindings: rows
                .iter()
                .map(|&(key, scope, action, help, hint)| Binding {
                    key,
                    scope,
                    action,
                    help,
                    hint,
                })
                .collect(),
        }
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action bound to `key` in the pane that has the focus.
    pub fn resolve(&self, focus: Focus, key: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(key);
        self.bindings
            .iter()
            .find(|b| b.key == key && b.scope.includes(focus))
            .map(|b| b.action)
    }

    /// The first key bound to `action` in `focus`, for hints such as "? help".
    pub fn key_for(&self, focus: Focus, action: Action) -> Option<Key> {
        self.bindings
            .iter()
            .find(|b| b.action == action && b.scope.includes(focus))
            .map(|b| b.key)
    }

    /// `(keys, help)` for the status line of `focus`: the rows marked as hints.
    pub fn hints(&self, focus: Focus) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| b.hint && b.scope.includes(focus))
            .map(|b| (b.key.label(), short_help(b.action)))
            .collect()
    }

    /// Help rows grouped by action: every key bound to it, its scope and its text, in table
    /// order.
    pub fn help_rows(&self) -> Vec<(String, &'static str, &'static str)> {
        let mut rows: Vec<(Vec<String>, Scope, Action, &'static str)> = Vec::new();
        for b in &self.bindings {
            match rows
                .iter_mut()
                .find(|(_, scope, action, _)| *action == b.action && *scope == b.scope)
            {
                Some(row) => row.0.push(b.key.label()),
                None => rows.push((vec![b.key.label()], b.scope, b.action, b.help)),
            }
        }
        rows.into_iter()
            .map(|(keys, scope, _, help)| (keys.join(" "), scope.label(), help))
            .collect()
    }
}

/// The one-word form of an action for the status line.
fn short_help(action: Action) -> &'static str {
    match action {
        Action::ToggleTag => "pick",
        Action::Open => "open",
        Action::PageDown => "page",
        Action::NextPost => "next post",
        Action::Links => "links",
        Action::Back => "back",
        Action::TagNext => "next tag",
        Action::Tags => "tags",
        Action::Search => "search",
        Action::Help => "help",
        Action::Quit => "quit",
        other => other.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, modifiers, KeyEventKind::Press)
    }

    #[test]
    fn space_means_something_else_in_each_pane() {
        let keymap = Keymap::builtin();
        let space = event(KeyCode::Char(' '), KeyModifiers::NONE);
        assert_eq!(keymap.resolve(Focus::Tags, &space), Some(Action::ToggleTag));
        assert_eq!(
            keymap.resolve(Focus::Reader, &space),
            Some(Action::PageDown)
        );
        assert_eq!(keymap.resolve(Focus::Posts, &space), None);
    }

    #[test]
    fn shifted_letters_match_whether_or_not_shift_is_reported() {
        let keymap = Keymap::builtin();
        for mods in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
            let big_j = event(KeyCode::Char('J'), mods);
            assert_eq!(
                keymap.resolve(Focus::Reader, &big_j),
                Some(Action::NextPost)
            );
        }
    }

    #[test]
    fn control_keys_are_not_plain_letters() {
        let keymap = Keymap::builtin();
        let ctrl_d = event(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(
            keymap.resolve(Focus::Posts, &ctrl_d),
            Some(Action::HalfPageDown)
        );
        let ctrl_c = event(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(keymap.resolve(Focus::Reader, &ctrl_c), Some(Action::Quit));
        let d = event(KeyCode::Char('d'), KeyModifiers::NONE);
        assert_eq!(keymap.resolve(Focus::Posts, &d), None);
    }

    #[test]
    fn tag_stepping_works_from_every_pane() {
        let keymap = Keymap::builtin();
        let next = event(KeyCode::Char(']'), KeyModifiers::NONE);
        for focus in [Focus::Tags, Focus::Posts, Focus::Reader] {
            assert_eq!(keymap.resolve(focus, &next), Some(Action::TagNext));
        }
    }

    #[test]
    fn each_action_is_named_like_its_variant() {
        for name in Action::names() {
            let action = Action::from_name(name).unwrap();
            let variant: String = name
                .split('_')
                .map(|word| word[..1].to_uppercase() + &word[1..])
                .collect();
            assert_eq!(format!("{action:?}"), variant);
        }
    }

    #[test]
    fn help_lists_every_action_once_per_scope_with_all_its_keys() {
        let rows = Keymap::builtin().help_rows();
        let down = rows.iter().find(|(_, _, help)| *help == "down").unwrap();
        assert_eq!(down.0, "j ↓");
        let quit = rows.iter().find(|(_, _, help)| *help == "quit").unwrap();
        assert_eq!(quit.0, "q Ctrl-c");
    }
}
