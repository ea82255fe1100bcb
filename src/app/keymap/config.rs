//! The `[keys]` of the config file applied to the keymap table: key names parsed
//! (`j`, `ctrl-d`, `C-d`, `pagedown`, `space`, `shift-tab`, `f5`), action names checked against
//! the actions the table knows, and the table rewritten so that `?` shows what really
//! happens. A bad line is reported with its line number and the expected form, and skipped.

use ratatui::crossterm::event::KeyCode;

use super::{Action, Binding, Focus, Key, Keymap, Scope};
use crate::config::KeyBinding;

/// A `[keys]` line that was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    pub line: usize,
    pub message: String,
}

/// How key names are written, for messages.
pub const KEY_FORMS: &str = "a character (j, J, ?, ]), a name (space, enter, esc, tab, \
     shift-tab, up, down, left, right, pageup, pagedown, home, end, backspace, delete, f1…f12), \
     or ctrl- before either (ctrl-d, C-d)";

impl Key {
    /// Parses a key as the config writes it. Case matters for single characters (`J` is
    /// Shift-j) but not for names or the `ctrl-` prefix.
    pub fn parse(spec: &str) -> Option<Key> {
        if spec.chars().count() == 1 {
            return Some(Key::ch(spec.chars().next()?));
        }
        let lower = spec.trim().to_ascii_lowercase();
        for prefix in ["ctrl-", "ctrl+", "c-"] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                // Keep the character's case from the original text: `ctrl-D` is `ctrl-d`
                // anyway (terminals cannot tell them apart).
                let base = Key::parse(&spec.trim()[prefix.len()..]).or_else(|| Key::parse(rest))?;
                let code = match base.code {
                    KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
                    other => other,
                };
                return Some(Key { code, ctrl: true });
            }
        }
        if let Some(rest) = lower.strip_prefix("shift-") {
            if rest == "tab" {
                return Some(Key::plain(KeyCode::BackTab));
            }
            let mut chars = rest.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                return Some(Key::ch(c.to_ascii_uppercase()));
            }
            return None;
        }
        let code = match lower.as_str() {
            "space" | "spc" => KeyCode::Char(' '),
            "enter" | "return" | "cr" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "s-tab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" | "bs" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "lt" => KeyCode::Char('<'),
            function => {
                let number: u8 = function.strip_prefix('f')?.parse().ok()?;
                if !(1..=12).contains(&number) {
                    return None;
                }
                KeyCode::F(number)
            }
        };
        Some(Key::plain(code))
    }
}

impl Action {
    /// The action a config file names, among those the default table binds.
    pub fn from_name(name: &str) -> Option<Action> {
        Keymap::builtin()
            .bindings
            .iter()
            .map(|b| b.action)
            .find(|action| action.name() == name)
    }

    /// Every action name, in table order, once.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for binding in &Keymap::builtin().bindings {
            if !names.contains(&binding.action.name()) {
                names.push(binding.action.name());
            }
        }
        names
    }
}

fn scope_of(pane: Option<&str>) -> Option<Scope> {
    Some(match pane {
        None => Scope::Any,
        Some("tags") => Scope::Only(Focus::Tags),
        Some("posts") => Scope::Only(Focus::Posts),
        Some("reader") => Scope::Only(Focus::Reader),
        Some(_) => return None,
    })
}

/// Whether a binding in `new` takes every focus that `old` applies in.
fn covers(new: Scope, old: Scope) -> bool {
    match (new, old) {
        (Scope::Any, _) => true,
        (Scope::Only(a), Scope::Only(b)) => a == b,
        _ => false,
    }
}

impl Keymap {
    /// The default table with the config's bindings applied in file order: a binding
    /// replaces what its key did where it applies (`none` only removes), and comes first so
    /// that it wins over the defaults elsewhere too.
    pub fn with_config(bindings: &[KeyBinding]) -> (Keymap, Vec<KeyProblem>) {
        let mut keymap = Keymap::builtin();
        let mut problems = Vec::new();
        let mut added: Vec<Binding> = Vec::new();
        for binding in bindings {
            let problem = |message: String| KeyProblem {
                line: binding.line,
                message,
            };
            let Some(scope) = scope_of(binding.pane.as_deref()) else {
                problems.push(problem(format!(
                    "unknown pane {:?} (expected tags, posts or reader); ignored",
                    binding.pane
                )));
                continue;
            };
            let Some(key) = Key::parse(&binding.key) else {
                problems.push(problem(format!(
                    "unknown key {:?}; expected {KEY_FORMS}; ignored",
                    binding.key
                )));
                continue;
            };
            let action = if binding.action == "none" {
                None
            } else {
                match Action::from_name(&binding.action) {
                    Some(action) => Some(action),
                    None => {
                        problems.push(problem(format!(
                            "unknown action {:?} for key {:?}; expected \"none\" or one of: {}; ignored",
                            binding.action,
                            binding.key,
                            Action::names().join(", ")
                        )));
                        continue;
                    }
                }
            };
            keymap
                .bindings
                .retain(|b| !(b.key == key && covers(scope, b.scope)));
            added.retain(|b| !(b.key == key && covers(scope, b.scope)));
            if let Some(action) = action {
                let help = keymap
                    .bindings
                    .iter()
                    .chain(Keymap::builtin().bindings.iter())
                    .find(|b| b.action == action)
                    .map_or(action.name(), |b| b.help);
                added.push(Binding {
                    key,
                    scope,
                    action,
                    help,
                    hint: false,
                });
            }
        }
        // Pane rows before rows for every pane, as in the default table.
        added.sort_by_key(|b| matches!(b.scope, Scope::Any));
        added.append(&mut keymap.bindings);
        keymap.bindings = added;
        (keymap, problems)
    }
}

impl Keymap {
    /// The help rows as a markdown table with each action's config name, for the README
    /// (a test keeps the two equal).
    pub fn markdown_table(&self) -> String {
        let mut rows: Vec<(Vec<String>, Scope, Action, &str)> = Vec::new();
        for b in &self.bindings {
            match rows
                .iter_mut()
                .find(|(_, scope, action, _)| *action == b.action && *scope == b.scope)
            {
                Some(row) => row.0.push(format!("`{}`", b.key.label())),
                None => rows.push((
                    vec![format!("`{}`", b.key.label())],
                    b.scope,
                    b.action,
                    b.help,
                )),
            }
        }
        let mut out = String::from("| keys | where | what | action |\n| --- | --- | --- | --- |\n");
        for (keys, scope, action, help) in rows {
            out.push_str(&format!(
                "| {} | {} | {help} | `{}` |\n",
                keys.join(" "),
                scope.label(),
                action.name()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::testing::{Harness, parse_keys, press};
    use ratatui::crossterm::event::{KeyEvent, KeyEventKind, KeyModifiers};

    fn bind(pane: Option<&str>, key: &str, action: &str, line: usize) -> KeyBinding {
        KeyBinding {
            pane: pane.map(str::to_owned),
            key: key.to_owned(),
            action: action.to_owned(),
            line,
        }
    }

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, modifiers, KeyEventKind::Press)
    }

    #[test]
    fn key_names_parse() {
        assert_eq!(Key::parse("j"), Some(Key::ch('j')));
        assert_eq!(Key::parse("J"), Some(Key::ch('J')));
        assert_eq!(Key::parse("ctrl-d"), Some(Key::ctrl('d')));
        assert_eq!(Key::parse("C-D"), Some(Key::ctrl('d')));
        assert_eq!(Key::parse("Space"), Some(Key::ch(' ')));
        assert_eq!(Key::parse(" "), Some(Key::ch(' ')));
        assert_eq!(Key::parse("shift-tab"), Some(Key::plain(KeyCode::BackTab)));
        assert_eq!(Key::parse("shift-j"), Some(Key::ch('J')));
        assert_eq!(Key::parse("PageDown"), Some(Key::plain(KeyCode::PageDown)));
        assert_eq!(Key::parse("f5"), Some(Key::plain(KeyCode::F(5))));
        for bad in ["", "f13", "ctrl-", "hyper-x", "jj", "alt-x"] {
            assert_eq!(Key::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_remapped_key_replaces_the_default_where_it_applies() {
        let (keymap, problems) = Keymap::with_config(&[
            bind(None, "x", "quit", 2),
            bind(None, "q", "none", 3),
            bind(Some("reader"), "space", "next_post", 5),
            bind(None, "ctrl-n", "tag_next", 6),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let x = event(KeyCode::Char('x'), KeyModifiers::NONE);
        let q = event(KeyCode::Char('q'), KeyModifiers::NONE);
        let space = event(KeyCode::Char(' '), KeyModifiers::NONE);
        let ctrl_n = event(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(keymap.resolve(Focus::Posts, &x), Some(Action::Quit));
        assert_eq!(keymap.resolve(Focus::Posts, &q), None);
        assert_eq!(
            keymap.resolve(Focus::Reader, &space),
            Some(Action::NextPost)
        );
        assert_eq!(keymap.resolve(Focus::Tags, &space), Some(Action::ToggleTag));
        assert_eq!(
            keymap.resolve(Focus::Reader, &ctrl_n),
            Some(Action::TagNext)
        );
        // `?` shows the effective table: x quits and q is gone.
        let rows = keymap.help_rows();
        let quit: Vec<_> = rows
            .iter()
            .filter(|r| r.2 == "quit")
            .map(|r| &r.0)
            .collect();
        assert_eq!(quit, ["x Ctrl-c"]);
    }

    #[test]
    fn bad_lines_are_reported_with_the_expected_form() {
        let (keymap, problems) = Keymap::with_config(&[
            bind(None, "hyper-x", "quit", 4),
            bind(None, "x", "explode", 5),
            bind(Some("sidebar"), "x", "quit", 6),
        ]);
        let lines: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 5, 6]);
        // Each message shows the form expected: a key, an action.
        for (problem, example) in problems.iter().zip(["ctrl-d", "next_post"]) {
            assert!(problem.message.contains(example), "{}", problem.message);
        }
        assert_eq!(keymap.bindings().len(), Keymap::builtin().bindings().len());
    }

    /// The state-level check: the app, given a config's keymap, acts on the new key and
    /// not on the old one.
    #[test]
    fn a_config_with_a_remapped_key_changes_the_key_in_the_app() {
        let (config, warnings) = crate::config::Config::parse(
            "[keys]\nx = \"quit\"\nq = \"none\"\n[keys.posts]\nv = \"open\"\n",
            std::path::Path::new("config.toml"),
        );
        assert!(warnings.is_empty());
        let (keymap, problems) = Keymap::with_config(&config.keys);
        assert!(problems.is_empty());

        let mut h = Harness::new(100, 30);
        h.app.keymap = keymap;
        press(&mut h, "q");
        assert!(!h.app.quit, "q no longer quits");
        press(&mut h, "v");
        assert_eq!(h.app.focus, Focus::Reader, "v opens the post");
        press(&mut h, "x");
        assert!(h.app.quit, "x quits");

        let mut plain = Harness::new(100, 30);
        for key in parse_keys("v") {
            let effects = plain.app.on_key(key);
            plain.run(effects);
        }
        assert_ne!(plain.app.focus, Focus::Reader, "v does nothing by default");
    }

    /// The README's key table is this keymap's; `UPDATE_README=1 cargo test` rewrites it.
    #[test]
    fn the_readme_lists_the_default_keys() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let (start, end) = ("<!-- keys:start -->\n", "<!-- keys:end -->");
        let from = readme.find(start).expect("keys:start marker") + start.len();
        let to = readme.find(end).expect("keys:end marker");
        let table = Keymap::builtin().markdown_table();
        if readme[from..to] != table && std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{table}{}", &readme[..from], &readme[to..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        assert_eq!(
            readme[from..to],
            table,
            "README.md's key table is out of date: run UPDATE_README=1 cargo test readme"
        );
    }
}
