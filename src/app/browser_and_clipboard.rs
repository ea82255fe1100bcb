//! What the reader hands to the world outside it: a URL to `$BROWSER` or the platform's
//! opener (the browser, the mail program), and text to the clipboard through the terminal
//! (OSC 52).
//! The event loop calls these for [`Effect::OpenUrl`](super::state::Effect::OpenUrl) and
//! [`Effect::Copy`](super::state::Effect::Copy).

use std::io::{self, Write};
use std::process::{Command, Stdio};

use super::state;

/// Why a URL did not reach a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Neither `$BROWSER` nor the platform's opener names a program that exists.
    NoBrowser,
    /// A browser was found but could not be started.
    Failed(String),
}

/// Hands `url` to the first browser that starts: each command of `$BROWSER`, then the
/// platform's opener. Each gets the URL as a single argument: no shell sees it. The state
/// has already checked it is http, https or mailto.
pub fn open_in_browser(url: &str) -> Result<(), OpenError> {
    debug_assert!(state::is_openable(url));
    let browser = std::env::var("BROWSER").ok();
    for argv in browser_commands(browser.as_deref(), url) {
        let started = Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match started {
            Ok(mut child) => {
                // Reap it in the background so it leaves no zombie and the UI does not wait.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            // Not there (or not a program): try the next, as xdg-open does.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
                ) => {}
            Err(e) => return Err(OpenError::Failed(format!("{}: {e}", argv[0]))),
        }
    }
    Err(OpenError::NoBrowser)
}

/// The commands to try for `url`, in order: each `:`-separated entry of `browser` (the
/// value of `$BROWSER`, as xdg-open and git read it), split at spaces, with `%s` replaced
/// by the URL (or the URL added as the last argument when there is no `%s`); then the
/// platform's opener.
pub fn browser_commands(browser: Option<&str>, url: &str) -> Vec<Vec<String>> {
    let mut commands: Vec<Vec<String>> = browser
        .unwrap_or("")
        .split(':')
        .filter_map(|entry| {
            let words: Vec<&str> = entry.split_whitespace().collect();
            if words.is_empty() {
                return None;
            }
            let substituted = words.iter().any(|w| w.contains("%s"));
            let mut argv: Vec<String> = words
                .iter()
                .map(|w| w.replace("%s", url).replace("%%", "%"))
                .collect();
            if !substituted {
                argv.push(url.to_string());
            }
            Some(argv)
        })
        .collect();
    commands.push(vec![SYSTEM_OPENER.to_string(), url.to_string()]);
    commands
}

/// The platform's own "open this with what the user chose" program, tried after `$BROWSER`
/// for links and used alone for local files.
const SYSTEM_OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else if cfg!(windows) {
    "explorer"
} else {
    "xdg-open"
};

/// Asks the terminal to put `text` on the clipboard (OSC 52), which also works over SSH.
pub fn copy_osc52(text: &str) {
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()));
    let _ = out.flush();
}

/// Standard base64 with padding: a dozen lines, not worth a dependency.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Hands a local file (a cached picture) to the platform's opener, as one argument.
pub fn open_file(path: &std::path::Path) -> io::Result<()> {
    let mut child = Command::new(SYSTEM_OPENER)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // Reap it in the background so it leaves no zombie and the UI does not wait.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.org/a";

    fn opener() -> Vec<String> {
        browser_commands(None, URL).pop().unwrap()
    }

    #[test]
    fn browser_entries_come_first_each_with_the_url() {
        let commands = browser_commands(Some("firefox:/opt/my browser --new-tab"), URL);
        assert_eq!(commands[0], ["firefox", URL]);
        assert_eq!(commands[1], ["/opt/my", "browser", "--new-tab", URL]);
        assert_eq!(commands[2], opener());
        assert_eq!(commands.len(), 3);
    }

    #[test]
    fn percent_s_is_replaced_by_the_url_as_git_does() {
        let commands = browser_commands(Some("w3m -o x=%s --:: :chromium"), URL);
        assert_eq!(commands[0], ["w3m", "-o", &format!("x={URL}"), "--"]);
        assert_eq!(commands[1], ["chromium", URL]);
    }

    #[test]
    fn without_browser_the_platform_opener_alone() {
        assert_eq!(browser_commands(None, URL), [opener()]);
        assert_eq!(browser_commands(Some(" : "), URL), [opener()]);
    }

    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
