//! The re-registration scenario (`lockstep simulate --reregister-day D`): on day `D` of the
//! window a share of the operation's accounts (state_core and spam_amplifier) is suspended; each
//! comes back as a new account created within a day of the suspension, with a handle from the
//! same generator pattern (letters kept, digits redrawn), and from its creation on posts what the
//! suspended account would have posted. The suspended account's posts stop at the suspension.
//! `reregistered.csv` (new account, the account it replaces, suspension and creation times) and
//! `suspended.txt` label them; `labels.csv` gives the new account the label of the old one.

use crate::accounts::{Kind, userid_for};
use crate::rng::Rng;
use crate::time::DAY;
use crate::world::{World, tag};

/// One suspended account and its replacement (indices into `World::accounts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reregistered {
    /// The suspended account.
    pub orig: usize,
    /// The new account.
    pub new: usize,
    /// Suspension time (Unix seconds).
    pub at: i64,
}

/// The same handle pattern: letters kept, each digit redrawn (a digit appended when there is
/// none).
fn rename(handle: &str, r: &mut Rng) -> String {
    let mut out: String = handle
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from(b'0' + r.below(10) as u8)
            } else {
                c
            }
        })
        .collect();
    if out == handle {
        out.push(char::from(b'0' + r.below(10) as u8));
        out.push(char::from(b'0' + r.below(10) as u8));
    }
    out
}

/// Adds the scenario's replacement accounts to `w` (nothing without `cfg.reregister`).
pub fn plan(w: &mut World) {
    let Some(rr) = w.cfg.reregister else {
        return;
    };
    let at = w.start + i64::from(rr.day) * DAY;
    let mut r = Rng::stream(w.cfg.seed, tag::REREGISTER, 0);
    let n = w.accounts.len();
    for i in 0..n {
        if !matches!(w.accounts[i].kind, Kind::Core | Kind::Amplifier) || !r.chance(rr.share) {
            continue;
        }
        let mut a = w.accounts[i].clone();
        a.created = at + r.range_i64(0, DAY);
        a.userid = userid_for(&mut r, a.created);
        a.screen_name = rename(&a.screen_name, &mut r);
        a.followers = r.range_i64(0, 30) as u32;
        a.following = r.range_i64(20, 200) as u32;
        a.history = None;
        let new = w.accounts.len();
        w.accounts.push(a);
        w.reregistered.push(Reregistered { orig: i, new, at });
    }
}

/// Whether account `i` is a replacement (`Some` with its record) or a suspended account.
pub fn role(w: &World, i: usize) -> (Option<&Reregistered>, Option<&Reregistered>) {
    (
        w.reregistered.iter().find(|x| x.new == i),
        w.reregistered.iter().find(|x| x.orig == i),
    )
}
