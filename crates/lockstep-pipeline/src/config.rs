//! Parameters of `investigate`: everything `run.toml` records to rerun exactly.

use lockstep_engine::{Layer, Scale, SkewParams, WindowError, Windows};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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

/// Parameters of one investigation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvestigateParams {
    /// The input files (for digests and to rerun).
    pub inputs: Vec<PathBuf>,
    /// Forced input format, if any.
    pub format: Option<String>,
    /// Semantics.
    pub semantics: Semantics,
    /// Layers to run (`None` = every layer the data supports).
    pub layers: Option<Vec<Layer>>,
    /// The `--window` values as given (`SECONDS`, `LAYER=SECONDS`, `LAYER:SCALE=SECONDS`).
    pub window_args: Vec<String>,
    /// Parsed windows.
    #[serde(skip)]
    pub windows: Windows,
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
    /// Nominal false discovery rate of the coordination graph's edges (DESIGN §6).
    pub fdr: f64,
    /// Seed of the community detection (Leiden) and the layout.
    pub seed: u64,
    /// Known operators to expand from (`--seeds FILE`): external ids or screen names.
    #[serde(default)]
    pub seeds: Vec<String>,
    /// Parameters of the `similar_text` layer (`--similarity`, `--shingle`, `--lsh`);
    /// docs/similar_text.md. Missing in an older `run.toml`: the defaults.
    #[serde(default)]
    pub similar: lockstep_engine::text::SimilarParams,
    /// The IP database for login IPs (`--ip-db`); missing in an older `run.toml`: `auto`.
    #[serde(default)]
    pub ip_db: crate::IpDbChoice,
}

impl Default for InvestigateParams {
    fn default() -> Self {
        InvestigateParams {
            inputs: Vec::new(),
            format: None,
            semantics: Semantics::Lockstep,
            layers: None,
            window_args: Vec::new(),
            windows: Windows::default(),
            scales: vec![Scale::Burst, Scale::Drip],
            min_weight: 2,
            min_participation: 2,
            edge_weight: 0.5,
            skew: SkewParams::default(),
            fdr: 0.01,
            seed: 42,
            seeds: Vec::new(),
            similar: lockstep_engine::text::SimilarParams::default(),
            ip_db: crate::IpDbChoice::Auto,
        }
    }
}

impl InvestigateParams {
    /// Sets the `--window` values (parsed and kept verbatim for `run.toml`).
    pub fn with_windows(mut self, args: &[String]) -> Result<Self, WindowError> {
        self.windows = Windows::parse_overrides(args)?;
        self.window_args = args.to_vec();
        Ok(self)
    }

    /// The single window of the compatibility semantics: the `repost` burst window (a bare
    /// `--window SECONDS` sets it), else 60 s.
    pub fn compat_window(&self) -> i64 {
        self.windows
            .overrides
            .get(&(Layer::Repost, Scale::Burst))
            .copied()
            .unwrap_or(60)
    }
}

impl InvestigateParams {
    /// The text `lockstep investigate --explain-params` prints: the `similar_text` parameters with
    /// the expected recall curve of the LSH banding, then the window of every layer and scale (the
    /// defaults with the `--window` overrides applied, at second resolution; on coarser data the
    /// defaults are raised to the data's resolution), the layers and scales selected and the FDR.
    pub fn explain(&self) -> String {
        use std::fmt::Write as _;
        let mut s = lockstep_engine::text::explain_params(&self.similar);
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "co-action windows (seconds; defaults raised to the data's time resolution, overrides as given)"
        );
        let _ = writeln!(s, "  {:<12} {:>10} {:>10}", "layer", "burst", "drip");
        let selected = |l: Layer| self.layers.as_ref().is_none_or(|v| v.contains(&l));
        let res = lockstep_model::Resolution::Second;
        for l in Layer::ALL {
            let show = |scale: Scale| {
                if !self.scales.contains(&scale) {
                    return "not run".to_string();
                }
                match self.windows.get(l, scale, res) {
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
            self.semantics, self.fdr, self.min_weight
        );
        s
    }
}
