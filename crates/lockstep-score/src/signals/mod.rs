//! Inauthenticity signals, one file each (DESIGN §8). Every signal's module doc says what it
//! measures, why it indicates inauthenticity, its false-positive risks and the evidence it emits.
//!
//! A signal yields, per account, a **strength** in [0, 1] (`NaN` when it does not apply, e.g. no
//! profile or too few posts) and a measured **value**; cluster-level signals (creation bursts,
//! client concentration, shared schedules) also yield a per-group strength and an evidence text.

/// The registration ([`SignalDef`]) of a signal whose module has `compute(ctx)` and
/// `describe(ctx, a, value)` that need no parameters: `parameter_free_signal!(SUMMARY, WEIGHT)`,
/// with `, speaks_for_authenticity` when its low reading speaks for authenticity.
macro_rules! parameter_free_signal {
    ($summary:expr, $weight:expr, speaks_for_authenticity) => {
        super::parameter_free_signal!(@def $summary, $weight, true);
    };
    ($summary:expr, $weight:expr) => {
        super::parameter_free_signal!(@def $summary, $weight, false);
    };
    (@def $summary:expr, $weight:expr, $authenticity:expr) => {
        /// This signal's registration (see [`super::SignalDef`]).
        pub struct Def;

        impl super::SignalDef for Def {
            const SUMMARY: &'static str = $summary;
            const DEFAULT_WEIGHT: f64 = $weight;
            const SPEAKS_FOR_AUTHENTICITY: bool = $authenticity;

            fn compute(
                ctx: &crate::context::Context<'_>,
                _params: &crate::params::ScoreParams,
            ) -> super::SignalColumn {
                compute(ctx)
            }

            fn describe(
                ctx: &crate::context::Context<'_>,
                _params: &crate::params::ScoreParams,
                a: lockstep_model::AccountId,
                value: f64,
                _aux: f64,
            ) -> String {
                describe(ctx, a, value)
            }
        }
    };
}
pub(crate) use parameter_free_signal;

/// Registers a signal whose `compute`/`describe` take some of the trait's arguments: the
/// forwarding is written as one line each, with the unused arguments named `_x`, e.g.
/// `signal_def!("Summary.", 2.0, compute(ctx, params) => compute(ctx, params),
/// describe(ctx, _params, a, value, _aux) => describe(ctx, a, value));`.
macro_rules! signal_def {
    ($summary:expr, $weight:expr, $(speaks_for_authenticity: $auth:expr,)?
     compute($cc:pat_param, $cp:pat_param) => $compute:expr,
     describe($dc:pat_param, $dp:pat_param, $da:pat_param, $dv:pat_param, $dx:pat_param) => $describe:expr $(,)?) => {
        /// This signal's registration (see [`super::SignalDef`]).
        pub struct Def;

        impl super::SignalDef for Def {
            const SUMMARY: &'static str = $summary;
            const DEFAULT_WEIGHT: f64 = $weight;
            $(const SPEAKS_FOR_AUTHENTICITY: bool = $auth;)?

            fn compute(
                $cc: &crate::context::Context<'_>,
                $cp: &crate::params::ScoreParams,
            ) -> super::SignalColumn {
                $compute
            }

            fn describe(
                $dc: &crate::context::Context<'_>,
                $dp: &crate::params::ScoreParams,
                $da: lockstep_model::AccountId,
                $dv: f64,
                $dx: f64,
            ) -> String {
                $describe
            }
        }
    };
}
pub(crate) use signal_def;

pub mod activity_clock;
pub mod client_concentration;
pub mod closed_engagement;
pub mod copy_paste;
pub mod creation_burst;
pub mod default_profile;
pub mod follower_shape;
pub mod handle_pattern;
pub mod language_mix;
pub mod login_ip;
pub mod many_personas;
pub mod reaction_time;
pub mod reposts_only;
pub mod repurposed;
pub mod schedule;
pub mod state_media;
pub mod timing_regularity;
pub mod weekend_silence;

use crate::context::Context;
use crate::evidence::Evidence;
use crate::params::ScoreParams;
use lockstep_model::AccountId;
use serde::Serialize;

/// What every signal file provides: its summary, hand-set weight and whether its low reading
/// speaks for authenticity, and how it computes its column and words its evidence. A signal is
/// one file with a `pub struct Def` implementing this trait, its `pub mod` line and one line in
/// `register_signals!` below; the [`Signal`] enum, its tables and the dispatch are generated.
pub trait SignalDef {
    /// One line: what a firing signal means (shown in `Signal` docs and reports).
    const SUMMARY: &'static str;
    /// The hand-set weight (log-odds added by a fully firing signal); `docs/scoring.md` gives
    /// the reasoning (checked by `tests/docs_tables.rs`).
    const DEFAULT_WEIGHT: f64;
    /// True when a *low* reading on most members is positive evidence of authenticity (what an
    /// operation must fake and a real person has for free): see [`crate::params::OrganicRule`].
    const SPEAKS_FOR_AUTHENTICITY: bool = false;
    /// The signal over all accounts and groups.
    fn compute(ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn;
    /// The evidence sentence for account `a` with measured `value` and `aux`.
    fn describe(
        ctx: &Context<'_>,
        params: &ScoreParams,
        a: AccountId,
        value: f64,
        aux: f64,
    ) -> String;
}

/// Generates [`Signal`] with its tables and dispatch from one line per signal:
/// `Variant => module,` (the module name is the signal's snake_case name). The modules are declared
/// above, outside the macro, so that rustfmt reaches their files; a test checks that every file in
/// this directory is registered.
macro_rules! register_signals {
    ($($variant:ident => $module:ident,)+) => {
        /// The signals, in the order of [`crate::Weights::signal`] (one per file; see
        /// [`SignalDef`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Signal {
            $(
                #[doc = concat!("`", stringify!($module), "`: see [`", stringify!($module), "`].")]
                $variant,
            )+
        }

        impl Signal {
            /// Number of signals.
            pub const COUNT: usize = [$(stringify!($variant),)+].len();

            /// Every signal, in weight order.
            pub const ALL: [Signal; Signal::COUNT] = [$(Signal::$variant,)+];

            /// The snake_case name used in evidence and files (the module's name).
            pub fn name(self) -> &'static str {
                match self {
                    $(Signal::$variant => stringify!($module),)+
                }
            }

            /// One line: what a firing signal means.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Signal::$variant => <$module::Def as SignalDef>::SUMMARY,)+
                }
            }

            /// The hand-set weight (log-odds added by a fully firing signal); `docs/scoring.md`
            /// gives the reasoning. Signals that real operations show most reliably and organic
            /// communities rarely show weigh most.
            pub fn default_weight(self) -> f64 {
                match self {
                    $(Signal::$variant => <$module::Def as SignalDef>::DEFAULT_WEIGHT,)+
                }
            }

            /// True for the signals whose *low* reading speaks for authenticity: see
            /// [`SignalDef::SPEAKS_FOR_AUTHENTICITY`].
            pub fn speaks_for_authenticity(self) -> bool {
                match self {
                    $(Signal::$variant => <$module::Def as SignalDef>::SPEAKS_FOR_AUTHENTICITY,)+
                }
            }

            /// Computes this signal.
            pub fn compute(self, ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
                match self {
                    $(Signal::$variant => <$module::Def as SignalDef>::compute(ctx, params),)+
                }
            }

            /// The evidence sentence of this signal for account `a`.
            pub fn describe(
                self,
                ctx: &Context<'_>,
                params: &ScoreParams,
                a: AccountId,
                value: f64,
                aux: f64,
            ) -> String {
                match self {
                    $(Signal::$variant => {
                        <$module::Def as SignalDef>::describe(ctx, params, a, value, aux)
                    })+
                }
            }
        }
    };
}

// One line per signal, in weight order (the order of `weights.signal` in files).
register_signals! {
    CreationBurst => creation_burst,
    HandlePattern => handle_pattern,
    DefaultProfile => default_profile,
    FollowerShape => follower_shape,
    Repurposed => repurposed,
    Schedule => schedule,
    TimingRegularity => timing_regularity,
    ClientConcentration => client_concentration,
    CopyPaste => copy_paste,
    LanguageMix => language_mix,
    StateMedia => state_media,
    LoginIp => login_ip,
    ActivityClock => activity_clock,
    ClosedEngagement => closed_engagement,
    ReactionTime => reaction_time,
    ManyPersonas => many_personas,
    WeekendSilence => weekend_silence,
    RepostsOnly => reposts_only,
}

impl Signal {
    /// Parses a signal name.
    pub fn parse(s: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|x| x.name() == s)
    }
}

/// One signal over all accounts and groups.
#[derive(Clone, Debug)]
pub struct SignalColumn {
    /// Per account strength in [0, 1]; `NaN` when the signal does not apply.
    pub strength: Vec<f32>,
    /// Per account measured value (see the signal's docs); `NaN` when not applicable.
    pub value: Vec<f32>,
    /// Per account auxiliary number some signals keep for their evidence (e.g. the UTC offset a
    /// schedule was measured at); `NaN` when unused.
    pub aux: Vec<f32>,
    /// Per group strength computed by the signal itself; `NaN` = use the members' mean.
    pub group_strength: Vec<f32>,
    /// Per group evidence text (empty when the signal has no group-level statement).
    pub group_text: Vec<String>,
}

impl SignalColumn {
    /// All-`NaN` column for `n` accounts and `g` groups.
    pub fn new(n: usize, g: usize) -> SignalColumn {
        SignalColumn {
            strength: vec![f32::NAN; n],
            value: vec![f32::NAN; n],
            aux: vec![f32::NAN; n],
            group_strength: vec![f32::NAN; g],
            group_text: vec![String::new(); g],
        }
    }

    /// From per-account `(strength, value)` pairs (`None` = not applicable).
    pub fn from_pairs(pairs: Vec<Option<(f32, f32)>>, g: usize) -> SignalColumn {
        let mut c = SignalColumn::new(pairs.len(), g);
        for (i, p) in pairs.into_iter().enumerate() {
            if let Some((s, v)) = p {
                c.strength[i] = s.clamp(0.0, 1.0);
                c.value[i] = v;
            }
        }
        c
    }

    /// Share of accounts where the signal applies (for reports).
    pub fn coverage(&self) -> f64 {
        if self.strength.is_empty() {
            return 0.0;
        }
        self.strength.iter().filter(|s| !s.is_nan()).count() as f64 / self.strength.len() as f64
    }
}

/// All signals for all accounts.
#[derive(Clone, Debug)]
pub struct SignalMatrix {
    /// One column per [`Signal`], in [`Signal::ALL`] order.
    pub columns: Vec<SignalColumn>,
}

impl SignalMatrix {
    /// The column of one signal.
    pub fn column(&self, s: Signal) -> &SignalColumn {
        &self.columns[s as usize]
    }

    /// Strength of signal `s` for account `a`, `None` when not applicable.
    pub fn strength(&self, s: Signal, a: AccountId) -> Option<f64> {
        let v = self.columns[s as usize].strength[a.idx()];
        (!v.is_nan()).then_some(v as f64)
    }

    /// Group strength of `s` for group `g`: the signal's own group statement, else the mean of the
    /// applicable members shrunk by coverage (`mean * min(1, coverage / 0.5)`), so a signal that
    /// applies to few members cannot carry a cluster. `None` when it applies to no member.
    pub fn group_strength(&self, s: Signal, g: usize, members: &[AccountId]) -> Option<f64> {
        let col = &self.columns[s as usize];
        let own = col.group_strength.get(g).copied().unwrap_or(f32::NAN);
        if !own.is_nan() {
            return Some(own as f64);
        }
        let mut sum = 0.0;
        let mut n = 0usize;
        for a in members {
            let v = col.strength[a.idx()];
            if !v.is_nan() {
                sum += v as f64;
                n += 1;
            }
        }
        if n == 0 || members.is_empty() {
            return None;
        }
        let coverage = n as f64 / members.len() as f64;
        Some(sum / n as f64 * (coverage / 0.5).min(1.0))
    }

    /// The evidence of account `a`: every applicable signal with strength at least `min`.
    pub fn account_evidence(
        &self,
        ctx: &Context<'_>,
        params: &ScoreParams,
        a: AccountId,
        min: f64,
    ) -> Vec<Evidence> {
        let mut out = Vec::new();
        for s in Signal::ALL {
            let col = &self.columns[s as usize];
            let st = col.strength[a.idx()];
            if st.is_nan() || (st as f64) < min {
                continue;
            }
            let value = col.value[a.idx()] as f64;
            let aux = col.aux[a.idx()] as f64;
            out.push(Evidence {
                signal: s.name(),
                strength: st as f64,
                value,
                text: s.describe(ctx, params, a, value, aux),
            });
        }
        out
    }
}

/// Computes every signal (independent signals run in parallel).
pub fn compute_all(ctx: &Context<'_>, params: &ScoreParams) -> SignalMatrix {
    let mut columns: Vec<Option<SignalColumn>> = vec![None; Signal::COUNT];
    let computed: Vec<(Signal, SignalColumn)> = {
        use rayon::prelude::*;
        Signal::ALL
            .par_iter()
            .map(|&s| (s, s.compute(ctx, params)))
            .collect()
    };
    for (s, c) in computed {
        columns[s as usize] = Some(c);
    }
    let n = ctx.n_accounts();
    let g = ctx.groups.len();
    SignalMatrix {
        columns: columns
            .into_iter()
            .map(|c| c.unwrap_or_else(|| SignalColumn::new(n, g)))
            .collect(),
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Small crafted datasets for the per-signal tests.
    use lockstep_model::{Dataset, DatasetBuilder, PostRecord, Profile, Resolution, SourceInfo};

    /// A builder with one second-resolution source registered.
    pub fn builder() -> (DatasetBuilder, u16) {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("test", "test", Resolution::Second));
        (b, src)
    }

    /// Adds an account with a handle and otherwise filled-in profile.
    pub fn account(b: &mut DatasetBuilder, id: &str, handle: &str, created: Option<i64>) {
        let p = Profile {
            screen_name: b.intern(handle),
            display_name: b.intern("Some Person"),
            description: b.intern("Writer, cyclist, opinions my own"),
            location: b.intern("Somewhere"),
            created_at: created,
            followers: Some(300),
            following: Some(250),
            language: b.intern("en"),
            ..Default::default()
        };
        b.set_profile(id, &p);
    }

    /// Adds an original post.
    pub fn post(b: &mut DatasetBuilder, src: u16, id: &str, account: &str, t: i64, text: &str) {
        b.push_post(
            &PostRecord {
                external_id: id,
                account,
                time: t,
                text,
                ..Default::default()
            },
            src,
        );
    }

    /// Finishes.
    pub fn finish(b: DatasetBuilder) -> Dataset {
        b.finish()
    }

    /// 2019-08-19 00:00 UTC, a Monday.
    pub const MONDAY: i64 = 1_566_172_800;
}
