//! Where each [`Effect`] runs: the one `match` that sends the library's work to the worker
//! (as a [`Job`]), a sync to its thread, a URL to the browser and text to the clipboard.
//! The event loop routes through it with outlets that act, the state tests with outlets
//! that record, so an effect cannot run in one and be lost in the other.

use super::pictures::decode::DecodeBatch;
use super::state::Effect;
use super::worker::Job;

/// The places effects run.
pub trait Outlets {
    /// Work on the library, for the worker thread.
    fn work(&mut self, job: Job);
    /// Sync the sources in the background.
    fn sync(&mut self);
    /// Hand `url` to the platform's opener.
    fn open_url(&mut self, url: String);
    /// Put `text` on the clipboard.
    fn copy(&mut self, text: String);
    /// Hand a local file to the platform's opener.
    fn open_file(&mut self, path: std::path::PathBuf);
    /// Decode pictures on the picture thread.
    fn decode(&mut self, batch: DecodeBatch);
    /// Give the terminal back until the process is resumed.
    fn suspend(&mut self);
}

/// Sends `effect` to where it runs.
pub fn route_effect(effect: Effect, to: &mut impl Outlets) {
    match effect {
        Effect::LoadTags => to.work(Job::LoadTags),
        Effect::LoadSession => to.work(Job::LoadSession),
        Effect::LoadList { ticket, query } => to.work(Job::LoadList { ticket, query }),
        Effect::LoadPost {
            ticket,
            id,
            width,
            picture_rows,
        } => to.work(Job::LoadPost {
            ticket,
            id,
            width,
            picture_rows,
        }),
        Effect::SetRead { id, read } => to.work(Job::SetRead { id, read }),
        Effect::SetStarred { id, starred } => to.work(Job::SetStarred { id, starred }),
        Effect::SavePosition { id, offset } => to.work(Job::SavePosition { id, offset }),
        Effect::SaveSession(session) => to.work(Job::SaveSession(session)),
        Effect::DecodePictures(batch) => to.decode(batch),
        Effect::MarkPicturesShown(urls) => to.work(Job::MarkPicturesShown(urls)),
        Effect::LoadSections { tags } => to.work(Job::LoadSections { tags }),
        Effect::LoadItems { ticket, query } => to.work(Job::LoadItems { ticket, query }),
        Effect::Sync => to.sync(),
        Effect::OpenUrl(url) => to.open_url(url),
        Effect::Copy(text) => to.copy(text),
        Effect::OpenFile(path) => to.open_file(path),
        Effect::Suspend => to.suspend(),
    }
}
