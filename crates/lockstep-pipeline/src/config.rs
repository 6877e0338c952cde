//! The configuration of `investigate`: one tree, [`InvestigateConfig`], built once from the
//! command line and an optional `--config FILE` (TOML), validated once by
//! [`InvestigateConfig::validate`], written whole as `run.toml` and accepted back by `--config`, so
//! any run can be repeated exactly (docs/outputs.md, "run.toml").
//!
//! Every section has defaults (`#[serde(default)]`): a file names only what it changes. A key the
//! tree does not know is an error naming the key and its line.

use lockstep_engine::{Layer, Scale, SkewParams, WindowError, Windows};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Keys `run.toml` carries for the reader that are not settings (ignored by `--config`).
pub const RUN_TOML_RECORD_KEYS: [&str; 2] = ["lockstep_version", "effective_windows"];

/// A configuration that cannot be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not TOML, an unknown key or a value of the wrong type (the message names key and line).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong, where.
        message: String,
    },
    /// A setting out of its range, or settings that do not go together.
    #[error("{key}: {message}")]
    Invalid {
        /// The setting's key in the tree (e.g. `stats.fdr`).
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A bad `engine.windows` entry.
    #[error("engine.windows: {0}")]
    Window(#[from] WindowError),
}

/// The whole configuration of one investigation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvestigateConfig {
    /// What is read and how.
    pub ingest: IngestConfig,
    /// The co-action engine: semantics, layers, windows, scales, edge rules.
    pub engine: EngineConfig,
    /// The statistics stage (null model, fusion, edge FDR).
    pub stats: lockstep_stats::StatsParams,
    /// The clustering stage (Leiden resolution, seed, quality, sizes).
    pub cluster: lockstep_graph::ClusterParams,
    /// Scoring: reference data, seeds, weights and thresholds.
    pub score: ScoreConfig,
    /// The report.
    pub report: ReportConfig,
    /// Which output files are written (`--outputs`, `--all-edges`).
    pub outputs: OutputConfig,
}

/// What is read and how (`lockstep investigate` input options).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// The input files (one dataset).
    pub inputs: Vec<PathBuf>,
    /// Forced input format (`lockstep inspect` lists them); `None` detects it from the header.
    pub format: Option<String>,
    /// Skip bad rows (counted by reason) instead of stopping at the first.
    pub lenient: bool,
    /// Where skipped rows are written byte for byte (`PATH`, reasons in `PATH.reasons`);
    /// implies `lenient`.
    pub quarantine: Option<PathBuf>,
    /// Column mapping (TOML) for generic CSV / JSONL / Parquet inputs.
    pub mapping: Option<PathBuf>,
    /// Longest record accepted, in bytes (0: no limit).
    pub max_record_bytes: u64,
    /// Largest decompressed/compressed ratio of a compressed input (0: no limit).
    pub max_compression_ratio: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        let read = lockstep_ingest::ReadOptions::default();
        IngestConfig {
            inputs: Vec::new(),
            format: None,
            lenient: false,
            quarantine: None,
            mapping: None,
            max_record_bytes: read.max_record_bytes,
            max_compression_ratio: read.max_compression_ratio,
        }
    }
}

/// Which co-action semantics to apply (docs/semantics.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Semantics {
    /// Lockstep's own: every layer, two scales, distinct-target weights.
    #[default]
    Lockstep,
    /// CooRTweet 2.1 `detect_groups` + `generate_coordinated_network`.
    Coortweet,
    /// coordination-network-toolkit 1.5.2 (`co_retweet`, `co_tweet`, `co_link`, `co_reply`).
    Qut,
}

impl Semantics {
    /// Parses `lockstep` / `coortweet` / `qut`.
    pub fn parse(s: &str) -> Option<Semantics> {
        match s {
            "lockstep" | "default" => Some(Semantics::Lockstep),
            "coortweet" => Some(Semantics::Coortweet),
            "qut" => Some(Semantics::Qut),
            _ => None,
        }
    }
}

/// The co-action engine's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Semantics.
    pub semantics: Semantics,
    /// Layers to run (`None` = every layer the data supports).
    pub layers: Option<Vec<Layer>>,
    /// Window overrides as given (`SECONDS`, `LAYER=SECONDS`, `LAYER:SCALE=SECONDS`).
    pub windows: Vec<String>,
    /// The parsed `windows` (filled by [`InvestigateConfig::validate`]).
    #[serde(skip)]
    pub parsed_windows: Windows,
    /// Scales to run.
    pub scales: Vec<Scale>,
    /// A significant pair enters the coordination graph only with a layer edge of at least this
    /// weight (docs/outputs.md). For `qut` it is the toolkit's `min_edge_weight`.
    pub min_weight: u32,
    /// CooRTweet's `min_participation`.
    pub min_participation: u32,
    /// CooRTweet's `edge_weight` quantile for `weight_threshold`.
    pub edge_weight: f64,
    /// The skew bound of the pair kernel.
    pub skew: SkewParams,
    /// Parameters of the `similar_text` layer (docs/similar_text.md).
    pub similar: lockstep_engine::text::SimilarParams,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            semantics: Semantics::Lockstep,
            layers: None,
            windows: Vec::new(),
            parsed_windows: Windows::default(),
            scales: vec![Scale::Burst, Scale::Drip],
            min_weight: 2,
            min_participation: 2,
            edge_weight: 0.5,
            skew: SkewParams::default(),
            similar: lockstep_engine::text::SimilarParams::default(),
        }
    }
}

/// Scoring: reference data, seeds, and the scoring model's weights and thresholds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreConfig {
    /// The IP database for login IPs (`--ip-db`).
    pub ip_db: crate::IpDbChoice,
    /// A state-media registry file replacing the built-in `data/state_media.toml`
    /// (`--registry`); `None`: the built-in one.
    pub registry: Option<PathBuf>,
    /// Known operators to expand from (`--seeds FILE`): external ids or screen names.
    pub seeds: Vec<String>,
    /// Weights and thresholds of the scoring model (docs/scoring.md).
    pub params: lockstep_score::ScoreParams,
}

impl PartialEq for ScoreConfig {
    /// Compares the settings; the serialised form of `params` is its settings (the loaded
    /// registry and IP database are chosen by `registry` / `ip_db`).
    fn eq(&self, other: &Self) -> bool {
        self.ip_db == other.ip_db
            && self.registry == other.registry
            && self.seeds == other.seeds
            && toml::Value::try_from(&self.params).ok() == toml::Value::try_from(&other.params).ok()
    }
}

/// The report's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// Seed of the network layout drawn in report.html.
    pub layout_seed: u64,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig { layout_seed: 7 }
    }
}

/// An output file (or pair of files) `--outputs` can select; `summary.json`, `run.toml` and
/// `lockstep-manifest.json` are always written, and so are the files of a compatibility
/// semantics (`coortweet_*.csv`, `qut_*.csv`), `expansion.csv` (with `--seeds`) and the pages
/// outputs (with `page_admins`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFile {
    /// `edges.csv`.
    Edges,
    /// `edges.parquet` (the rows of `edges.csv`, typed).
    Parquet,
    /// `accounts.csv`.
    Accounts,
    /// `clusters.csv`.
    Clusters,
    /// `operations.csv`.
    Operations,
    /// `report.html`.
    Report,
    /// `network.gexf` and `network.graphml`.
    Network,
}

impl OutputFile {
    /// Every selectable output, in writing order.
    pub const ALL: [OutputFile; 7] = [
        OutputFile::Edges,
        OutputFile::Parquet,
        OutputFile::Accounts,
        OutputFile::Clusters,
        OutputFile::Operations,
        OutputFile::Report,
        OutputFile::Network,
    ];
    /// Written when `--outputs` is not given: everything but the two bulk copies of the edges
    /// (`edges.parquet`, `network.gexf` / `network.graphml`), which would more than double the
    /// bytes written (docs/outputs.md, "Choosing the outputs").
    pub const DEFAULT: [OutputFile; 5] = [
        OutputFile::Edges,
        OutputFile::Accounts,
        OutputFile::Clusters,
        OutputFile::Operations,
        OutputFile::Report,
    ];

    /// The name `--outputs` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFile::Edges => "edges",
            OutputFile::Parquet => "parquet",
            OutputFile::Accounts => "accounts",
            OutputFile::Clusters => "clusters",
            OutputFile::Operations => "operations",
            OutputFile::Report => "report",
            OutputFile::Network => "network",
        }
    }

    /// Parses an `--outputs` list: names of [`OutputFile::ALL`], `default` ([`OutputFile::DEFAULT`])
    /// and `all`, separated by commas; the result is sorted and without repeats.
    pub fn parse_list(list: &str) -> Result<Vec<OutputFile>, String> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match name {
                "all" => out.extend(OutputFile::ALL),
                "default" => out.extend(OutputFile::DEFAULT),
                _ => out.push(
                    OutputFile::ALL
                        .into_iter()
                        .find(|f| f.as_str() == name)
                        .ok_or_else(|| {
                            format!(
                                "unknown output `{name}` (known: {}, default, all)",
                                OutputFile::ALL.map(|f| f.as_str()).join(", ")
                            )
                        })?,
                ),
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

/// Which output files are written and what `edges.csv` holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// The files written besides those always written ([`OutputFile`]).
    pub files: Vec<OutputFile>,
    /// `edges.csv` / `edges.parquet` hold every observed layer edge (weight >= 1, with its
    /// p-value and its pair's q-value) instead of the layer edges of the coordination graph's
    /// pairs.
    pub all_edges: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            files: OutputFile::DEFAULT.to_vec(),
            all_edges: false,
        }
    }
}

impl OutputConfig {
    /// True when `f` is selected.
    pub fn writes(&self, f: OutputFile) -> bool {
        self.files.contains(&f)
    }
}

impl InvestigateConfig {
    /// Reads a `--config` file (or a `run.toml`): TOML whose keys are this tree's; the record
    /// keys of `run.toml` ([`RUN_TOML_RECORD_KEYS`]) are accepted and ignored. Not validated yet.
    pub fn from_path(path: &Path) -> Result<InvestigateConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// [`InvestigateConfig::from_path`] on text; `origin` names the source in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<InvestigateConfig, ConfigError> {
        let parse = |message: String| ConfigError::Parse {
            path: origin.to_string(),
            message: message.trim_end().to_string(),
        };
        let mut table: toml::Table = toml::from_str(text).map_err(|e| parse(e.to_string()))?;
        let mut had_record_keys = false;
        for k in RUN_TOML_RECORD_KEYS {
            had_record_keys |= table.remove(k).is_some();
        }
        if had_record_keys {
            // A run.toml: the settings without the record keys (errors name the key).
            table
                .try_into()
                .map_err(|e: toml::de::Error| parse(e.to_string()))
        } else {
            // From the text, so that errors also show the line.
            toml::from_str(text).map_err(|e| parse(e.to_string()))
        }
    }

    /// Checks every setting and the combinations, and parses the window overrides. Called once,
    /// after the command line was applied over the file.
    pub fn validate(&mut self) -> Result<(), ConfigError> {
        let bad = |key: &'static str, message: String| ConfigError::Invalid { key, message };
        let e = &mut self.engine;
        e.parsed_windows = Windows::parse_overrides(&e.windows)?;
        if e.scales.is_empty() {
            return Err(bad(
                "engine.scales",
                "no scale selected (burst, drip)".into(),
            ));
        }
        if !(e.edge_weight >= 0.0 && e.edge_weight <= 1.0) {
            return Err(bad(
                "engine.edge_weight",
                format!("{}: expected a quantile between 0 and 1", e.edge_weight),
            ));
        }
        e.similar
            .validate()
            .map_err(|m| bad("engine.similar", m.to_string()))?;
        if e.semantics != Semantics::Lockstep
            && let Some(layers) = &e.layers
        {
            // The compatibility semantics have fixed layers: CooRTweet's shared objects
            // (reposts or the input's object ids), the toolkit's four networks.
            return Err(bad(
                "engine.layers",
                format!(
                    "--layers {} cannot be used with --semantics {}: {}",
                    layers
                        .iter()
                        .map(|l| l.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    match e.semantics {
                        Semantics::Coortweet => "coortweet",
                        _ => "qut",
                    },
                    match e.semantics {
                        Semantics::Coortweet =>
                            "CooRTweet semantics run on the shared objects of the input (its object ids, else the reposted posts); link sharing (CooRnet) is not reproduced — use the default semantics with --layers url",
                        _ =>
                            "the toolkit's semantics run its four networks (co_retweet, co_tweet, co_link, co_reply) together",
                    }
                ),
            ));
        }
        let s = &self.stats;
        if !(s.fdr > 0.0 && s.fdr < 1.0) {
            return Err(bad(
                "stats.fdr",
                format!("{}: expected a rate between 0 and 1", s.fdr),
            ));
        }
        if matches!(s.null, lockstep_stats::NullModel::Permutation { .. }) {
            return Err(bad(
                "stats.null",
                "the permutation null is not run by investigate (use configuration or exposure)"
                    .into(),
            ));
        }
        let c = &self.cluster;
        if !(c.resolution.is_finite() && c.resolution > 0.0) {
            return Err(bad(
                "cluster.resolution",
                format!("{}: expected a positive number", c.resolution),
            ));
        }
        if c.min_size < 2 {
            return Err(bad(
                "cluster.min_size",
                format!("{}: a cluster has at least 2 accounts", c.min_size),
            ));
        }
        let p = &self.score.params;
        for (key, v) in [
            ("score.params.threshold", p.threshold),
            ("score.params.expand_threshold", p.expand_threshold),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return Err(bad(key, format!("{v}: expected a score between 0 and 1")));
            }
        }
        if !(p.burst_window_days.is_finite() && p.burst_window_days > 0.0) {
            return Err(bad(
                "score.params.burst_window_days",
                format!(
                    "{}: expected a positive number of days",
                    p.burst_window_days
                ),
            ));
        }
        Ok(())
    }

    /// The single window of the compatibility semantics: the `repost` burst window (a bare
    /// `--window SECONDS` sets it), else 60 s.
    pub fn compat_window(&self) -> i64 {
        self.engine
            .parsed_windows
            .overrides
            .get(&(Layer::Repost, Scale::Burst))
            .copied()
            .unwrap_or(60)
    }
}

impl InvestigateConfig {
    /// The text `lockstep investigate --explain-params` prints: the `similar_text` parameters with
    /// the expected recall curve of the LSH banding, then the window of every layer and scale (the
    /// defaults with the `--window` overrides applied, at second resolution; on coarser data the
    /// defaults are raised to the data's resolution), the layers and scales selected and the FDR.
    pub fn explain(&self) -> String {
        use std::fmt::Write as _;
        let mut s = lockstep_engine::text::explain_params(&self.engine.similar);
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "co-action windows (seconds; defaults raised to the data's time resolution, overrides as given)"
        );
        let _ = writeln!(s, "  {:<12} {:>10} {:>10}", "layer", "burst", "drip");
        let selected = |l: Layer| self.engine.layers.as_ref().is_none_or(|v| v.contains(&l));
        let res = lockstep_model::Resolution::Second;
        for l in Layer::ALL {
            let show = |scale: Scale| {
                if !self.engine.scales.contains(&scale) {
                    return "not run".to_string();
                }
                match self.engine.parsed_windows.get(l, scale, res) {
                    Some(w) => w.to_string(),
                    None => "off".to_string(),
                }
            };
            let mark = if selected(l) { "" } else { "  (not selected)" };
            let _ = writeln!(
                s,
                "  {:<12} {:>10} {:>10}{mark}",
                l.as_str(),
                show(Scale::Burst),
                show(Scale::Drip)
            );
        }
        let _ = writeln!(
            s,
            "semantics {:?}; edge FDR {}; minimum edge weight {}",
            self.engine.semantics, self.stats.fdr, self.engine.min_weight
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_tree_reads_back_equal() {
        let mut cfg = InvestigateConfig::default();
        cfg.ingest.inputs = vec!["a.csv".into()];
        cfg.ingest.lenient = true;
        cfg.engine.windows = vec!["repost=90".into()];
        cfg.engine.layers = Some(vec![Layer::Repost, Layer::Url]);
        cfg.cluster.resolution = 0.75;
        cfg.score.params.threshold = 0.6;
        cfg.score.registry = Some("reg.toml".into());
        cfg.report.layout_seed = 3;
        let text = toml::to_string_pretty(&cfg).unwrap();
        let back = InvestigateConfig::from_toml(&text, "t").unwrap();
        assert_eq!(back, cfg);
        assert_eq!(back.score.params.threshold, 0.6);
        // With run.toml's record keys.
        let run = format!(
            "lockstep_version = \"0.1.0\"\n{text}\n[effective_windows]\n\"repost:burst\" = 90\n"
        );
        assert_eq!(InvestigateConfig::from_toml(&run, "run.toml").unwrap(), cfg);
    }

    #[test]
    fn a_file_names_only_what_it_changes() {
        let cfg = InvestigateConfig::from_toml("[cluster]\nresolution = 2.0\n", "t").unwrap();
        assert_eq!(cfg.cluster.resolution, 2.0);
        assert_eq!(cfg.cluster.seed, 42);
        assert_eq!(cfg.engine, EngineConfig::default());
        assert_eq!(cfg.stats.fdr, 0.01);
    }

    #[test]
    fn unknown_keys_are_named() {
        for (text, key) in [
            ("[cluster]\nresolutoin = 2.0\n", "resolutoin"),
            ("fdr = 0.1\n", "fdr"),
            ("[score.params.weights]\nbais = 1.0\n", "bais"),
            ("[engine.similar]\nthreshhold = 0.5\n", "threshhold"),
            ("lockstep_version = \"x\"\n[stats]\nfdrr = 0.1\n", "fdrr"),
        ] {
            let e = InvestigateConfig::from_toml(text, "cfg.toml")
                .unwrap_err()
                .to_string();
            assert!(e.contains(key) && e.contains("cfg.toml"), "{text}: {e}");
        }
    }

    #[test]
    fn validation_names_the_setting() {
        let bad = |f: &dyn Fn(&mut InvestigateConfig)| {
            let mut cfg = InvestigateConfig::default();
            f(&mut cfg);
            cfg.validate().unwrap_err().to_string()
        };
        assert!(bad(&|c| c.stats.fdr = 0.0).starts_with("stats.fdr"));
        assert!(bad(&|c| c.cluster.resolution = -1.0).starts_with("cluster.resolution"));
        assert!(bad(&|c| c.engine.windows = vec!["nope".into()]).starts_with("engine.windows"));
        assert!(bad(&|c| c.score.params.threshold = 1.0).starts_with("score.params.threshold"));
        let e = bad(&|c| {
            c.engine.semantics = Semantics::Coortweet;
            c.engine.layers = Some(vec![Layer::Url]);
        });
        assert!(e.contains("--layers url") && e.contains("coortweet"), "{e}");
        let mut ok = InvestigateConfig::default();
        ok.engine.windows = vec!["repost=90".into()];
        ok.validate().unwrap();
        assert_eq!(ok.compat_window(), 90);
    }
}
