//! The coordination network picture: accounts as dots at force-layout positions, significant
//! edges as lines, clusters coloured, core accounts drawn larger.

use super::{DrawResult, FONT, GREY, render_svg, shorten};
use crate::ReportError;
use plotters::prelude::*;

/// One node to draw.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    /// Position in the unit square.
    pub pos: (f32, f32),
    /// Palette colour, `None` for grey (not in a shown cluster).
    pub colour: Option<RGBColor>,
    /// Drawn larger (core accounts).
    pub emphasised: bool,
}

/// Draws the picture. `edges` index into `nodes`; `legend` lists `(label, colour)`.
pub fn network(
    title: &str,
    nodes: &[Node],
    edges: &[(u32, u32)],
    legend: &[(String, RGBColor)],
) -> Result<String, ReportError> {
    render_svg("network", 900, 720, |root| -> DrawResult {
        let root = root.titled(title, (FONT, 20))?;
        let (plot, side) = root.split_horizontally(640);
        let plot = plot.margin(10, 10, 10, 10);
        let (w, h) = plot.dim_in_pixel();
        let side_len = w.min(h) as f32;
        let px =
            |p: (f32, f32)| -> (i32, i32) { ((p.0 * side_len) as i32, (p.1 * side_len) as i32) };
        plot.draw(&Rectangle::new(
            [(0, 0), (w as i32 - 1, h as i32 - 1)],
            GREY.mix(0.4),
        ))?;
        for &(a, b) in edges {
            let (Some(na), Some(nb)) = (nodes.get(a as usize), nodes.get(b as usize)) else {
                continue;
            };
            let c = match (na.colour, nb.colour) {
                (Some(ca), Some(cb)) if ca == cb => ca.mix(0.35),
                _ => GREY.mix(0.35),
            };
            plot.draw(&PathElement::new(
                vec![px(na.pos), px(nb.pos)],
                c.stroke_width(1),
            ))?;
        }
        // Grey nodes first so coloured ones sit on top.
        for pass in [false, true] {
            for n in nodes.iter().filter(|n| n.colour.is_some() == pass) {
                let r = if n.emphasised { 5 } else { 3 };
                let c = n.colour.unwrap_or(GREY);
                plot.draw(&Circle::new(px(n.pos), r, c.filled()))?;
                if n.emphasised {
                    plot.draw(&Circle::new(px(n.pos), r, BLACK.mix(0.6).stroke_width(1)))?;
                }
            }
        }
        let side = side.margin(20, 10, 10, 10);
        side.draw(&Text::new(
            "Legend",
            (0, 0),
            (FONT, 14).into_font().style(FontStyle::Bold),
        ))?;
        let mut y = 24;
        for (label, colour) in legend.iter().take(24) {
            side.draw(&Circle::new((6, y + 6), 5, colour.filled()))?;
            side.draw(&Text::new(shorten(label, 34), (16, y), (FONT, 13)))?;
            y += 18;
        }
        side.draw(&Circle::new((6, y + 6), 4, GREY.filled()))?;
        side.draw(&Text::new("other linked accounts", (16, y), (FONT, 13)))?;
        y += 18;
        side.draw(&Circle::new((6, y + 6), 5, WHITE.filled()))?;
        side.draw(&Circle::new((6, y + 6), 5, BLACK.mix(0.6).stroke_width(1)))?;
        side.draw(&Text::new("core account (outlined)", (16, y), (FONT, 12)))?;
        y += 30;
        for line in [
            "Dots: accounts. Lines: significant",
            "co-action edges. Position comes",
            "from a force layout: only",
            "closeness has meaning, the axes",
            "have none.",
        ] {
            side.draw(&Text::new(line, (0, y), (FONT, 12)))?;
            y += 16;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_nodes_and_legend() {
        let nodes = [
            Node {
                pos: (0.1, 0.1),
                colour: Some(super::super::PALETTE[0]),
                emphasised: true,
            },
            Node {
                pos: (0.9, 0.9),
                colour: None,
                emphasised: false,
            },
        ];
        let svg = network(
            "Network",
            &nodes,
            &[(0, 1), (0, 7)],
            &[("Network 1".into(), super::super::PALETTE[0])],
        )
        .unwrap();
        assert!(svg.matches("<circle").count() >= 3);
        assert!(svg.contains("Network 1") && svg.contains("Legend"));
    }
}
