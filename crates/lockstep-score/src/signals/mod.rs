//! Inauthenticity signals, one file each (DESIGN §8). Every signal's module doc says what it
//! measures, why it indicates inauthenticity, its false-positive risks and the evidence it emits.
//!
//! A signal yields, per account, a **strength** in [0, 1] (`NaN` when it does not apply, e.g. no
//! profile or too few posts) and a measured **value**; cluster-level signals (creation bursts,
//! client concentration, shared schedules) also yield a per-group strength and an evidence text.

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
pub mod repurposed;
pub mod schedule;
pub mod state_media;
pub mod timing_regularity;

use crate::context::Context;
use crate::evidence::Evidence;
use crate::params::ScoreParams;
use lockstep_model::AccountId;
use serde::Serialize;

/// The signals, in the order of [`crate::Weights::signal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Members created within days of each other, far above the background rate.
    CreationBurst,
    /// Generated handles (name + digits, random strings).
    HandlePattern,
    /// Empty or default profile fields.
    DefaultProfile,
    /// Few followers, or following far more than followed.
    FollowerShape,
    /// Long dormancy then reactivation, often with a language switch.
    Repurposed,
    /// Office hours on weekdays in one time zone.
    Schedule,
    /// Near-constant gaps between posts.
    TimingRegularity,
    /// Members sharing a client/app rare elsewhere.
    ClientConcentration,
    /// Own posts whose text other accounts also posted.
    CopyPaste,
    /// Post languages at odds with the profile language.
    LanguageMix,
    /// Links to and reposts of state-controlled media.
    StateMedia,
    /// Logins from hosting / VPN networks.
    LoginIp,
    /// No sleep, or sleeping in a time zone at odds with the claimed location.
    ActivityClock,
    /// Engagement received almost only from inside the cluster.
    ClosedEngagement,
}

impl Signal {
    /// Number of signals.
    pub const COUNT: usize = 14;

    /// Every signal, in weight order.
    pub const ALL: [Signal; Signal::COUNT] = [
        Signal::CreationBurst,
        Signal::HandlePattern,
        Signal::DefaultProfile,
        Signal::FollowerShape,
        Signal::Repurposed,
        Signal::Schedule,
        Signal::TimingRegularity,
        Signal::ClientConcentration,
        Signal::CopyPaste,
        Signal::LanguageMix,
        Signal::StateMedia,
        Signal::LoginIp,
        Signal::ActivityClock,
        Signal::ClosedEngagement,
    ];

    /// The snake_case name used in evidence and files.
    pub fn name(self) -> &'static str {
        match self {
            Signal::CreationBurst => "creation_burst",
            Signal::HandlePattern => "handle_pattern",
            Signal::DefaultProfile => "default_profile",
            Signal::FollowerShape => "follower_shape",
            Signal::Repurposed => "repurposed",
            Signal::Schedule => "schedule",
            Signal::TimingRegularity => "timing_regularity",
            Signal::ClientConcentration => "client_concentration",
            Signal::CopyPaste => "copy_paste",
            Signal::LanguageMix => "language_mix",
            Signal::StateMedia => "state_media",
            Signal::LoginIp => "login_ip",
            Signal::ActivityClock => "activity_clock",
            Signal::ClosedEngagement => "closed_engagement",
        }
    }

    /// The hand-set weight (log-odds added by a fully firing signal); `docs/scoring.md` gives
    /// the reasoning. Signals that real operations show most reliably and organic communities
    /// rarely show weigh most.
    pub fn default_weight(self) -> f64 {
        match self {
            Signal::CreationBurst => 3.0,
            Signal::HandlePattern => 2.0,
            Signal::DefaultProfile => 1.5,
            Signal::FollowerShape => 1.5,
            Signal::Repurposed => 2.0,
            Signal::Schedule => 2.5,
            Signal::TimingRegularity => 1.5,
            Signal::ClientConcentration => 1.5,
            Signal::CopyPaste => 1.0,
            Signal::LanguageMix => 1.0,
            Signal::StateMedia => 1.5,
            Signal::LoginIp => 2.5,
            Signal::ActivityClock => 2.5,
            // Reported, not scored: it cannot yet tell fandoms from operations (docs/scoring.md).
            Signal::ClosedEngagement => 0.0,
        }
    }

    /// True for the signals whose *low* reading speaks for authenticity (what an operation must
    /// fake and a real person has for free): see [`crate::params::OrganicRule`].
    pub fn speaks_for_authenticity(self) -> bool {
        // Not the handle or the follower shape: a chosen handle is free, and followers are
        // bought or grown (the IRA's personas had both, with tens of thousands of followers).
        matches!(
            self,
            Signal::CreationBurst | Signal::DefaultProfile | Signal::ClientConcentration
        )
    }

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
                text: describe(s, ctx, params, a, value, aux),
            });
        }
        out
    }
}

/// The evidence sentence of signal `s` for account `a` with measured `value` and `aux`.
pub fn describe(
    s: Signal,
    ctx: &Context<'_>,
    params: &ScoreParams,
    a: AccountId,
    value: f64,
    aux: f64,
) -> String {
    match s {
        Signal::CreationBurst => creation_burst::describe(ctx, a, value, params),
        Signal::HandlePattern => handle_pattern::describe(ctx, a, value),
        Signal::DefaultProfile => default_profile::describe(ctx, a, value),
        Signal::FollowerShape => follower_shape::describe(ctx, a, value),
        Signal::Repurposed => repurposed::describe(ctx, a, value),
        Signal::Schedule => schedule::describe(ctx, a, value, aux),
        Signal::TimingRegularity => timing_regularity::describe(ctx, a, value),
        Signal::ClientConcentration => client_concentration::describe(ctx, a, value),
        Signal::CopyPaste => copy_paste::describe(ctx, a, value),
        Signal::LanguageMix => language_mix::describe(ctx, a, value),
        Signal::StateMedia => state_media::describe(ctx, a, value, params),
        Signal::LoginIp => login_ip::describe(ctx, a, value, params),
        Signal::ActivityClock => activity_clock::describe(ctx, params, a),
        Signal::ClosedEngagement => closed_engagement::describe(value, aux),
    }
}

/// Computes every signal (independent signals run in parallel).
pub fn compute_all(ctx: &Context<'_>, params: &ScoreParams) -> SignalMatrix {
    let mut columns: Vec<Option<SignalColumn>> = vec![None; Signal::COUNT];
    let computed: Vec<(Signal, SignalColumn)> = {
        use rayon::prelude::*;
        Signal::ALL
            .par_iter()
            .map(|&s| (s, compute_one(s, ctx, params)))
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

/// Computes one signal.
pub fn compute_one(s: Signal, ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
    match s {
        Signal::CreationBurst => creation_burst::compute(ctx, params),
        Signal::HandlePattern => handle_pattern::compute(ctx),
        Signal::DefaultProfile => default_profile::compute(ctx),
        Signal::FollowerShape => follower_shape::compute(ctx),
        Signal::Repurposed => repurposed::compute(ctx),
        Signal::Schedule => schedule::compute(ctx, params),
        Signal::TimingRegularity => timing_regularity::compute(ctx, params),
        Signal::ClientConcentration => client_concentration::compute(ctx),
        Signal::CopyPaste => copy_paste::compute(ctx),
        Signal::LanguageMix => language_mix::compute(ctx),
        Signal::StateMedia => state_media::compute(ctx, params),
        Signal::LoginIp => login_ip::compute(ctx, params),
        Signal::ActivityClock => activity_clock::compute(ctx, params),
        Signal::ClosedEngagement => closed_engagement::compute(ctx),
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
