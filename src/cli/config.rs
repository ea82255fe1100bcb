//! `sofa-weekly config path` and `config show`: where the settings file is, and the effective
//! settings (the file's, with defaults for the rest) written back as TOML that could be saved
//! as a config file as it is.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;

use super::CommandContext;
use crate::config::{Config, KeyBinding};
use crate::pictures::FetchScope;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the config file in use (it may not exist yet).
    Path,
    /// Print the effective settings as TOML, defaults included.
    Show,
}

pub fn run_config(
    context: &CommandContext<'_>,
    command: &ConfigCommand,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let path = context.config_path();
    match command {
        ConfigCommand::Path => {
            let Some(path) = path else {
                anyhow::bail!("this platform has no config folder; pass --config FILE");
            };
            writeln!(out, "{}", path.display())?;
            if !path.exists() {
                eprintln!(
                    "sofa-weekly: {} does not exist yet; sofa-weekly runs on defaults \
                     (`sofa-weekly config show` prints them)",
                    path.display()
                );
            }
        }
        ConfigCommand::Show => {
            let origin = match &path {
                Some(path) if path.exists() => format!(
                    "# Effective settings: {} with defaults for what it leaves out.",
                    path.display()
                ),
                Some(path) => format!(
                    "# Default settings: there is no {} (save this there to change them).",
                    path.display()
                ),
                None => "# Default settings.".to_owned(),
            };
            let text = effective_toml(context.config());
            write!(out, "{}\n{}", crate::text::sanitize_line(&origin), text)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The settings as a config file: every key, in the order the README documents them. Key
/// bindings the app rejects (an unknown action or key) are not in effect: they are listed
/// apart, commented out, with the reason.
pub fn effective_toml(config: &Config) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "date_format = {}", toml_string(&config.date_format));
    if config.sources.is_empty() {
        out.push_str("sources = []\n");
    }
    out.push_str("\n[reader]\n");
    let _ = writeln!(out, "max_width = {}", config.reader.max_width);
    let _ = writeln!(out, "theme = {}", toml_string(config.reader.theme.as_str()));
    let _ = writeln!(
        out,
        "images = {}",
        toml_string(config.reader.images.as_str())
    );
    for source in &config.sources {
        out.push_str("\n[[sources]]\n");
        let _ = writeln!(out, "name = {}", toml_string(&source.name));
        let _ = writeln!(out, "location = {}", toml_string(&source.location));
    }
    out.push_str("\n[pictures]\n");
    let fetch = match config.pictures.fetch {
        FetchScope::All => toml_string("all"),
        FetchScope::None => toml_string("none"),
        FetchScope::Newest(n) => n.to_string(),
    };
    let _ = writeln!(out, "fetch = {fetch}");
    let _ = writeln!(out, "budget = {}", config.pictures.budget_bytes);
    out.push_str("\n[topics]\n");
    if config.topics.is_empty() {
        out.push_str("# none added to the built-in vocabulary\n");
    }
    for (name, spellings) in &config.topics {
        let list: Vec<String> = spellings.iter().map(|s| toml_string(s)).collect();
        let _ = writeln!(out, "{} = [{}]", toml_key(name), list.join(", "));
    }
    let (_, problems) = crate::app::keymap::Keymap::with_config(&config.keys);
    let (rejected, in_effect): (Vec<KeyBinding>, Vec<KeyBinding>) = config
        .keys
        .iter()
        .cloned()
        .partition(|binding| problems.iter().any(|p| p.line == binding.line));
    write_keys(&mut out, &in_effect);
    if !rejected.is_empty() {
        out.push_str("\n# Rejected key bindings, not in effect:\n");
        for binding in &rejected {
            let pane = binding
                .pane
                .as_deref()
                .map(|pane| format!("[keys.{pane}] "))
                .unwrap_or_default();
            let reasons: Vec<&str> = problems
                .iter()
                .filter(|p| p.line == binding.line)
                .map(|p| p.message.as_str())
                .collect();
            let _ = writeln!(
                out,
                "# {pane}{} = {}  (line {}: {})",
                toml_key(&binding.key),
                toml_string(&binding.action),
                binding.line,
                crate::text::sanitize_line(&reasons.join("; "))
            );
        }
    }
    out
}

fn write_keys(out: &mut String, keys: &[KeyBinding]) {
    out.push_str("\n[keys]\n");
    if keys.is_empty() {
        out.push_str("# no changes to the default bindings (`?` in the app lists them)\n");
    }
    let mut panes: Vec<Option<&str>> = Vec::new();
    for binding in keys {
        if !panes.contains(&binding.pane.as_deref()) {
            panes.push(binding.pane.as_deref());
        }
    }
    // Lines for every pane first: in TOML they must come before the first [keys.PANE].
    panes.sort_by_key(|pane| pane.is_some());
    for pane in panes {
        if let Some(pane) = pane {
            let _ = writeln!(out, "\n[keys.{pane}]");
        }
        for binding in keys.iter().filter(|b| b.pane.as_deref() == pane) {
            let _ = writeln!(
                out,
                "{} = {}",
                toml_key(&binding.key),
                toml_string(&binding.action)
            );
        }
    }
}

/// A TOML basic string, escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A bare key when TOML allows one, else a quoted one.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_effective_settings_read_back_as_the_same_config() {
        let text = r#"
date_format = "%Y年%m月%d日"
[[sources]]
name = "q\"uote"
location = "https://example.com/feed?a=1&b=2"
[reader]
max_width = 72
theme = "light"
images = "halfblocks"
[topics]
"Apache Dubbo" = ["dubbo", "Apache Dubbo"]
[pictures]
fetch = 30
budget = "2 GiB"
[keys]
"ctrl-n" = "next_post"
" " = "page_down"
[keys.reader]
x = "star"
"#;
        let (config, warnings) = Config::parse(text, Path::new("c.toml"));
        assert!(warnings.is_empty(), "{warnings:?}");
        let shown = effective_toml(&config);
        let (again, warnings) = Config::parse(&shown, Path::new("shown.toml"));
        assert!(warnings.is_empty(), "{warnings:?}\n{shown}");
        let strip_lines = |c: &Config| {
            c.keys
                .iter()
                .map(|k| (k.pane.clone(), k.key.clone(), k.action.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip_lines(&again), strip_lines(&config));
        assert_eq!(
            again.pictures.fetch,
            crate::pictures::FetchScope::Newest(30)
        );
        assert_eq!(again.pictures, config.pictures);
        assert_eq!(
            (again.sources, again.reader, again.topics, again.date_format),
            (
                config.sources,
                config.reader,
                config.topics,
                config.date_format
            )
        );

        let defaults = effective_toml(&Config::default());
        assert!(!defaults.contains("Rejected"), "{defaults}");
        assert!(
            defaults.contains("date_format = \"%Y-%m-%d\""),
            "{defaults}"
        );
        assert!(defaults.contains("max_width = 100"));
        assert_eq!(
            Config::parse(&defaults, Path::new("d.toml")).0,
            Config::default()
        );
    }

    #[test]
    fn rejected_key_bindings_are_shown_apart_not_as_in_effect() {
        let text = "[keys]\nj = \"next_post\"\nq = \"no_such_action\"\n";
        let (config, _) = Config::parse(text, Path::new("c.toml"));
        let shown = effective_toml(&config);
        let (in_effect, rejected) = shown.split_once("# Rejected").expect("a rejected section");
        assert!(in_effect.contains("j = \"next_post\""), "{shown}");
        assert!(!in_effect.contains("no_such_action"), "{shown}");
        assert!(
            rejected.contains("# q = \"no_such_action\"  (line 3: "),
            "{shown}"
        );
        let (again, _) = Config::parse(&shown, Path::new("shown.toml"));
        assert_eq!(again.keys.len(), 1, "the rejected binding is a comment");
    }
}
