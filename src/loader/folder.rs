//! Local archives: finding the markdown files of a folder (or one file) and reading them.
//!
//! [`walk`] only lists files and their [`FileStamp`]s, reading no content, so an incremental
//! import can skip unchanged files cheaply; [`read_post`] then reads the ones that changed.
//! Warnings from here name the file by its full path, which the user can open.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::{LoaderError, MAX_FILE_SIZE, ParsedPost, has_utf16_bom, is_markdown_name, parse_post};
use crate::post::LoadWarning;
use crate::text::sanitize_line;

/// How much of a file is looked at for NUL bytes, like git and ripgrep do to spot binaries.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// What tells a file changed without reading it: modification time and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStamp {
    /// Modification time in nanoseconds since the Unix epoch (negative before it).
    pub mtime_ns: i64,
    pub size: u64,
}

impl FileStamp {
    pub const fn new(mtime_ns: i64, size: u64) -> FileStamp {
        FileStamp { mtime_ns, size }
    }

    pub fn from_metadata(metadata: &fs::Metadata) -> FileStamp {
        let mtime_ns = metadata.modified().ok().map_or(0, |modified| {
            match modified.duration_since(UNIX_EPOCH) {
                Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
                Err(before) => {
                    i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |ns| -ns)
                }
            }
        });
        FileStamp::new(mtime_ns, metadata.len())
    }
}

/// A markdown file found by [`walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Path below the walk's root with `/` separators: the post's identity in its source.
    pub rel_path: String,
    pub abs_path: PathBuf,
    pub stamp: FileStamp,
}

/// The result of walking a folder or naming a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The folder the relative paths start from, absolute (the file's folder when a single
    /// file was named).
    pub root: PathBuf,
    /// Sorted by `rel_path`.
    pub files: Vec<FoundFile>,
    /// Files too large to read, folders that could not be read, links leading out of the root.
    pub skipped: Vec<LoadWarning>,
    /// What is there but was skipped: files (a relative path) and folders (a relative path
    /// ending in `/`). A library keeps the posts it has from them, since a file that grew
    /// too large or a folder that cannot be read now is not a file that was deleted.
    pub kept: Vec<String>,
}

impl Walk {
    /// Whether the post of `rel_path` must stay although no file of the walk has it.
    pub fn keeps(&self, rel_path: &str) -> bool {
        self.kept.iter().any(|kept| {
            kept == rel_path || (kept.ends_with('/') && rel_path.starts_with(kept.as_str()))
        })
    }

    /// Reports a file or folder (`rel_path`, a folder's ending in `/`) that is there but
    /// cannot be read now, and keeps what the library has from it.
    fn skip_and_keep(&mut self, warning: LoadWarning, rel_path: String) {
        self.skipped.push(warning);
        self.kept.push(rel_path);
    }
}

/// A folder (recursively; `*.md` / `*.markdown` in any letter case; hidden files and folders
/// skipped; symbolic links followed only to files inside the folder) or a single file (taken
/// whatever its extension, since the user named it).
///
/// Only the root itself failing is an error; a subfolder that cannot be read becomes a
/// warning in [`Walk::skipped`] and the walk goes on.
pub fn walk(path: &Path) -> Result<Walk, LoaderError> {
    let metadata = fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoaderError::NotFound {
            path: path.to_path_buf(),
        },
        _ => LoaderError::Unreadable {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let absolute = fs::canonicalize(path).map_err(|source| LoaderError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    if metadata.is_file() {
        return Ok(walk_single_file(absolute, &metadata));
    }
    if !metadata.is_dir() {
        return Err(LoaderError::NotAFileOrFolder {
            path: path.to_path_buf(),
        });
    }
    // The root must be listable: otherwise the user gets one clear error, not an empty import.
    let entries = fs::read_dir(&absolute).map_err(|source| LoaderError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let mut walk = Walk {
        root: absolute.clone(),
        files: Vec::new(),
        skipped: Vec::new(),
        kept: Vec::new(),
    };
    let mut pending = vec![(absolute, String::new(), Ok(entries))];
    while let Some((dir, prefix, entries)) = pending.pop() {
        let entries = match entries {
            Ok(entries) => entries,
            Err(error) => {
                walk.skip_and_keep(
                    warning(&dir, format!("cannot read folder: {error}")),
                    prefix,
                );
                continue;
            }
        };
        for entry in entries {
            match entry {
                Ok(entry) => visit(&mut walk, &mut pending, &prefix, &entry),
                Err(error) => {
                    let reason = format!("cannot list folder: {error}");
                    walk.skip_and_keep(warning(&dir, reason), prefix.clone());
                }
            }
        }
    }
    walk.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(walk)
}

/// A folder still to be read: its path, its path below the root, its listing.
type PendingFolder = (PathBuf, String, std::io::Result<fs::ReadDir>);

fn visit(walk: &mut Walk, pending: &mut Vec<PendingFolder>, prefix: &str, entry: &fs::DirEntry) {
    let name = entry.file_name().to_string_lossy().into_owned();
    if name.starts_with('.') {
        return;
    }
    let path = entry.path();
    let rel_path = format!("{prefix}{name}");
    let Ok(file_type) = entry.file_type() else {
        let reason = "cannot tell what kind of file this is".into();
        walk.skip_and_keep(warning(&path, reason), rel_path);
        return;
    };
    if file_type.is_dir() {
        let entries = fs::read_dir(&path);
        pending.push((path, format!("{rel_path}/"), entries));
        return;
    }
    if !is_markdown_name(&name) {
        return;
    }
    let metadata = if file_type.is_symlink() {
        // Folders behind links are not followed (no cycles, no duplicates); a file is read
        // only if it lives inside the root, so a link cannot pull in `~/.ssh/…`.
        match fs::canonicalize(&path) {
            Ok(target) if target.starts_with(&walk.root) => match fs::metadata(&target) {
                Ok(metadata) if metadata.is_file() => metadata,
                _ => return,
            },
            Ok(_) => {
                walk.skipped.push(warning(
                    &path,
                    "links to a file outside the folder; not followed".into(),
                ));
                return;
            }
            Err(_) => return, // a dangling link: nothing to import
        }
    } else if file_type.is_file() {
        match entry.metadata() {
            Ok(metadata) => metadata,
            Err(error) => {
                walk.skip_and_keep(warning(&path, format!("cannot read: {error}")), rel_path);
                return;
            }
        }
    } else {
        return;
    };
    add_file(walk, rel_path, path, &metadata);
}

fn walk_single_file(absolute: PathBuf, metadata: &fs::Metadata) -> Walk {
    let root = absolute
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    let rel_path = absolute
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let mut walk = Walk {
        root,
        files: Vec::new(),
        skipped: Vec::new(),
        kept: Vec::new(),
    };
    add_file(&mut walk, rel_path, absolute, metadata);
    walk
}

fn add_file(walk: &mut Walk, rel_path: String, abs_path: PathBuf, metadata: &fs::Metadata) {
    let stamp = FileStamp::from_metadata(metadata);
    if stamp.size > MAX_FILE_SIZE {
        walk.skip_and_keep(too_large(&abs_path, stamp.size), rel_path);
        return;
    }
    // The path is stored and printed (JSON output, the reader): like GitHub tree paths, one
    // holding escape sequences, C1 controls or bidi overrides is refused, never shown.
    if rel_path.chars().any(crate::text::is_forbidden) {
        walk.skipped.push(warning(
            &abs_path,
            "the path contains terminal control characters; skipped".into(),
        ));
        return;
    }
    walk.files.push(FoundFile {
        rel_path,
        abs_path,
        stamp,
    });
}

/// Reads one found file: binary (NUL bytes in its first 8 KiB) or > 10 MiB →
/// `Err(LoadWarning)` with the reason. The post's warnings name the file by its full path.
pub fn read_post(file: &FoundFile) -> Result<ParsedPost, LoadWarning> {
    let mut bytes = Vec::new();
    fs::File::open(&file.abs_path)
        // One byte more than allowed tells a file that grew past the limit since the walk.
        .and_then(|handle| handle.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .map_err(|error| warning(&file.abs_path, format!("cannot read: {error}")))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        let size = fs::metadata(&file.abs_path).map_or(MAX_FILE_SIZE + 1, |m| m.len());
        return Err(too_large(&file.abs_path, size));
    }
    let sniffed = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if let Some(offset) = sniffed.iter().position(|&b| b == 0)
        && !has_utf16_bom(&bytes)
    {
        return Err(warning(
            &file.abs_path,
            format!("binary file (NUL byte at offset {offset}); skipped"),
        ));
    }
    let mut parsed = parse_post(&file.rel_path, &bytes);
    let location = sanitize_line(&file.abs_path.display().to_string());
    for warning in &mut parsed.warnings {
        warning.location.clone_from(&location);
    }
    Ok(parsed)
}

fn too_large(path: &Path, size: u64) -> LoadWarning {
    warning(
        path,
        format!(
            "{:.1} MiB is over the {} MiB limit for a post; skipped",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_SIZE / (1024 * 1024)
        ),
    )
}

fn warning(path: &Path, reason: String) -> LoadWarning {
    LoadWarning {
        // A file name can hold control characters too.
        location: sanitize_line(&path.display().to_string()),
        line: None,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_keeps_the_files_and_folders_it_had_to_skip() {
        let walk = Walk {
            root: PathBuf::from("/archive"),
            files: Vec::new(),
            skipped: Vec::new(),
            kept: vec!["2021/big.md".into(), "locked/".into()],
        };
        assert!(walk.keeps("2021/big.md"));
        assert!(walk.keeps("locked/2020/index.md"));
        assert!(!walk.keeps("2021/big.md.old"));
        assert!(!walk.keeps("locked.md"));
        assert!(!walk.keeps("2021/other.md"));
    }
    use crate::loader::LoaderError;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/posts")
    }

    fn rel_paths(walk: &Walk) -> Vec<&str> {
        walk.files
            .iter()
            .map(|file| file.rel_path.as_str())
            .collect()
    }

    fn write(path: &Path, content: &[u8]) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    #[test]
    fn walks_the_fixture_archive_skipping_hidden_and_non_markdown() {
        let walk = walk(&fixtures()).unwrap();
        assert_eq!(walk.root, fs::canonicalize(fixtures()).unwrap());
        assert_eq!(
            rel_paths(&walk),
            [
                "bad/binary.md",
                "bad/bom.md",
                "bad/broken-yaml.md",
                "bad/controls.md",
                "bad/latin1.md",
                "bad/unclosed.md",
                "key-value/pelican-post.md",
                "plain/2019-12-06/index.md",
                "plain/20191206.md",
                "plain/issue-399.md",
                "plain/issue-98.md",
                "toml/hugo-post.md",
                "yaml/sofa-weekly-20200508/index.md",
            ]
        );
        assert!(walk.skipped.is_empty(), "{:?}", walk.skipped);
        for file in &walk.files {
            assert_eq!(file.abs_path, walk.root.join(&file.rel_path));
            assert_eq!(file.stamp.size, fs::metadata(&file.abs_path).unwrap().len());
            assert!(file.stamp.mtime_ns > 0);
        }
    }

    #[test]
    fn reads_every_fixture_but_the_binary_one() {
        let walk = walk(&fixtures()).unwrap();
        let mut skipped = Vec::new();
        for file in &walk.files {
            match read_post(file) {
                Ok(parsed) => assert!(!parsed.post.title.is_empty()),
                Err(warning) => skipped.push(warning),
            }
        }
        let [binary] = skipped.as_slice() else {
            panic!("{skipped:?}")
        };
        assert!(binary.location.ends_with("bad/binary.md"), "{binary}");
        assert!(
            binary
                .reason
                .starts_with("binary file (NUL byte at offset 22)")
        );
    }

    #[test]
    fn post_warnings_name_the_full_path() {
        let walk = walk(&fixtures().join("bad/broken-yaml.md")).unwrap();
        let parsed = read_post(&walk.files[0]).unwrap();
        let location = walk.root.join("broken-yaml.md").display().to_string();
        assert_eq!(parsed.warnings[0].location, location);
        assert_eq!(parsed.warnings[0].line, Some(4));
        assert_eq!(parsed.post.key, "broken-yaml.md");
    }

    #[test]
    fn a_single_file_is_its_own_walk() {
        let path = fixtures().join("toml/hugo-post.md");
        let walk = walk(&path).unwrap();
        assert_eq!(
            walk.root,
            fs::canonicalize(fixtures().join("toml")).unwrap()
        );
        assert_eq!(rel_paths(&walk), ["hugo-post.md"]);
        // A file named by the user is taken whatever its extension.
        let notes = super::walk(&fixtures().join("plain/notes.txt")).unwrap();
        assert_eq!(rel_paths(&notes), ["notes.txt"]);
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let missing = fixtures().join("no/such/folder");
        let error = walk(&missing).unwrap_err();
        assert!(matches!(error, LoaderError::NotFound { .. }));
        assert!(error.to_string().contains("no/such/folder"), "{error}");
    }

    #[test]
    fn extensions_in_any_case_nested_paths_with_slashes() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "A.MD",
            "b.Markdown",
            "c.mdx",
            "d.md.bak",
            ".md",
            "x/y/z.md",
            "_x/.h/h.md",
        ] {
            write(&dir.path().join(name), b"# t\n");
        }
        let walk = walk(dir.path()).unwrap();
        assert_eq!(rel_paths(&walk), ["A.MD", "b.Markdown", "x/y/z.md"]);
    }

    #[test]
    fn files_over_10_mib_are_skipped_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let huge = dir.path().join("huge.md");
        // Sparse: takes no disk space.
        fs::File::create(&huge)
            .unwrap()
            .set_len(MAX_FILE_SIZE + 1)
            .unwrap();
        write(&dir.path().join("small.md"), b"# small\n");
        let walk = walk(dir.path()).unwrap();
        assert_eq!(rel_paths(&walk), ["small.md"]);
        let [skipped] = walk.skipped.as_slice() else {
            panic!("{:?}", walk.skipped)
        };
        assert!(skipped.location.ends_with("huge.md"));
        assert!(skipped.reason.contains("10 MiB limit"), "{skipped}");

        // A file that grew past the limit after the walk is caught when read.
        let grown = FoundFile {
            rel_path: "huge.md".into(),
            abs_path: huge,
            stamp: FileStamp::new(0, 1),
        };
        let warning = read_post(&grown).unwrap_err();
        assert!(warning.reason.contains("10 MiB limit"), "{warning}");
    }

    #[test]
    fn a_nul_byte_after_the_first_8_kib_is_not_binary() {
        let dir = tempfile::tempdir().unwrap();
        let mut content = b"# Long\n".to_vec();
        content.resize(BINARY_SNIFF_LEN + 10, b'x');
        content.push(0);
        write(&dir.path().join("long.md"), &content);
        let walk = walk(dir.path()).unwrap();
        assert!(read_post(&walk.files[0]).is_ok());
    }

    #[test]
    fn utf16_text_is_not_taken_for_binary() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = vec![0xff, 0xfe];
        for unit in "# Notepad\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        write(&dir.path().join("wide.md"), &bytes);
        let walk = walk(dir.path()).unwrap();
        assert_eq!(read_post(&walk.files[0]).unwrap().post.title, "Notepad");
    }

    #[test]
    fn stamp_changes_with_mtime_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write(&path, b"one");
        let file = fs::File::options().write(true).open(&path).unwrap();
        let then = UNIX_EPOCH + std::time::Duration::from_nanos(1_600_000_000_123_456_789);
        file.set_modified(then).unwrap();
        let stamp = walk(&path).unwrap().files[0].stamp;
        assert_eq!(stamp, FileStamp::new(1_600_000_000_123_456_789, 3));
        file.set_modified(then + std::time::Duration::from_secs(1))
            .unwrap();
        assert_ne!(walk(&path).unwrap().files[0].stamp, stamp);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_only_to_files_inside_the_root() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(&outside.path().join("secret.md"), b"# secret\n");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("real/post.md"), b"# post\n");
        symlink(outside.path().join("secret.md"), root.join("leak.md")).unwrap();
        symlink(outside.path(), root.join("outside-dir")).unwrap();
        symlink(root.join("real"), root.join("loop")).unwrap();
        symlink(root.join("real/post.md"), root.join("alias.md")).unwrap();
        symlink(root.join("gone.md"), root.join("dangling.md")).unwrap();
        let walk = walk(root).unwrap();
        assert_eq!(rel_paths(&walk), ["alias.md", "real/post.md"]);
        let [leak] = walk.skipped.as_slice() else {
            panic!("{:?}", walk.skipped)
        };
        assert!(leak.location.ends_with("leak.md"));
        assert!(leak.reason.contains("outside"));
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_subfolder_is_a_warning_and_the_walk_goes_on() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("ok.md"), b"# ok\n");
        let locked = dir.path().join("locked");
        write(&locked.join("inside.md"), b"# inside\n");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = fs::read_dir(&locked).is_ok(); // running as root
        let result = walk(dir.path());
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        let walk = result.unwrap();
        if readable_anyway {
            assert_eq!(rel_paths(&walk), ["locked/inside.md", "ok.md"]);
            return;
        }
        assert_eq!(rel_paths(&walk), ["ok.md"]);
        assert!(walk.skipped[0].location.ends_with("locked"));
        assert!(walk.skipped[0].reason.starts_with("cannot read folder"));
    }
}
