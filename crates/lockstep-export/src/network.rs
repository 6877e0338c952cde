//! `network.gexf` (GEXF 1.2, the version Gephi, networkx and igraph all read) and `network.graphml` (for igraph, networkx, Gephi).
//!
//! The network files hold the **fused** graph: one node per account with an edge, one edge per
//! linked pair. Node attributes: `label` (screen name, else the external id), `cluster`, `verdict`,
//! `role`, `score`. Edge attributes: `weight` (see docs/outputs.md), `layers` (`;`-separated),
//! `events`, `directed` (true when the only evidence is the directed `amplify` layer; the graph
//! itself is declared undirected so every tool reads it the same way).
//!
//! Strings are XML-escaped and characters XML 1.0 forbids (most C0 controls) are dropped, so the
//! files stay valid whatever the input text holds.

use crate::ExportError;
use std::io::Write;
use std::path::Path;

/// A node of the network file.
#[derive(Clone, Debug, PartialEq)]
pub struct NetNode<'a> {
    /// External account id (the XML id).
    pub id: &'a str,
    /// Display label.
    pub label: &'a str,
    /// Cluster id (`-1` when none).
    pub cluster: i64,
    /// Verdict (may be empty).
    pub verdict: &'a str,
    /// Role (may be empty).
    pub role: &'a str,
    /// Score (NaN when unknown; written as empty / omitted).
    pub score: f64,
}

/// An edge of the network file (indices into the node slice).
#[derive(Clone, Debug, PartialEq)]
pub struct NetEdge {
    /// Source node index.
    pub source: usize,
    /// Target node index.
    pub target: usize,
    /// Edge weight.
    pub weight: f64,
    /// Layers, `;`-separated.
    pub layers: String,
    /// Co-action events summed over layers and scales.
    pub events: u64,
    /// True when the evidence is only the directed `amplify` layer.
    pub directed: bool,
}

/// Escapes text for XML attribute and element content, dropping characters XML 1.0 forbids.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn create(path: &Path) -> Result<std::io::BufWriter<std::fs::File>, ExportError> {
    let f = std::fs::File::create(path).map_err(|e| ExportError::io(path, e))?;
    Ok(std::io::BufWriter::with_capacity(1 << 20, f))
}

/// Writes GEXF 1.2 (`1.2draft` namespace).
pub fn write_gexf(
    path: &Path,
    nodes: &[NetNode<'_>],
    edges: &[NetEdge],
) -> Result<(), ExportError> {
    let mut w = create(path)?;
    let io = |e| ExportError::io(path, e);
    let mut s = String::new();
    s.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\" version=\"1.2\">\n",
        "  <meta><creator>lockstep</creator><description>coordination network</description></meta>\n",
        "  <graph mode=\"static\" defaultedgetype=\"undirected\">\n",
        "    <attributes class=\"node\">\n",
        "      <attribute id=\"0\" title=\"cluster\" type=\"long\"/>\n",
        "      <attribute id=\"1\" title=\"verdict\" type=\"string\"/>\n",
        "      <attribute id=\"2\" title=\"role\" type=\"string\"/>\n",
        "      <attribute id=\"3\" title=\"score\" type=\"double\"/>\n",
        "    </attributes>\n",
        "    <attributes class=\"edge\">\n",
        "      <attribute id=\"0\" title=\"layers\" type=\"string\"/>\n",
        "      <attribute id=\"1\" title=\"events\" type=\"long\"/>\n",
        "      <attribute id=\"2\" title=\"directed\" type=\"boolean\"/>\n",
        "    </attributes>\n",
        "    <nodes>\n"
    ));
    w.write_all(s.as_bytes()).map_err(io)?;
    for n in nodes {
        let score = if n.score.is_finite() {
            format!("<attvalue for=\"3\" value=\"{}\"/>", n.score)
        } else {
            String::new()
        };
        writeln!(
            w,
            "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"0\" value=\"{}\"/><attvalue for=\"1\" value=\"{}\"/><attvalue for=\"2\" value=\"{}\"/>{score}</attvalues></node>",
            xml_escape(n.id),
            xml_escape(n.label),
            n.cluster,
            xml_escape(n.verdict),
            xml_escape(n.role),
        )
        .map_err(io)?;
    }
    w.write_all(b"    </nodes>\n    <edges>\n").map_err(io)?;
    for (i, e) in edges.iter().enumerate() {
        writeln!(
            w,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\"><attvalues><attvalue for=\"0\" value=\"{}\"/><attvalue for=\"1\" value=\"{}\"/><attvalue for=\"2\" value=\"{}\"/></attvalues></edge>",
            xml_escape(nodes[e.source].id),
            xml_escape(nodes[e.target].id),
            e.weight,
            xml_escape(&e.layers),
            e.events,
            e.directed,
        )
        .map_err(io)?;
    }
    w.write_all(b"    </edges>\n  </graph>\n</gexf>\n")
        .map_err(io)?;
    w.flush().map_err(io)
}

/// Writes GraphML.
pub fn write_graphml(
    path: &Path,
    nodes: &[NetNode<'_>],
    edges: &[NetEdge],
) -> Result<(), ExportError> {
    let mut w = create(path)?;
    let io = |e| ExportError::io(path, e);
    w.write_all(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
            "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
            "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n",
            "  <key id=\"cluster\" for=\"node\" attr.name=\"cluster\" attr.type=\"long\"/>\n",
            "  <key id=\"verdict\" for=\"node\" attr.name=\"verdict\" attr.type=\"string\"/>\n",
            "  <key id=\"role\" for=\"node\" attr.name=\"role\" attr.type=\"string\"/>\n",
            "  <key id=\"score\" for=\"node\" attr.name=\"score\" attr.type=\"double\"/>\n",
            "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n",
            "  <key id=\"layers\" for=\"edge\" attr.name=\"layers\" attr.type=\"string\"/>\n",
            "  <key id=\"events\" for=\"edge\" attr.name=\"events\" attr.type=\"long\"/>\n",
            "  <key id=\"directed\" for=\"edge\" attr.name=\"directed\" attr.type=\"boolean\"/>\n",
            "  <graph id=\"lockstep\" edgedefault=\"undirected\">\n"
        )
        .as_bytes(),
    )
    .map_err(io)?;
    for n in nodes {
        let score = if n.score.is_finite() {
            format!("<data key=\"score\">{}</data>", n.score)
        } else {
            String::new()
        };
        writeln!(
            w,
            "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"cluster\">{}</data><data key=\"verdict\">{}</data><data key=\"role\">{}</data>{score}</node>",
            xml_escape(n.id),
            xml_escape(n.label),
            n.cluster,
            xml_escape(n.verdict),
            xml_escape(n.role),
        )
        .map_err(io)?;
    }
    for e in edges {
        writeln!(
            w,
            "    <edge source=\"{}\" target=\"{}\"><data key=\"weight\">{}</data><data key=\"layers\">{}</data><data key=\"events\">{}</data><data key=\"directed\">{}</data></edge>",
            xml_escape(nodes[e.source].id),
            xml_escape(nodes[e.target].id),
            e.weight,
            xml_escape(&e.layers),
            e.events,
            e.directed,
        )
        .map_err(io)?;
    }
    w.write_all(b"  </graph>\n</graphml>\n").map_err(io)?;
    w.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_forbidden() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }
}
