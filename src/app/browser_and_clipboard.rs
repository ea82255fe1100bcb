//! What the reader hands to the world outside it: a URL to the platform's opener (the
//! browser, the mail program), and text to the clipboard through the terminal (OSC 52).
//! The event loop calls these for [`Effect::OpenUrl`](super::state::Effect::OpenUrl) and
//! [`Effect::Copy`](super::state::Effect::Copy).

use std::io::{self, Write};

use super::state;

/// Hands `url` to the platform's opener as a single argument: no shell sees it. The state
/// has already checked it is http, https or mailto.
pub fn open_in_browser(url: &str) -> io::Result<()> {
    debug_assert!(state::is_openable(url));
    open_with_platform(std::ffi::OsStr::new(url))
}

/// Hands a local file (a cached picture) to the platform's opener, as one argument.
pub fn open_file(path: &std::path::Path) -> io::Result<()> {
    open_with_platform(path.as_os_str())
}

fn open_with_platform(target: &std::ffi::OsStr) -> io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it in the background so it leaves no zombie and the UI does not wait.
    std::thread::spawn(move || child.wait());
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
