//! Co-action delay distribution: how many seconds apart linked accounts act. Automation and
//! scheduled campaigns act within seconds; organic communities spread over hours.

use super::{DrawResult, FONT, nice_max, render_svg};
use crate::ReportError;
use plotters::prelude::*;

/// Upper bounds (seconds, exclusive) of the delay bins; the last bin is open.
pub const BOUNDS: [f64; 9] = [
    1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3_600.0, 21_600.0, 86_400.0,
];

/// Labels of the delay bins (one more than [`BOUNDS`]).
pub const LABELS: [&str; 10] = [
    "<1 s",
    "1-5 s",
    "5-15 s",
    "15-60 s",
    "1-5 min",
    "5-15 min",
    "15-60 min",
    "1-6 h",
    "6-24 h",
    ">1 day",
];

/// The bin of a delay in seconds.
pub fn bin(delay_s: f64) -> usize {
    BOUNDS
        .iter()
        .position(|&b| delay_s < b)
        .unwrap_or(BOUNDS.len())
}

/// One stacked series: name, colour, count per bin.
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Fill colour.
    pub colour: RGBColor,
    /// Edges per bin (`LABELS.len()` entries).
    pub counts: [u64; 10],
}

/// Draws the stacked distribution.
pub fn delay_chart(title: &str, series: &[Series]) -> Result<String, ReportError> {
    let mut totals = [0u64; 10];
    for s in series {
        for (t, c) in totals.iter_mut().zip(s.counts) {
            *t += c;
        }
    }
    let ymax = nice_max(totals.iter().copied().max().unwrap_or(0) as f64);
    render_svg("delays", 900, 320, |root| -> DrawResult {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 20))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(42)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..9.5, 0f64..ymax)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(10)
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() > 0.01 || !(0.0..10.0).contains(&i) {
                    String::new()
                } else {
                    LABELS[i as usize].to_string()
                }
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc(
                "median delay between the linked accounts' co-actions (seconds, minutes, hours)",
            )
            .y_desc("coordination edges (account pairs)")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        let mut base = [0u64; 10];
        for s in series {
            let colour = s.colour;
            let b = base;
            chart
                .draw_series(s.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(
                    |(i, &c)| {
                        let x = i as f64;
                        Rectangle::new(
                            [(x - 0.38, b[i] as f64), (x + 0.38, (b[i] + c) as f64)],
                            colour.filled(),
                        )
                    },
                ))?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 18, y + 5)], colour.filled())
                });
            for (bb, c) in base.iter_mut().zip(s.counts) {
                *bb += c;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_ordered() {
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(1.0), 1);
        assert_eq!(bin(59.9), 3);
        assert_eq!(bin(1e9), 9);
        let s = Series {
            name: "x".into(),
            colour: super::super::PALETTE[0],
            counts: [1; 10],
        };
        let svg = delay_chart("Delays", &[s]).unwrap();
        assert!(svg.contains("coordination edges") && svg.contains("1-5 min"));
    }
}
