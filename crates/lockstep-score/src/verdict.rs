//! Verdicts: clusters first (aggregated member signals plus coordination), then accounts (their
//! cluster's score blended with their own evidence), then roles (core or amplifier).
//!
//! The model is a logistic score with the hand-set coefficients of [`Weights`]:
//! - cluster: `z_c = bias + sum_i w_i * S_i + w_coord * mean coordination + w_amp * A_c`, where
//!   `S_i` is the cluster strength of signal `i` ([`SignalMatrix::group_strength`]) and `A_c` the
//!   share of the cluster's outgoing amplification that lands on *another* cluster already judged
//!   inauthentic (two passes, so amplifier networks of an operation inherit its verdict);
//! - account: `z_a = bias + sum_i w_i * s_i + w_coord * coordination + w_amp * A_a` on its own
//!   signals; a cluster member's score is `sigmoid(l * z_c + (1 - l) * z_a)` with `l =
//!   Weights::cluster_share`.
//!
//! **Cluster verdicts.** A cluster is `inauthentic` when its score reaches the threshold; else
//! `coordinated_organic` when its members show **positive evidence of authenticity** (at least
//! [`OrganicRule::min_signals`] of the signals that speak for authenticity, measured on enough
//! members and low: see [`Signal::speaks_for_authenticity`]); else `coordinated_undetermined`
//! ("coordinated; authenticity not established"): coordination with evidence neither way is not
//! called authentic.
//!
//! **Account verdicts.**
//! 1. *A cluster carries its members.* A member of an inauthentic cluster is `inauthentic` when
//!    its blended score reaches the threshold, and otherwise too unless its **own** evidence says
//!    organic (the same rule as for clusters, on its own signals); the
//!    evidence then says so ("own evidence says organic: ..."), and a member that reaches the
//!    verdict only through its cluster carries the evidence `judged_through_cluster`. Operations
//!    run cells of low-activity amplifiers whose own signals are too thin for any verdict; their
//!    membership in the cluster is the evidence.
//! 2. A member of a cluster that is not inauthentic keeps the cluster's verdict, unless at least
//!    half of its significant amplification goes to inauthentic clusters and its blended score
//!    reaches the threshold (an infiltrated amplifier): profile-level evidence alone never flips a
//!    member of an organic cluster, because new protesters look like new fake accounts.
//! 3. An account in no cluster is `none`, unless its own score reaches the threshold **and** it
//!    is tied to the inauthentic clusters: most of its significant amplification goes to them, or,
//!    in the raw reposts ([`crate::repost_ties`]), most of its reposts amplify their members or
//!    most reposts of its posts come from their members (an unclustered amplifier or core that
//!    boosting spread too thin for pair statistics left out of every cluster).
//!
//! 4. *Membership test* ([`crate::membership`]): an account in no cluster whose few reposts land in
//!    an inauthentic cluster's bursts, or on posts of two or more of its members, far more often
//!    than the base rate explains (binomial test, Benjamini-Hochberg at 1% over the accounts
//!    tested) joins that cluster as `inauthentic`, with the p-value in its evidence
//!    (`cluster_membership`), unless its own evidence says organic.
//!
//! An account's score is `sigmoid(l * z_c + (1 - l) * z_a)` as above; a member carried by rule 1
//! is reported with its cluster's score when that is higher, so score and verdict agree.

use crate::attribution::{self, Attribution};
use crate::context::{Context, Groups};
use crate::evidence::Evidence;
use crate::input::CoordinationInput;
use crate::membership;
use crate::params::{OrganicRule, ScoreParams, logit, sigmoid};
use crate::repost_ties::{Tie, repost_ties};
use crate::signals::{self, Signal, SignalMatrix};
use lockstep_model::{AccountId, Dataset, PostKind};
use serde::Serialize;

pub use lockstep_model::{Role, Verdict};

/// The result for one account.
#[derive(Clone, Debug, Serialize)]
pub struct AccountScore {
    /// The verdict.
    pub verdict: Verdict,
    /// Role, for inauthentic accounts.
    pub role: Option<Role>,
    /// Inauthenticity score in [0, 1].
    pub score: f64,
    /// Coordination strength in [0, 1] (from the input).
    pub coordination: f64,
    /// Cluster id (as in the input), if any.
    pub cluster: Option<u32>,
    /// Evidence, strongest first.
    pub evidence: Vec<Evidence>,
}

/// The result for one cluster.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterScore {
    /// Cluster id (as in the input).
    pub id: u32,
    /// Members.
    pub size: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Inauthenticity score in [0, 1].
    pub score: f64,
    /// Cluster strength of every applicable signal.
    pub signals: Vec<(Signal, f64)>,
    /// Mean coordination strength of members.
    pub coordination: f64,
    /// Share of the cluster's amplification going to other inauthentic clusters.
    pub amplifies_inauthentic: f64,
    /// Members judged inauthentic with role core / amplifier.
    pub cores: usize,
    /// See `cores`.
    pub amplifiers: usize,
    /// Evidence, strongest first.
    pub evidence: Vec<Evidence>,
    /// Inferred origin.
    pub attribution: Attribution,
}

/// Everything the scoring stage produces.
#[derive(Clone, Debug)]
pub struct Scored {
    /// Per account, indexed by `AccountId`.
    pub accounts: Vec<AccountScore>,
    /// Per cluster, in order of first appearance in the input.
    pub clusters: Vec<ClusterScore>,
    /// The raw signals (per-signal rates, reports).
    pub signals: SignalMatrix,
}

impl Scored {
    /// The cluster with this id.
    pub fn cluster(&self, id: u32) -> Option<&ClusterScore> {
        self.clusters.iter().find(|c| c.id == id)
    }
}

/// Per-account amplification facts from the significant `amplify` edges.
#[derive(Clone, Copy, Default)]
struct Amp {
    /// Weight of edges where the account was amplified.
    inbound: f64,
    /// Weight of edges where the account amplified.
    outbound: f64,
    /// Outbound weight landing on members of inauthentic clusters other than its own.
    to_inauthentic: f64,
    /// Number of such edges.
    to_inauthentic_edges: u32,
}

fn amplification(
    coord: &CoordinationInput,
    groups: &Groups,
    inauth_group: &[bool],
    n: usize,
) -> Vec<Amp> {
    let mut amp = vec![Amp::default(); n];
    for e in coord.edges.iter().filter(|e| e.is_amplify()) {
        if e.a.idx() >= n || e.b.idx() >= n || e.a == e.b {
            continue;
        }
        amp[e.a.idx()].inbound += e.weight;
        let b = &mut amp[e.b.idx()];
        b.outbound += e.weight;
        let ga = groups.group_of(e.a);
        if let Some(g) = ga
            && inauth_group.get(g as usize).copied().unwrap_or(false)
            && groups.group_of(e.b) != ga
        {
            b.to_inauthentic += e.weight;
            b.to_inauthentic_edges += 1;
        }
    }
    amp
}

fn amp_share(a: &Amp) -> f64 {
    if a.outbound <= 0.0 || a.to_inauthentic_edges < 2 {
        0.0
    } else {
        a.to_inauthentic / a.outbound
    }
}

/// The signals that speak for authenticity (see [`OrganicRule`]) and came out low over `members`
/// (group `g`, or one account when `g` is `None`): `(signal, strength)`. Organic when at least
/// `rule.min_signals` are returned.
fn authenticity_evidence(
    sig: &SignalMatrix,
    rule: &OrganicRule,
    g: Option<usize>,
    members: &[AccountId],
) -> Vec<(Signal, f64)> {
    let mut out = Vec::new();
    if members.is_empty() {
        return out;
    }
    for s in Signal::ALL
        .into_iter()
        .filter(|s| s.speaks_for_authenticity())
    {
        let applicable = members
            .iter()
            .filter(|&&a| sig.strength(s, a).is_some())
            .count();
        if (applicable as f64) < rule.min_coverage * members.len() as f64 || applicable == 0 {
            continue;
        }
        let v = match g {
            Some(g) => sig.group_strength(s, g, members),
            None => sig.strength(s, members[0]),
        };
        if let Some(v) = v
            && v <= rule.max_strength
        {
            out.push((s, v));
        }
    }
    out
}

fn names(ev: &[(Signal, f64)]) -> String {
    ev.iter()
        .map(|(s, v)| format!("{} {v:.2}", s.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Scores every cluster and account (DESIGN §8). See the module docs for the model.
pub fn score(ds: &Dataset, coord: &CoordinationInput, params: &ScoreParams) -> Scored {
    let n = ds.accounts.len();
    let groups = Groups::from_clusters(n, &coord.cluster);
    let ctx = Context::new(ds, &groups);
    let sig = signals::compute_all(&ctx, params);
    score_with_signals(&ctx, coord, params, sig)
}

/// [`score`] with precomputed signals over `ctx.groups` (which must come from `coord.cluster`).
pub fn score_with_signals(
    ctx: &Context<'_>,
    coord: &CoordinationInput,
    params: &ScoreParams,
    sig: SignalMatrix,
) -> Scored {
    let w = &params.weights;
    let n = ctx.n_accounts();
    let groups = ctx.groups;
    let g_n = groups.len();
    // Cluster base log-odds: signals and coordination.
    let mut base = vec![f64::NEG_INFINITY; g_n];
    let mut group_signals: Vec<Vec<(Signal, f64)>> = vec![Vec::new(); g_n];
    let mut group_coord = vec![0.0; g_n];
    for (g, members) in groups.members.iter().enumerate() {
        let mut z = w.bias;
        for s in Signal::ALL {
            if let Some(v) = sig.group_strength(s, g, members) {
                z += w.of(s) * v;
                group_signals[g].push((s, v));
            }
        }
        let c = members.iter().map(|&a| coord.strength_of(a)).sum::<f64>()
            / members.len().max(1) as f64;
        group_coord[g] = c;
        base[g] = z + w.coordination * c;
    }
    let eligible: Vec<bool> = groups
        .members
        .iter()
        .map(|m| m.len() >= params.min_cluster_size.max(2))
        .collect();
    // Two passes of the network term.
    let thr = logit(params.threshold);
    let mut z_group = base.clone();
    let mut inauth: Vec<bool> = (0..g_n).map(|g| eligible[g] && z_group[g] >= thr).collect();
    let mut amp = amplification(coord, groups, &inauth, n);
    let mut group_amp = vec![0.0; g_n];
    for _ in 0..2 {
        for (g, members) in groups.members.iter().enumerate() {
            let (mut to, mut out, mut edges) = (0.0, 0.0, 0u32);
            for &a in members {
                to += amp[a.idx()].to_inauthentic;
                out += amp[a.idx()].outbound;
                edges += amp[a.idx()].to_inauthentic_edges;
            }
            group_amp[g] = if out > 0.0 && edges >= 2 {
                to / out
            } else {
                0.0
            };
            z_group[g] = base[g] + w.amplifies_inauthentic * group_amp[g];
        }
        inauth = (0..g_n).map(|g| eligible[g] && z_group[g] >= thr).collect();
        amp = amplification(coord, groups, &inauth, n);
    }
    // Cluster verdicts: inauthentic, organic on positive evidence, else undetermined.
    let group_organic: Vec<Vec<(Signal, f64)>> = groups
        .members
        .iter()
        .enumerate()
        .map(|(g, m)| authenticity_evidence(&sig, &params.organic, Some(g), m))
        .collect();
    let group_verdict: Vec<Verdict> = (0..g_n)
        .map(|g| {
            if !eligible[g] {
                Verdict::None
            } else if inauth[g] {
                Verdict::Inauthentic
            } else if group_organic[g].len() >= params.organic.min_signals.max(1) {
                Verdict::CoordinatedOrganic
            } else {
                Verdict::CoordinatedUndetermined
            }
        })
        .collect();
    // Accounts.
    let account_z = |a: AccountId| -> f64 {
        let mut z = w.bias;
        for s in Signal::ALL {
            if let Some(v) = sig.strength(s, a) {
                z += w.of(s) * v;
            }
        }
        z + w.coordination * coord.strength_of(a)
            + w.amplifies_inauthentic * amp_share(&amp[a.idx()])
    };
    // Raw repost ties to the inauthentic clusters, for accounts left out of every cluster.
    let ties = if inauth.iter().any(|&x| x) {
        repost_ties(ctx.ds, |a| {
            groups
                .group_of(a)
                .is_some_and(|g| eligible[g as usize] && inauth[g as usize])
        })
    } else {
        vec![Tie::default(); n]
    };
    // Membership test for accounts left out of every cluster.
    let inauth_eligible: Vec<bool> = (0..g_n).map(|g| eligible[g] && inauth[g]).collect();
    let joins = membership::test_membership(ctx.ds, groups, &inauth_eligible);
    let mut joined: Vec<Option<u32>> = vec![None; n];
    let posts = &ctx.ds.posts;
    let mut accounts: Vec<AccountScore> = Vec::with_capacity(n);
    for (i, amp_i) in amp.iter().enumerate() {
        let a = AccountId(i as u32);
        let za = account_z(a);
        let g = groups.group_of(a).filter(|&g| eligible[g as usize]);
        let mut carried: Option<Evidence> = None;
        let (verdict, z) = match g {
            Some(g) => {
                let gi = g as usize;
                let z = w.cluster_share * z_group[gi] + (1.0 - w.cluster_share) * za;
                if inauth[gi] {
                    // Rule 1: the cluster carries its members unless their own evidence says
                    // organic.
                    let own = authenticity_evidence(&sig, &params.organic, None, &[a]);
                    if z < thr && own.len() >= params.organic.min_signals.max(1) {
                        carried = Some(Evidence {
                            signal: "own_evidence_organic",
                            strength: 1.0,
                            value: own.len() as f64,
                            text: format!(
                                "member of an inauthentic cluster whose own evidence says organic ({})",
                                names(&own)
                            ),
                        });
                        (Verdict::CoordinatedOrganic, z)
                    } else {
                        if z < thr {
                            carried = Some(Evidence {
                                signal: "judged_through_cluster",
                                strength: sigmoid(z_group[gi]),
                                value: groups.ids[gi] as f64,
                                text: format!(
                                    "judged through cluster {}: its own evidence (score {:.2}) is too thin to decide, and none of it says organic",
                                    groups.ids[gi],
                                    sigmoid(z)
                                ),
                            });
                        }
                        (Verdict::Inauthentic, z.max(z_group[gi]))
                    }
                } else if z >= thr && amp_share(amp_i) >= 0.5 {
                    // Rule 2: an infiltrated amplifier; profile-level evidence alone never flips
                    // a member of a cluster that is not inauthentic.
                    (Verdict::Inauthentic, z)
                } else {
                    (group_verdict[gi], z)
                }
            }
            None if joins[i].is_some()
                && authenticity_evidence(&sig, &params.organic, None, &[a]).len()
                    < params.organic.min_signals.max(1) =>
            {
                // Rule 4: the membership test joined it to an inauthentic cluster.
                if let Some(j) = &joins[i] {
                    let gi = j.group as usize;
                    carried = Some(Evidence {
                        signal: "cluster_membership",
                        strength: (1.0 - j.p_value).clamp(0.0, 1.0),
                        value: j.p_value,
                        text: j.describe(groups.ids[gi]),
                    });
                    joined[i] = Some(groups.ids[gi]);
                    (Verdict::Inauthentic, za.max(z_group[gi]))
                } else {
                    (Verdict::None, za)
                }
            }
            None => {
                let tie = &ties[i];
                let tied = amp_share(amp_i) >= 0.5 || tie.is_core_tie() || tie.is_amplifier_tie();
                let v = if tied && za >= thr {
                    Verdict::Inauthentic
                } else {
                    Verdict::None
                };
                (v, za)
            }
        };
        let role = (verdict == Verdict::Inauthentic).then(|| {
            let own = ctx.posts_of(a);
            let originals = own
                .iter()
                .filter(|&&p| posts.kind[p as usize] != PostKind::Repost)
                .count();
            let orig_share = originals as f64 / own.len().max(1) as f64;
            let m = amp_i;
            if m.inbound > 0.0 || m.outbound > 0.0 {
                if m.inbound >= 0.5 * m.outbound && orig_share >= 0.3 {
                    Role::Core
                } else {
                    Role::Amplifier
                }
            } else if orig_share >= 0.5 {
                Role::Core
            } else {
                Role::Amplifier
            }
        });
        let mut evidence = sig.account_evidence(ctx, params, a, 0.3);
        if let Some(g) = groups.group_of(a) {
            let gz = z_group[g as usize];
            evidence.push(Evidence {
                signal: "cluster",
                strength: sigmoid(gz),
                value: groups.ids[g as usize] as f64,
                text: format!(
                    "member of cluster {} ({} accounts, cluster score {:.2})",
                    groups.ids[g as usize],
                    groups.members[g as usize].len(),
                    sigmoid(gz)
                ),
            });
        }
        if groups.group_of(a).is_none()
            && let Some(text) = ties[i].describe()
        {
            evidence.push(Evidence {
                signal: "repost_tie",
                strength: 1.0,
                value: f64::from(ties[i].made_to_inauthentic + ties[i].received_from_inauthentic),
                text,
            });
        }
        let share = amp_share(amp_i);
        if share > 0.0 {
            evidence.push(Evidence {
                signal: "amplifies_inauthentic",
                strength: share,
                value: amp_i.to_inauthentic,
                text: format!(
                    "{:.0}% of its significant amplification goes to inauthentic clusters",
                    100.0 * share
                ),
            });
        }
        evidence.extend(carried);
        evidence.sort_by(|x, y| y.strength.total_cmp(&x.strength));
        accounts.push(AccountScore {
            verdict,
            role,
            score: sigmoid(z),
            coordination: coord.strength_of(a),
            cluster: coord.cluster_of(a).or(joined[i]),
            evidence,
        });
    }
    // Clusters.
    let mut clusters = Vec::with_capacity(g_n);
    for (g, members) in groups.members.iter().enumerate() {
        let verdict = group_verdict[g];
        let mut evidence: Vec<Evidence> = Vec::new();
        match verdict {
            Verdict::CoordinatedOrganic => evidence.push(Evidence {
                signal: "authenticity",
                strength: 0.0,
                value: group_organic[g].len() as f64,
                text: format!(
                    "positive evidence of authenticity: {} low over most members",
                    names(&group_organic[g])
                ),
            }),
            Verdict::CoordinatedUndetermined => evidence.push(Evidence {
                signal: "authenticity",
                strength: 0.0,
                value: group_organic[g].len() as f64,
                text: format!(
                    "authenticity not established: {} of the {} signals that could show it measured low (needs {})",
                    group_organic[g].len(),
                    Signal::ALL.iter().filter(|s| s.speaks_for_authenticity()).count(),
                    params.organic.min_signals
                ),
            }),
            _ => {}
        }
        for &(s, v) in &group_signals[g] {
            if v < 0.2 {
                continue;
            }
            let own = &sig.column(s).group_text[g];
            let text = if own.is_empty() {
                let firing = members
                    .iter()
                    .filter(|&&a| sig.strength(s, a).is_some_and(|x| x >= 0.5))
                    .count();
                format!(
                    "{firing} of {} members show {} (mean strength {v:.2})",
                    members.len(),
                    s.name()
                )
            } else {
                own.clone()
            };
            evidence.push(Evidence {
                signal: s.name(),
                strength: v,
                value: v,
                text,
            });
        }
        if group_amp[g] > 0.0 {
            evidence.push(Evidence {
                signal: "amplifies_inauthentic",
                strength: group_amp[g],
                value: group_amp[g],
                text: format!(
                    "{:.0}% of the cluster's significant amplification goes to other inauthentic clusters",
                    100.0 * group_amp[g]
                ),
            });
        }
        evidence.push(Evidence {
            signal: "coordination",
            strength: group_coord[g],
            value: group_coord[g],
            text: format!("mean coordination strength {:.2}", group_coord[g]),
        });
        evidence.sort_by(|x, y| y.strength.total_cmp(&x.strength));
        let (mut cores, mut amplifiers) = (0, 0);
        for a in members {
            match accounts[a.idx()].role {
                Some(Role::Core) => cores += 1,
                Some(Role::Amplifier) => amplifiers += 1,
                Some(Role::None) | None => {}
            }
        }
        clusters.push(ClusterScore {
            id: groups.ids[g],
            size: members.len(),
            verdict,
            score: sigmoid(z_group[g]),
            signals: group_signals[g].clone(),
            coordination: group_coord[g],
            amplifies_inauthentic: group_amp[g],
            cores,
            amplifiers,
            evidence,
            attribution: attribution::attribute(ctx, params, members),
        });
    }
    Scored {
        accounts,
        clusters,
        signals: sig,
    }
}
