//! Account-creation histogram: a batch of accounts registered within days of each other is one of
//! the strongest signs of a manufactured network.

use super::{DrawResult, FONT, nice_max, render_svg};
use crate::ReportError;
use crate::time::{DAY, format_date};
use plotters::prelude::*;

/// Counts `times` in equal bins of 1, 7, 30, 91 or 365 days (the first giving at most 120 bins).
/// Returns `(start, width_s, counts)`; `None` for no times.
pub fn creation_bins(times: &[i64]) -> Option<(i64, i64, Vec<u64>)> {
    let min = *times.iter().min()?;
    let max = *times.iter().max()?;
    let span = (max - min).max(1);
    let width = [1, 7, 30, 91, 365]
        .into_iter()
        .map(|d| d * DAY)
        .find(|w| span / w < 120)
        .unwrap_or(365 * DAY);
    let start = min.div_euclid(width) * width;
    let n = ((max - start) / width + 1) as usize;
    let mut counts = vec![0u64; n];
    for &t in times {
        counts[((t - start) / width) as usize] += 1;
    }
    Some((start, width, counts))
}

/// The bin width in words.
pub fn width_words(width: i64) -> &'static str {
    match width / DAY {
        1 => "day",
        7 => "week",
        30 => "30 days",
        91 => "quarter",
        _ => "year",
    }
}

/// Draws accounts created per bin.
pub fn creation_histogram(
    title: &str,
    start: i64,
    width: i64,
    counts: &[u64],
    colour: RGBColor,
) -> Result<String, ReportError> {
    let ymax = nice_max(counts.iter().copied().max().unwrap_or(0) as f64);
    let n = counts.len().max(1) as f64;
    render_svg("creation", 900, 280, |root| -> DrawResult {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 20))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(42)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n, 0f64..ymax)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_labels(6)
            .x_label_formatter(&|v| format_date(start + (*v * width as f64) as i64))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc(format!(
                "account creation date (UTC), one bar per {}",
                width_words(width)
            ))
            .y_desc(format!("accounts created per {}", width_words(width)))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        chart.draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, &c)| {
                    Rectangle::new(
                        [(i as f64 + 0.08, 0.0), (i as f64 + 0.92, c as f64)],
                        colour.filled(),
                    )
                }),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_count_everything() {
        let times = [0, DAY, 2 * DAY, 400 * DAY];
        let (start, width, counts) = creation_bins(&times).unwrap();
        assert_eq!(width, 7 * DAY);
        assert_eq!(counts.iter().sum::<u64>(), 4);
        assert!(start <= 0);
        assert!(creation_bins(&[]).is_none());
        let svg = creation_histogram("Creation", start, width, &counts, super::super::PALETTE[2])
            .unwrap();
        assert!(svg.contains("accounts created per week"));
    }
}
