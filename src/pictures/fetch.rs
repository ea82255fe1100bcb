//! Fetching a source's pictures after its posts: find what the posts use
//! ([`super::refs`]), fetch what is not cached yet a few at a time, pass the bytes through
//! [`super::intake`], store them ([`super::store`]), record the outcome, and keep the budget.
//!
//! The rules:
//! - A picture that fails never fails its post or the sync: it is recorded with its reason
//!   and retried on a later sync, after a growing delay.
//! - A host that cannot be resolved or connected is tried once per sync, not once per
//!   picture: each host's first picture is fetched before the rest, and the rest of an
//!   unreachable host are recorded as not tried. The hosts found unreachable are kept in an
//!   [`UnreachableHosts`] that one sync run shares between its sources. A host that drops
//!   packets counts too (its connect times out), and is not retried within the sync, so it
//!   costs one connect timeout, paid while the other hosts' first pictures come in.
//! - Only `http`/`https` are fetched (through [`HttpClient`], at most [`MAX_PICTURE_BYTES`]);
//!   a local post's pictures beside it are read from disk, with the same limit.
//!
//! Synchronous, with a progress callback; called by `crate::sync` on its thread.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use super::intake::{self, Intake};
use super::refs::{self, PostHome};
use super::store::{self, PictureStore, PruneReport};
use super::{FetchScope, PictureOptions};
use crate::library::pictures::{self as records, PictureOutcome};
use crate::library::{Library, LibraryError, SourceInfo, SourceKind};
use crate::loader::github::{GithubEndpoints, GithubLocation};
use crate::loader::http::{Fetched, HttpClient, HttpError, HttpOptions, Validators};

/// 8 MiB: a large poster or a long screenshot as a PNG; anything larger is refused.
pub const MAX_PICTURE_BYTES: u64 = 8 * 1024 * 1024;

/// Pictures in flight at once.
pub const PARALLEL_PICTURES: usize = 4;

/// What fetching one source's pictures did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PictureReport {
    /// Posts whose pictures were looked for (new or changed posts).
    pub scanned_posts: usize,
    pub stored: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Bytes received (network and disk).
    pub bytes: u64,
    /// Hosts found unreachable during this source's fetch.
    pub unreachable_hosts: Vec<String>,
    pub pruned: PruneReport,
    pub cancelled: bool,
}

impl PictureReport {
    /// `pictures: 12 stored, 1 skipped, 2 failed` (or `None` when nothing was fetched).
    pub fn summary_line(&self) -> Option<String> {
        if self.stored + self.skipped + self.failed == 0 && self.pruned.removed == 0 {
            return None;
        }
        let mut line = format!(
            "pictures: {} stored, {} skipped, {} failed, {}",
            self.stored,
            self.skipped,
            self.failed,
            crate::sync::human_bytes(self.bytes)
        );
        if !self.unreachable_hosts.is_empty() {
            line.push_str(&format!(
                " ({} unreachable: {})",
                if self.unreachable_hosts.len() == 1 {
                    "host"
                } else {
                    "hosts"
                },
                crate::text::sanitize_line(&self.unreachable_hosts.join(", "))
            ));
        }
        if self.pruned.removed > 0 {
            line.push_str(&format!(
                "; {} dropped to keep the budget",
                self.pruned.removed
            ));
        }
        Some(line)
    }
}

/// Hosts (`scheme://host:port`) that could not be reached during one sync run; clones
/// share the set.
#[derive(Debug, Clone, Default)]
pub struct UnreachableHosts(Arc<Mutex<HashSet<String>>>);

impl UnreachableHosts {
    fn contains(&self, host: &str) -> bool {
        self.0.lock().unwrap().contains(host)
    }

    fn insert(&self, host: String) {
        self.0.lock().unwrap().insert(host);
    }

    fn snapshot(&self) -> HashSet<String> {
        self.0.lock().unwrap().clone()
    }
}

/// Fetches pictures for a source. See the module docs.
pub struct PictureFetcher {
    client: HttpClient,
    options: PictureOptions,
    parallel: usize,
    unreachable: UnreachableHosts,
}

/// One fetched (or refused) picture, from a worker to the thread that records it.
struct Done {
    url: String,
    result: Result<(Vec<u8>, Intake), String>,
    /// Bytes received.
    received: u64,
}

impl PictureFetcher {
    /// `http` is the sync's client settings; pictures get a smaller size cap and one retry
    /// (a picture is worth less waiting than a post).
    /// `unreachable` is shared with the other sources of the same sync.
    pub fn new(
        http: &HttpOptions,
        options: PictureOptions,
        unreachable: UnreachableHosts,
    ) -> PictureFetcher {
        let mut http = http.clone();
        http.max_body_bytes = MAX_PICTURE_BYTES;
        http.retries = http.retries.min(1);
        PictureFetcher {
            // Not even that retry for a host that cannot be reached: it is remembered as
            // unreachable for the rest of the sync and tried again on the next one, so one
            // connect timeout is all it costs.
            client: HttpClient::new(http).without_retries_when_unreachable(),
            options,
            parallel: PARALLEL_PICTURES,
            unreachable,
        }
    }

    /// Finds the pictures of `source`'s new and changed posts, fetches those not cached
    /// yet (or due for a retry), and applies the budget. `progress(done, total)` counts
    /// pictures. Only a library error stops it.
    pub fn fetch_source(
        &self,
        library: &mut Library,
        source: &SourceInfo,
        github: &GithubEndpoints,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<PictureReport, LibraryError> {
        let mut report = PictureReport::default();
        let Some(folder) = library.folder() else {
            return Ok(report);
        };
        if self.options.fetch == FetchScope::None {
            // No picture work at all: not even reading the posts for their pictures.
            return Ok(report);
        }
        report.scanned_posts = scan_posts(library, source, github)?;
        let now = records::now();
        let mut wanted = library.pictures_to_fetch(source.id, self.options.fetch, now)?;
        // Room left in the budget. A picture the budget dropped is fetched again only into
        // room: storing it and dropping another would make every sync fetch and drop again.
        let mut room = self
            .options
            .budget_bytes
            .saturating_sub(stored_total(library)?);
        if room == 0 {
            wanted.retain(|picture| !picture.evicted);
        }
        let evicted: HashSet<String> = wanted
            .iter()
            .filter(|picture| picture.evicted)
            .map(|picture| picture.url.clone())
            .collect();
        let store = PictureStore::new(&folder);
        let urls: Vec<String> = wanted.into_iter().map(|picture| picture.url).collect();
        let total = urls.len();
        if total > 0 {
            progress(0, total);
        }
        let (probes, rest) = probes_first(urls);
        let mut done = 0;
        let hosts_before = self.unreachable.snapshot();
        for batch in [probes, rest] {
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                break;
            }
            self.run_batch(batch, cancel, |finished| {
                done += 1;
                report.bytes += finished.received;
                let was_evicted = evicted.contains(&finished.url);
                record(
                    library,
                    &store,
                    finished,
                    was_evicted,
                    &mut room,
                    &mut report,
                )?;
                progress(done, total);
                Ok(())
            })?;
        }
        report.cancelled |= cancel.load(Ordering::Relaxed) && done < total;
        let mut hosts: Vec<String> = self
            .unreachable
            .snapshot()
            .difference(&hosts_before)
            .cloned()
            .collect();
        hosts.sort();
        report.unreachable_hosts = hosts;
        report.pruned = match store::apply_budget(library, &store, self.options.budget_bytes) {
            Ok(pruned) => pruned,
            Err(store::PruneError::Library(err)) => return Err(err),
            // A file that cannot be removed is tried again by the next prune.
            Err(store::PruneError::Remove { .. }) => PruneReport::default(),
        };
        Ok(report)
    }

    /// Fetches `urls` on a few threads; `on_done` runs on this thread for each.
    fn run_batch(
        &self,
        urls: Vec<String>,
        cancel: &AtomicBool,
        mut on_done: impl FnMut(Done) -> Result<(), LibraryError>,
    ) -> Result<(), LibraryError> {
        if urls.is_empty() {
            return Ok(());
        }
        let queue = Mutex::new(VecDeque::from(urls));
        let (sender, receiver) = mpsc::channel::<Done>();
        std::thread::scope(|scope| {
            for _ in 0..self.parallel {
                let sender = sender.clone();
                let queue = &queue;
                scope.spawn(move || {
                    loop {
                        if cancel.load(Ordering::Relaxed) {
                            break;
                        }
                        let Some(url) = queue.lock().unwrap().pop_front() else {
                            break;
                        };
                        if sender.send(self.fetch_one(&url)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            let mut result = Ok(());
            for finished in receiver {
                if result.is_ok() {
                    result = on_done(finished);
                    if result.is_err() {
                        // Stop the workers: the library cannot take their results.
                        queue.lock().unwrap().clear();
                    }
                }
            }
            result
        })
    }

    /// Fetches one picture and runs the intake on it (on the worker's thread: decoding is
    /// the slow part).
    fn fetch_one(&self, url: &str) -> Done {
        let host = host_key(url);
        if self.unreachable.contains(&host) {
            return Done {
                url: url.to_owned(),
                result: Err(format!(
                    "not tried: {} was unreachable earlier in this sync",
                    host
                )),
                received: 0,
            };
        }
        let bytes = if url.starts_with("file:") {
            read_local(url)
        } else {
            match self.client.get(url, &Validators::default(), None, None) {
                Ok(Fetched::Body(response)) => Ok(response.body),
                Ok(Fetched::NotModified) => Err("the server answered 304 to a plain GET".into()),
                Err(err) => {
                    let reason = http_reason(&err, &host);
                    if err.is_unreachable() {
                        self.unreachable.insert(host);
                    }
                    Err(reason)
                }
            }
        };
        let received = bytes.as_ref().map_or(0, |b| b.len() as u64);
        let result = bytes.and_then(|bytes| {
            let intake = intake::prepare(&bytes).map_err(|err| err.to_string())?;
            Ok((bytes, intake))
        });
        Done {
            url: url.to_owned(),
            result,
            received,
        }
    }
}

/// Stores and records one finished picture.
/// `room` is what is left of the budget; a picture the budget dropped before (`evicted`)
/// is stored again only if it fits.
fn record(
    library: &Library,
    store: &PictureStore,
    finished: Done,
    evicted: bool,
    room: &mut u64,
    report: &mut PictureReport,
) -> Result<(), LibraryError> {
    let now = records::now();
    let outcome = match finished.result {
        Ok((_, Intake::Keep(prepared))) if evicted && prepared.bytes.len() as u64 > *room => {
            return Ok(());
        }
        Ok((original, Intake::Keep(prepared))) => {
            *room = room.saturating_sub(prepared.bytes.len() as u64);
            let hash = store::content_hash(&original);
            let written = match library.picture_file_of_hash(&hash)? {
                Some(file) if store.full_path(&file).is_file() => Ok(file),
                _ => store.write(&hash, prepared.format.extension(), &prepared.bytes),
            };
            match written {
                Ok(file) => PictureOutcome::Stored {
                    bytes: std::fs::metadata(store.full_path(&file))
                        .map_or(prepared.bytes.len() as u64, |m| m.len()),
                    hash,
                    file,
                    width: prepared.width,
                    height: prepared.height,
                },
                Err(err) => PictureOutcome::Failed {
                    reason: format!("cannot write to the cache: {err}"),
                },
            }
        }
        Ok((_, Intake::Skip(reason))) => PictureOutcome::Skipped { reason },
        Err(reason) => PictureOutcome::Failed { reason },
    };
    match &outcome {
        PictureOutcome::Stored { .. } => report.stored += 1,
        PictureOutcome::Skipped { .. } => report.skipped += 1,
        PictureOutcome::Failed { .. } => report.failed += 1,
    }
    library.record_picture(&finished.url, &outcome, now)
}

/// Records the pictures of `source`'s posts that changed since they were last looked at,
/// a page of posts at a time (a first import may bring thousands); returns how many posts
/// were read.
fn scan_posts(
    library: &mut Library,
    source: &SourceInfo,
    github: &GithubEndpoints,
) -> Result<usize, LibraryError> {
    const PAGE: usize = 256;
    let github_location = match source.kind {
        SourceKind::GitHub => GithubLocation::parse(&source.location).ok(),
        _ => None,
    };
    let mut scanned = 0;
    for page in library.posts_to_scan(source.id)?.chunks(PAGE) {
        let posts = library.posts_for_scan(page)?;
        let found: Vec<Vec<(String, refs::Role)>> = posts
            .iter()
            .map(|post| {
                let home = post_home(
                    source,
                    github_location.as_ref(),
                    github,
                    &post.rel_path,
                    post.web_url.as_deref(),
                );
                home.map(|home| refs::pictures_of(&post.body, post.cover.as_deref(), &home))
                    .unwrap_or_default()
            })
            .collect();
        let records: Vec<records::ScannedPost<'_>> = posts
            .iter()
            .zip(&found)
            .map(|(post, pictures)| records::ScannedPost {
                post: post.id,
                content_hash: &post.content_hash,
                pictures,
            })
            .collect();
        library.record_scanned_posts(&records)?;
        scanned += posts.len();
    }
    Ok(scanned)
}

/// Where a post of `source` lives, for resolving its relative picture references: the
/// file beside it, its raw GitHub URL, or its web page (else the feed's address). What the
/// reader uses to find a rendered image's record.
pub fn post_home(
    source: &SourceInfo,
    github_location: Option<&GithubLocation>,
    github: &GithubEndpoints,
    rel_path: &str,
    web_url: Option<&str>,
) -> Option<PostHome> {
    match source.kind {
        SourceKind::Local => {
            let root = std::path::Path::new(&source.location);
            // A source that is one file holds one post: the file itself.
            let file = if root.is_file() {
                root.to_path_buf()
            } else {
                root.join(rel_path)
            };
            std::path::absolute(&file)
                .ok()
                .and_then(|file| PostHome::local_file(&file))
        }
        SourceKind::GitHub => {
            let parsed;
            let location = match github_location {
                Some(location) => location,
                None => {
                    parsed = GithubLocation::parse(&source.location).ok()?;
                    &parsed
                }
            };
            let repo_path = if location.path.is_empty() {
                rel_path.to_owned()
            } else if location.path.ends_with(".md") || rel_path.is_empty() {
                location.path.clone()
            } else {
                format!("{}/{}", location.path, rel_path)
            };
            PostHome::github_raw(&github.raw_url(location, &repo_path))
        }
        SourceKind::Feed => web_url
            .and_then(PostHome::web)
            .or_else(|| PostHome::web(&source.location)),
    }
}

fn stored_total(library: &Library) -> Result<u64, LibraryError> {
    let mut seen = HashSet::new();
    Ok(library
        .stored_pictures_by_last_use()?
        .into_iter()
        .filter(|picture| seen.insert(picture.hash.clone()))
        .map(|picture| picture.bytes)
        .sum())
}

/// Splits `urls` into the first of each host and the rest, keeping their order.
fn probes_first(urls: Vec<String>) -> (Vec<String>, Vec<String>) {
    let mut seen: HashMap<String, ()> = HashMap::new();
    let (mut probes, mut rest) = (Vec::new(), Vec::new());
    for url in urls {
        if seen.insert(host_key(&url), ()).is_none() {
            probes.push(url);
        } else {
            rest.push(url);
        }
    }
    (probes, rest)
}

/// `scheme://host:port`, what "the same host" means for reachability.
fn host_key(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.scheme() == "file" => "local files".to_owned(),
        Ok(parsed) => format!(
            "{}://{}:{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or(""),
            parsed.port_or_known_default().unwrap_or(0)
        ),
        Err(_) => url.to_owned(),
    }
}

/// A picture beside a local post.
fn read_local(url: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let path = url::Url::parse(url)
        .ok()
        .and_then(|parsed| parsed.to_file_path().ok())
        .ok_or_else(|| "not a local file".to_owned())?;
    let file = std::fs::File::open(&path).map_err(|err| format!("cannot read: {err}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_PICTURE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read: {err}"))?;
    if bytes.len() as u64 > MAX_PICTURE_BYTES {
        return Err(too_large_reason());
    }
    Ok(bytes)
}

fn too_large_reason() -> String {
    format!(
        "too large: more than {}",
        crate::sync::human_bytes(MAX_PICTURE_BYTES)
    )
}

/// The reason `images` shows: short, without the URL (the entry is the URL), but naming
/// `host` when it could not be reached, as its other pictures' "not tried" do.
fn http_reason(err: &HttpError, host: &str) -> String {
    match err {
        HttpError::Status { status, .. } => format!("HTTP {status}"),
        HttpError::TooLarge { .. } => too_large_reason(),
        HttpError::Timeout { seconds, .. } => format!("no answer within {seconds:.1} s"),
        HttpError::Connect { reason, .. } => format!("cannot connect to {host} ({reason})"),
        HttpError::ConnectTimeout { seconds, .. } => {
            format!("cannot connect to {host} (no answer within {seconds:.1} s)")
        }
        HttpError::Transfer { reason, .. } => format!("the connection broke ({reason})"),
        HttpError::UnsupportedScheme { .. } => "only http and https are fetched".to_owned(),
        HttpError::BadUrl { reason, .. } => format!("not a valid URL ({reason})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_host_is_probed_before_its_other_pictures() {
        let urls = [
            "https://a.example/1.png",
            "https://a.example/2.png",
            "https://b.example/1.png",
            "http://a.example/3.png",
            "https://a.example:443/4.png",
        ]
        .map(str::to_owned)
        .to_vec();
        let (probes, rest) = probes_first(urls);
        assert_eq!(
            probes,
            [
                "https://a.example/1.png",
                "https://b.example/1.png",
                "http://a.example/3.png"
            ]
        );
        assert_eq!(
            rest,
            ["https://a.example/2.png", "https://a.example:443/4.png"]
        );
    }
}
