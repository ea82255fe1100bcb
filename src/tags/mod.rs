//! Tags: how two spellings are recognised as one tag ([`tag_key`]), and the topic vocabulary
//! ([`Topics`]) that tags posts by what they discuss.
//!
//! Every SOFA Weekly post carries the same front-matter tag, so front matter alone cannot tell
//! posts apart; topics can. A topic is a name (`MOSN`, `Service Mesh`) and the spellings that
//! mention it (`Service Mesh`, `ServiceMesh`, `服务网格`). The built-in vocabulary is
//! `assets/topics.toml`; a user's configuration can [`Topics::extend`] it.
//!
//! `topics` reads and merges the vocabulary; `matching` finds its spellings in a post.

mod matching;
mod topics;

pub use topics::{Topic, Topics, TopicsError};

/// The key two tags are compared by: trimmed, inner whitespace collapsed to one space,
/// full-width ASCII and the ideographic space folded to half-width, lowercased.
/// "Service mesh", " Service  Mesh " and "ＳＥＲＶＩＣＥ　ＭＥＳＨ" are one tag.
///
/// ```
/// use sofa_weekly::tags::tag_key;
/// assert_eq!(tag_key(" Service  Mesh "), "service mesh");
/// assert_eq!(tag_key("ＭＯＳＮ　社区"), "mosn 社区");
/// ```
pub fn tag_key(tag: &str) -> String {
    // Lowercasing maps whitespace to itself and nothing else to whitespace, so it may come
    // before the collapsing.
    crate::text::collapse_whitespace(tag.chars().map(half_width).flat_map(char::to_lowercase))
}

/// U+FF01..U+FF5E are the full-width forms of `!`..`~`; U+3000 is the ideographic space.
fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_key_folds_case_spaces_and_width() {
        assert_eq!(tag_key("Service mesh"), tag_key("Service Mesh"));
        assert_eq!(tag_key("  Service \t Mesh\n"), "service mesh");
        assert_eq!(tag_key("ＳＯＦＡ　Ｗｅｅｋｌｙ"), "sofa weekly");
        assert_eq!(tag_key("ＭＯＳＮ！"), "mosn!");
        assert_eq!(tag_key("云原生"), "云原生");
        assert_eq!(tag_key("问答｜QA"), "问答|qa");
        // CJK punctuation outside U+FF01..U+FF5E has no half-width twin: left alone.
        assert_eq!(tag_key("问答、QA。"), "问答、qa。");
        assert_eq!(tag_key("ÉCOLE"), "école");
        assert_eq!(tag_key("   "), "");
    }
}
