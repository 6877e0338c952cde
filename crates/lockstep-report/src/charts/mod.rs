//! Charts, each a function from plain numbers to one SVG string, drawn with `plotters`' SVG backend.
//!
//! Every chart has a title, axis labels with units (the network picture, which has no axes, has a
//! legend and a caption instead). Text is emitted as SVG `<text>` in a generic font family, so the
//! browser lays it out with whatever fonts it has; nothing is fetched.

pub mod bars;
pub mod delays;
pub mod heatmap;
pub mod histogram;
pub mod network;
pub mod timeline;

use crate::ReportError;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// Result type of the drawing closures: plotters' error kinds boxed.
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Font family of every chart text.
pub(crate) const FONT: &str = "sans-serif";

/// Categorical palette (Tableau 10), for clusters.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

/// Grey for background / unclustered data.
pub const GREY: RGBColor = RGBColor(170, 170, 170);

/// The palette colour of the `i`-th cluster shown.
pub fn cluster_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `#rrggbb` of a colour, for the HTML legend.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Draws into a `w`×`h` SVG and returns its text.
pub(crate) fn render_svg(
    name: &str,
    w: u32,
    h: u32,
    draw: impl FnOnce(DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> DrawResult,
) -> Result<String, ReportError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| ReportError::Chart(name.to_string(), e.to_string()))?;
        draw(root.clone()).map_err(|e| ReportError::Chart(name.to_string(), e.to_string()))?;
        root.present()
            .map_err(|e| ReportError::Chart(name.to_string(), e.to_string()))?;
    }
    Ok(buf)
}

/// A "nice" upper bound for an axis showing values up to `max`.
pub(crate) fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * mag >= max * 1.05 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Shortens a label to `n` characters with an ellipsis.
pub(crate) fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_max_bounds() {
        for v in [0.3, 1.0, 7.0, 42.0, 99.0, 1234.0] {
            let m = nice_max(v);
            assert!(m >= v && m <= v * 2.5, "{v} -> {m}");
        }
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
