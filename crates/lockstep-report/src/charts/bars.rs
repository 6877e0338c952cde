//! Top items (hashtags, domains, clients) as side-by-side horizontal bar charts: what a network
//! pushes and with which software.

use super::{DrawResult, FONT, nice_max, render_svg, shorten};
use crate::ReportError;
use plotters::prelude::*;

/// One panel: a title, the x-axis unit and the `(label, count)` rows, largest first.
#[derive(Clone, Debug)]
pub struct Panel {
    /// Panel title, e.g. "Top hashtags".
    pub title: String,
    /// X-axis description with unit, e.g. "posts using the hashtag".
    pub x_desc: String,
    /// Rows, largest first.
    pub rows: Vec<(String, u64)>,
}

/// Draws the panels side by side under one overall title.
pub fn top_bars(title: &str, panels: &[Panel], colour: RGBColor) -> Result<String, ReportError> {
    let w = 320 * panels.len().max(1) as u32;
    render_svg("top-items", w.max(600), 330, |root| -> DrawResult {
        let root = root.titled(title, (FONT, 20))?;
        let areas = root.split_evenly((1, panels.len().max(1)));
        for (area, panel) in areas.iter().zip(panels) {
            let n = panel.rows.len().max(5);
            let xmax = nice_max(panel.rows.iter().map(|r| r.1).max().unwrap_or(0) as f64);
            let rows = panel.rows.clone();
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, (FONT, 16))
                .margin(8)
                .x_label_area_size(38)
                .y_label_area_size(150)
                .build_cartesian_2d(0f64..xmax, -0.5f64..(n as f64 - 0.5))?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(WHITE)
                .x_labels(4)
                .y_labels(n)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| {
                    let i = v.round();
                    if (v - i).abs() > 0.01 || i < 0.0 {
                        return String::new();
                    }
                    // Row 0 at the top.
                    let idx = n as i64 - 1 - i as i64;
                    rows.get(idx as usize)
                        .map(|r| shorten(&r.0, 22))
                        .unwrap_or_default()
                })
                .x_desc(&panel.x_desc)
                .label_style((FONT, 13))
                .axis_desc_style((FONT, 13))
                .draw()?;
            chart.draw_series(panel.rows.iter().enumerate().map(|(i, r)| {
                let y = (n - 1 - i) as f64;
                Rectangle::new([(0.0, y - 0.35), (r.1 as f64, y + 0.35)], colour.filled())
            }))?;
            if panel.rows.is_empty() {
                area.draw(&Text::new("(none)", (120, 120), (FONT, 12)))?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_render() {
        let p = Panel {
            title: "Top hashtags".into(),
            x_desc: "posts".into(),
            rows: vec![("hk".into(), 10), ("news".into(), 3)],
        };
        let empty = Panel {
            title: "Top clients".into(),
            x_desc: "posts".into(),
            rows: vec![],
        };
        let svg = top_bars("What it posts", &[p, empty], super::super::PALETTE[0]).unwrap();
        assert!(svg.contains("Top hashtags") && svg.contains("hk") && svg.contains("(none)"));
    }
}
