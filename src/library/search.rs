//! Full-text search: the posts that match a query in their ranking's order ([`ranking`]
//! says what the order is), a first page found tier by tier, and the excerpts of the hits.
//! The query language is [`SearchQuery`]'s; the lists and the shared SQL pieces are
//! [`super::query`]'s.

use serde::Serialize;

use super::body::{FirstPart, Stored};
use super::excerpt::{excerpt, excerpt_in_first_part};
use super::index::query::{SearchQuery, Table};
use super::query::{
    NEWEST_FIRST, POSTS_NEWEST_FIRST, SMALL_FILTER, SUMMARY_COLUMNS, SUMMARY_FROM, summary_from_row,
};
use super::{Filter, Library, LibraryError};
use crate::post::{PostId, PostSummary};
use ranking::{EXACT, IN_TITLE, KeyPosts, Ranking, Sql, TOGETHER, filter_conditions, id_list};

/// A search result: the post and a short excerpt around the first match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub post: PostSummary,
    pub excerpt: String,
}

/// Above this many posts matching the included words, search ranks body matches by date
/// rather than by bm25 relevance. See [`Library::search`].
pub(super) const RELEVANCE_LIMIT: usize = 500;

impl Library {
    /// Posts matching `query` (see [`SearchQuery`]), best first: posts with every term in
    /// the title (as whole words), then posts with the terms together (as one phrase), then
    /// by relevance or, for a common word, the posts with the word itself before those with
    /// only longer words starting with it; then newest first.
    ///
    /// Relevance is the bm25 score of the included terms, and only when they are in at most
    /// [`RELEVANCE_LIMIT`] posts; otherwise the rest come newest first. Why: bm25 costs a
    /// pass over every matching post (its size, its hits), and the cost grows with the
    /// number of matches while the page stays 50 posts long. A word found in hundreds of
    /// posts is a common word of the archive, and among its matches a newsletter reader
    /// wants the recent ones, as a mail client's search does; a rarer word keeps the
    /// ranking that puts the post about it first.
    ///
    /// A page of a common word's matches is found tier by tier (see [`Ranking::tiers`]),
    /// each walking the posts newest first until the page is full, so it costs what its
    /// page costs rather than what all the matches cost.
    pub fn search(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<SearchHit>, LibraryError> {
        let query = SearchQuery::parse(query);
        if query.is_empty() || query.matches_nothing() {
            return Ok(Vec::new());
        }
        let ids = self.ranked_ids(&query, Ranking::of(&query), limit)?;
        let names = self.tag_names()?;
        let sql = format!("SELECT {SUMMARY_COLUMNS}, p.body FROM {SUMMARY_FROM} WHERE p.id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let texts = query.texts();
        let terms: Vec<&String> = texts.iter().collect();
        let count = ids.len();
        let found = ids.into_iter().map(|id| {
            stmt.query_row([id], |row| {
                Ok((summary_from_row(row, &names)?, Stored::from_row(row, 8)?))
            })
        });
        Ok(with_excerpts(found, count, &terms)?)
    }

    /// The posts that match `filter`, in [`Library::search`]'s order rather than newest
    /// first: the list the reader shows for a search, where the post about the searched
    /// words must come before the newer ones that only mention them. Without a search it is
    /// [`Library::list`]. The tags and the unread and starred marks narrow the ranking's
    /// every condition, so the order among the posts they keep is the search's own.
    pub fn list_ranked(&self, filter: &Filter) -> Result<Vec<PostSummary>, LibraryError> {
        let Some(query) = filter.search.as_deref().map(SearchQuery::parse) else {
            return self.list(filter);
        };
        if query.is_empty() || query.matches_nothing() {
            return self.list(filter);
        }
        let ranking = Ranking::of(&query).within(&filter_conditions(filter));
        let ids = self.ranked_ids(&query, ranking, filter.limit)?;
        let names = self.tag_names()?;
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE p.id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let posts = ids
            .into_iter()
            .map(|id| stmt.query_row([id], |row| summary_from_row(row, &names)))
            .collect::<Result<_, _>>()?;
        Ok(posts)
    }

    /// The ids of the posts `ranking` selects, best first, up to `limit`.
    fn ranked_ids(
        &self,
        query: &SearchQuery,
        ranking: Ranking,
        limit: Option<usize>,
    ) -> Result<Vec<PostId>, LibraryError> {
        // A prefix is counted only when its whole word is rare: counting `the*` merges the
        // entries of every word starting with `the`, and `the` alone already says "common".
        let by_relevance = match (query.included_exactly(), query.included(Table::Words)) {
            (Some(exact), _)
                if !self.index_matches_at_most(Table::Words, &exact, RELEVANCE_LIMIT)? =>
            {
                false
            }
            (_, Some(expression)) => {
                self.index_matches_at_most(Table::Words, &expression, RELEVANCE_LIMIT)?
            }
            (_, None) => false,
        };
        match limit {
            Some(limit) if !by_relevance => self.search_page_by_tiers(&ranking, limit),
            _ => self.search_ranked(query, &ranking, by_relevance, limit),
        }
    }

    /// Every match of `query` in one statement, in [`Library::search`]'s order: ids and
    /// sort keys only (sorting whole rows made SQLite carry every matching body through
    /// the sorter).
    fn search_ranked(
        &self,
        query: &SearchQuery,
        ranking: &Ranking,
        by_relevance: bool,
        limit: Option<usize>,
    ) -> Result<Vec<PostId>, LibraryError> {
        let limit = limit.map_or(-1, |limit| limit as i64);
        let mut sql = Sql::default();
        sql.append("SELECT p.id, ");
        sql.push(&ranking.keys[IN_TITLE].sql);
        sql.append(" AS in_title, ");
        sql.push(&ranking.keys[TOGETHER].sql);
        sql.append(" AS together, ");
        if by_relevance {
            // The index selects the candidates and gives their bm25 score in one pass (lower
            // is better; a title hit weighs ten body hits).
            sql.push(&Sql::new(
                "fts.score AS relevance FROM posts p \
                 JOIN (SELECT rowid AS id, bm25(search_index, 10.0, 1.0) AS score \
                     FROM search_index WHERE search_index MATCH ?) fts ON fts.id = p.id WHERE ",
                query.included(Table::Words).into_iter().collect(),
            ));
            sql.push(&ranking.rest_of_query);
            sql.append(&format!(
                " ORDER BY in_title DESC, together DESC, relevance, {NEWEST_FIRST} LIMIT {limit}"
            ));
        } else {
            sql.push(&ranking.keys[EXACT].sql);
            sql.append(" AS exact FROM posts p INDEXED BY posts_page WHERE ");
            sql.push(&ranking.matching);
            sql.append(&format!(
                " ORDER BY in_title DESC, together DESC, exact DESC, {NEWEST_FIRST} LIMIT {limit}"
            ));
        }
        self.ids(&sql)
    }

    /// The first `limit` matches in [`Library::search_ranked`]'s order when by date: the
    /// posts of each tier newest first, the tiers in order, until the page is full. Each
    /// tier's statement stops at the page's end, and the first ones read only the index
    /// entries of the title or of a phrase, so a word in half of 100,000 posts costs a
    /// page's worth of work.
    fn search_page_by_tiers(
        &self,
        ranking: &Ranking,
        limit: usize,
    ) -> Result<Vec<PostId>, LibraryError> {
        // The posts of each key with words in the index, when they are fewer than
        // SMALL_FILTER: a tier with such a key looks up those posts by id and checks its
        // other keys on each; one whose key no post has is skipped. Other tiers walk all
        // posts newest first until the page is full, reading only the `posts_page` index:
        // looking up the 12,000 posts with 状态 in the title, of 100,000, read a page of the
        // posts table for each, 40 ms against 1 ms for the walk. Found once: each tier used
        // to ask the index again, and a phrase of two common words took 17 ms each time.
        let mut posts = [KeyPosts::Many, KeyPosts::Many, KeyPosts::Many];
        for (key, posts) in ranking.keys.iter().zip(posts.iter_mut()) {
            if let Some((table, expression)) = &key.lookup {
                let ids = self.index_matches_first(*table, expression, SMALL_FILTER)?;
                if ids.len() < SMALL_FILTER {
                    *posts = KeyPosts::Few(ids);
                }
            }
        }
        let mut ids: Vec<PostId> = Vec::with_capacity(limit);
        for tier in ranking.tiers(&posts) {
            if ids.len() >= limit {
                break;
            }
            let from = if tier.few {
                "posts p"
            } else {
                POSTS_NEWEST_FIRST
            };
            // The ids already taken are the whole of the earlier tiers: a tier that did not
            // fill the page gave every post it has.
            let sql = Sql::new(
                format!(
                    "SELECT p.id FROM {from} WHERE ({}) AND p.id NOT IN ({}) \
                     ORDER BY {NEWEST_FIRST} LIMIT {}",
                    tier.condition.text,
                    id_list(&ids),
                    limit - ids.len()
                ),
                tier.condition.params,
            );
            ids.extend(self.ids(&sql)?);
        }
        Ok(ids)
    }

    /// The post ids a statement selects.
    fn ids(&self, sql: &Sql) -> Result<Vec<PostId>, LibraryError> {
        let mut stmt = self.conn.prepare(&sql.text)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(&sql.params), |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The hits of `found` (`count` of them), in order, each with its excerpt. Decompressing
/// and searching each body is most of the work of a long list (`search --json` of 5,000
/// posts), and reading the bodies most of the rest: a list of more than a page is a
/// pipeline, this thread reading the rows (the connection is not shared) while the other
/// processors decode the bodies read so far, in batches.
fn with_excerpts(
    found: impl Iterator<Item = rusqlite::Result<(PostSummary, Stored)>>,
    count: usize,
    terms: &[&String],
) -> rusqlite::Result<Vec<SearchHit>> {
    let hit = |(post, body): (PostSummary, Stored)| -> rusqlite::Result<SearchHit> {
        let excerpt = excerpt_of_stored(&post.title, &body, terms)?;
        Ok(SearchHit { post, excerpt })
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if count < 200 || workers < 2 {
        return found.map(|row| hit(row?)).collect();
    }
    std::thread::scope(|scope| {
        // Each worker takes every `workers`-th batch, so the batches come back in order by
        // taking one from each worker in turn.
        let (senders, handles): (Vec<_>, Vec<_>) = (0..workers)
            .map(|_| {
                let (sender, receiver) =
                    std::sync::mpsc::sync_channel::<Vec<(PostSummary, Stored)>>(BATCHES_AHEAD);
                let handle = scope.spawn(move || {
                    receiver
                        .into_iter()
                        .map(|batch| batch.into_iter().map(hit).collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                });
                (sender, handle)
            })
            .unzip();
        let mut read = Ok(());
        let mut batch = Vec::with_capacity(BATCH);
        let mut sent = 0;
        for row in found {
            match row {
                Ok(row) => batch.push(row),
                Err(err) => {
                    read = Err(err);
                    break;
                }
            }
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                // A worker that is gone has panicked; its join below says so.
                let _ = senders[sent % workers].send(full);
                sent += 1;
            }
        }
        if !batch.is_empty() {
            let _ = senders[sent % workers].send(batch);
        }
        drop(senders);
        let mut decoded: Vec<_> = handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    .into_iter()
            })
            .collect();
        read?;
        let mut hits = Vec::with_capacity(count);
        'batches: for turn in 0.. {
            let Some(batch) = decoded[turn % workers].next() else {
                break 'batches;
            };
            for result in batch {
                hits.push(result?);
            }
        }
        Ok(hits)
    })
}

/// [`excerpt`] of a stored body, decoding only its first part when the excerpt is in it:
/// for a post in a long list that is usually so, and the first part is a fifth of an
/// average post's decoding.
fn excerpt_of_stored(title: &str, body: &Stored, terms: &[&String]) -> rusqlite::Result<String> {
    Ok(match body.decode_first_part()? {
        FirstPart::Whole(text) => excerpt(title, &text, terms),
        FirstPart::Part(part) => match excerpt_in_first_part(title, &part, terms) {
            Some(found) => found,
            None => excerpt(title, &body.decode()?, terms),
        },
    })
}

/// Rows sent to a worker at a time: enough that the channel costs nothing beside a body's
/// decoding, few enough that the workers start soon after the reading does.
const BATCH: usize = 32;

/// Batches that may wait for each worker, which bounds the bodies held in memory.
const BATCHES_AHEAD: usize = 8;

mod ranking;

#[cfg(test)]
mod tests;
