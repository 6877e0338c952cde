//! Activity timeline: a cluster's posts per time bin against everyone else's, both as a share of
//! the group's own posts so a 30-account network and a million-post background compare on one axis.

use super::{DrawResult, FONT, GREY, nice_max, render_svg};
use crate::ReportError;
use crate::time::{format_date, format_minute};
use plotters::prelude::*;

/// Equal-width time bins covering a time range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeBins {
    /// Start of the first bin, UTC seconds.
    pub start: i64,
    /// Bin width, seconds.
    pub width: i64,
    /// Number of bins.
    pub n: usize,
}

impl TimeBins {
    /// Bins of an hour, a day or a week, whichever gives at most ~200 bins over `[min, max]`.
    pub fn for_range(min: i64, max: i64) -> TimeBins {
        let span = (max - min).max(1);
        let width = [3_600i64, 86_400, 7 * 86_400, 30 * 86_400]
            .into_iter()
            .find(|w| span / w <= 200)
            .unwrap_or(30 * 86_400);
        let start = min.div_euclid(width) * width;
        let n = ((max - start) / width + 1) as usize;
        TimeBins { start, width, n }
    }

    /// The bin of time `t` (clamped into range).
    pub fn index(&self, t: i64) -> usize {
        (((t - self.start).max(0) / self.width) as usize).min(self.n.saturating_sub(1))
    }

    /// The unit name of a bin, for axis labels.
    pub fn unit(&self) -> &'static str {
        match self.width {
            3_600 => "hour",
            86_400 => "day",
            604_800 => "week",
            _ => "30 days",
        }
    }

    /// Counts of `times` per bin.
    pub fn count(&self, times: impl IntoIterator<Item = i64>) -> Vec<u64> {
        let mut c = vec![0u64; self.n];
        for t in times {
            c[self.index(t)] += 1;
        }
        c
    }
}

/// Draws the timeline of `cluster` counts against `background` counts (same bins), as percentages.
pub fn timeline(
    title: &str,
    bins: &TimeBins,
    cluster: &[u64],
    background: &[u64],
    colour: RGBColor,
) -> Result<String, ReportError> {
    let share = |c: &[u64]| -> Vec<f64> {
        let total: u64 = c.iter().sum();
        c.iter()
            .map(|&v| {
                if total == 0 {
                    0.0
                } else {
                    100.0 * v as f64 / total as f64
                }
            })
            .collect()
    };
    let (cs, bs) = (share(cluster), share(background));
    let ymax = nice_max(cs.iter().chain(&bs).copied().fold(0.0, f64::max));
    let bins = *bins;
    let n = bins.n.max(1) as f64;
    render_svg("timeline", 900, 300, |root| -> DrawResult {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 20))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(42)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n, 0f64..ymax)?;
        let fmt = |v: &f64| {
            let t = bins.start + (*v * bins.width as f64) as i64;
            if bins.width < 86_400 {
                format_minute(t)
            } else {
                format_date(t)
            }
        };
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_labels(6)
            .x_label_formatter(&fmt)
            .y_label_formatter(&|v| {
                if ymax >= 5.0 {
                    format!("{v:.0}%")
                } else {
                    format!("{v:.1}%")
                }
            })
            .x_desc(format!("time (UTC), one point per {}", bins.unit()))
            .y_desc(format!("% of the group's posts per {}", bins.unit()))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        chart
            .draw_series(AreaSeries::new(
                bs.iter().enumerate().map(|(i, &v)| (i as f64 + 0.5, v)),
                0.0,
                GREY.mix(0.35),
            ))?
            .label("everyone else")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], GREY.mix(0.5).filled()));
        chart
            .draw_series(LineSeries::new(
                cs.iter().enumerate().map(|(i, &v)| (i as f64 + 0.5, v)),
                colour.stroke_width(2),
            ))?
            .label("this network")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .draw()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_range() {
        let b = TimeBins::for_range(1_000_000, 1_000_000 + 5 * 86_400 + 5);
        assert_eq!(b.width, 3_600);
        let b = TimeBins::for_range(0, 100 * 86_400);
        assert_eq!(b.width, 86_400);
        assert_eq!(b.index(0), 0);
        assert_eq!(b.index(100 * 86_400), b.n - 1);
        assert_eq!(b.count([0, 1, 86_400]), {
            let mut v = vec![0; b.n];
            v[0] = 2;
            v[1] = 1;
            v
        });
    }

    #[test]
    fn svg_has_title_and_axes() {
        let b = TimeBins::for_range(0, 5 * 86_400);
        let svg = timeline(
            "Network 1: activity",
            &b,
            &[1, 2, 3],
            &[3, 2, 1],
            super::super::PALETTE[0],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Network 1: activity"));
        assert!(svg.contains("time (UTC)"));
        assert!(svg.contains("% of the group"));
    }
}
