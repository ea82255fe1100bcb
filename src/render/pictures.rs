//! Pictures that stand alone in their paragraph: the rows they take in the text. Pure: the
//! caller says what the cache knows of each picture ([`PictureLayout::lookup`]), and the
//! reader or `show` draws the picture into the rows reserved here.
//!
//! A picture is scaled to the width of the text, never past its natural size, and to at
//! most [`PictureLayout::max_rows`] rows (about two thirds of the reading pane). Its rows are
//! blank lines of [`super::Rendered::lines`] at the picture's source offset, so they count in
//! the position and the percentage, and a reading position anchored to the text lands on the
//! same words at any width. A picture inside a line of text keeps the `[image: alt][n]`
//! placeholder; one the cache does not hold keeps it too, with the reason.

/// What the cache knows of one picture, by its reference as the text writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureState {
    /// Stored, this many pixels: it can be drawn.
    Cached { width: u32, height: u32 },
    /// Not drawable, and why: `not downloaded yet`, `failed: 404`, `too large`.
    Missing(String),
}

/// A terminal cell's size in pixels: from the terminal's font for the graphics protocols,
/// 1×2 for half blocks (a cell shows two pixels, one above the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellSize {
    pub width: u16,
    pub height: u16,
}

impl CellSize {
    /// Half blocks: one pixel across, two down.
    pub const HALF_BLOCKS: CellSize = CellSize {
        width: 1,
        height: 2,
    };
}

/// How pictures are laid out in a render: what the cache holds, the cell size, the most
/// rows one picture may take.
pub struct PictureLayout<'a> {
    /// The state of a picture by its reference as written (`None`: the caller knows nothing
    /// of it, and it stays a plain placeholder).
    pub lookup: &'a dyn Fn(&str) -> Option<PictureState>,
    pub cell: CellSize,
    pub max_rows: usize,
}

/// A picture drawn in the text: rows `line .. line + rows` of the rendered lines, from
/// column 0, `columns` wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureBlock {
    pub line: usize,
    pub rows: usize,
    pub columns: usize,
    /// The reference as the text writes it (what [`PictureLayout::lookup`] was asked).
    pub url: String,
    /// Index into [`super::Rendered::links`]: the picture keeps its number there.
    pub link: usize,
}

/// The cells a `width`×`height` px picture takes: as wide as it is at `cell`, at most
/// `max_columns` and `max_rows`, keeping its proportions; at least one cell each way.
///
/// ```
/// use sofa_weekly::render::{CellSize, fit_picture};
/// // 200×100 px in half blocks: 200 columns and 50 rows natural; 80 columns wide, so 20 rows.
/// assert_eq!(fit_picture(200, 100, CellSize::HALF_BLOCKS, 80, 30), (80, 20));
/// // A tall poster is held to the rows allowed.
/// assert_eq!(fit_picture(100, 1000, CellSize::HALF_BLOCKS, 80, 20), (4, 20));
/// // A small icon keeps its natural size.
/// assert_eq!(fit_picture(24, 24, CellSize::HALF_BLOCKS, 80, 20), (24, 12));
/// ```
pub fn fit_picture(
    width: u32,
    height: u32,
    cell: CellSize,
    max_columns: usize,
    max_rows: usize,
) -> (usize, usize) {
    let (cell_w, cell_h) = (f64::from(cell.width.max(1)), f64::from(cell.height.max(1)));
    let natural_columns = f64::from(width.max(1)) / cell_w;
    let natural_rows = f64::from(height.max(1)) / cell_h;
    let scale = (max_columns as f64 / natural_columns)
        .min(max_rows.max(1) as f64 / natural_rows)
        .min(1.0);
    let columns = (natural_columns * scale)
        .round()
        .clamp(1.0, max_columns.max(1) as f64);
    let rows = (natural_rows * scale)
        .round()
        .clamp(1.0, max_rows.max(1) as f64);
    (columns as usize, rows as usize)
}

/// The placeholder's words for a picture that is not drawn: its alt text and the reason.
pub fn missing_label(alt: &str, reason: &str) -> String {
    if alt.is_empty() {
        format!("[image: {reason}]")
    } else {
        format!("[image: {alt} ({reason})]")
    }
}
