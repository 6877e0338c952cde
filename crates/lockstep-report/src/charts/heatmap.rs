//! Hour-of-week heatmap in a given time zone: office-hours schedules (Monday to Friday, nine to
//! six, lunch dip) stand out at a glance, and so does the time zone that makes them fit.

use super::{DrawResult, FONT, GREY, render_svg};
use crate::ReportError;
use crate::time::{hour, weekday};
use plotters::prelude::*;

/// Day names, Monday first.
pub const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Post counts per `[weekday][hour]` of `times` shifted by `offset_hours` (Monday = 0).
pub fn hour_of_week(times: impl IntoIterator<Item = i64>, offset_hours: f32) -> [[u64; 24]; 7] {
    let shift = (offset_hours * 3600.0).round() as i64;
    let mut grid = [[0u64; 24]; 7];
    for t in times {
        let local = t + shift;
        grid[weekday(local)][hour(local)] += 1;
    }
    grid
}

/// `UTC+8`, `UTC-3:30`, `UTC`.
pub fn offset_label(offset_hours: f32) -> String {
    let mins = (offset_hours * 60.0).round() as i64;
    if mins == 0 {
        return "UTC".into();
    }
    let sign = if mins > 0 { '+' } else { '-' };
    let (h, m) = (mins.abs() / 60, mins.abs() % 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// Draws the heatmap; darker cells hold more posts. `colour` is the full-intensity colour.
pub fn heatmap(
    title: &str,
    grid: &[[u64; 24]; 7],
    zone: &str,
    colour: RGBColor,
) -> Result<String, ReportError> {
    let max = grid.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    render_svg("heatmap", 900, 290, |root| -> DrawResult {
        let (main, legend) = root.split_horizontally(800);
        let mut chart = ChartBuilder::on(&main)
            .caption(title, (FONT, 20))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(42)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5f64..23.5, -0.5f64..6.5)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(24)
            .y_labels(7)
            .x_label_formatter(&|v| format!("{:.0}", v))
            .y_label_formatter(&|v| {
                let d = 6 - v.round() as i64;
                DAYS.get(d as usize)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            })
            .x_desc(format!("hour of day ({zone})"))
            .y_desc("day of week")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        let cells = grid.iter().enumerate().flat_map(|(d, row)| {
            row.iter().enumerate().map(move |(h, &c)| {
                let y = (6 - d) as f64;
                let x = h as f64;
                let a = c as f64 / max;
                let fill = if c == 0 {
                    WHITE.mix(1.0).filled()
                } else {
                    colour.mix(0.12 + 0.88 * a).filled()
                };
                Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], fill)
            })
        });
        chart.draw_series(cells)?;
        chart.draw_series(grid.iter().enumerate().flat_map(|(d, row)| {
            row.iter().enumerate().map(move |(h, _)| {
                let (x, y) = (h as f64, (6 - d) as f64);
                Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], GREY.mix(0.25))
            })
        }))?;
        // Colour scale legend: 0 .. max posts per hour slot.
        let legend = legend.margin(40, 50, 5, 10);
        let (_, h) = legend.dim_in_pixel();
        let steps: i32 = 10;
        for i in 0..steps {
            let a = (steps - i) as f64 / steps as f64;
            let y0 = i * (h as i32 - 40) / steps + 20;
            let y1 = (i + 1) * (h as i32 - 40) / steps + 20;
            legend.draw(&Rectangle::new(
                [(0, y0), (18, y1)],
                colour.mix(0.12 + 0.88 * a).filled(),
            ))?;
        }
        legend.draw(&Text::new(format!("{max:.0} posts"), (0, 2), (FONT, 11)))?;
        legend.draw(&Text::new("1 post", (0, h as i32 - 16), (FONT, 11)))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_moves_hours() {
        // 2019-08-19 (a Monday) 23:30 UTC is Tuesday 07:30 at UTC+8.
        let t = 1_566_172_800 + 23 * 3600 + 1800;
        let g = hour_of_week([t], 8.0);
        assert_eq!(g[1][7], 1);
        let g = hour_of_week([t], 0.0);
        assert_eq!(g[0][23], 1);
        assert_eq!(offset_label(8.0), "UTC+8");
        assert_eq!(offset_label(-3.5), "UTC-3:30");
        assert_eq!(offset_label(0.0), "UTC");
    }

    #[test]
    fn draws_labels() {
        let g = hour_of_week([1_566_172_800], 0.0);
        let svg = heatmap(
            "Posts by hour of week",
            &g,
            "UTC+8, inferred",
            super::super::PALETTE[1],
        )
        .unwrap();
        assert!(svg.contains("hour of day (UTC+8, inferred)"));
        assert!(svg.contains("day of week"));
        assert!(svg.contains("Mon"));
    }
}
