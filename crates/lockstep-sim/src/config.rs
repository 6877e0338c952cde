//! Every parameter of the synthetic world, and the named presets.

use serde::Serialize;

use crate::SimError;

/// All parameters of a synthetic world. Serialised into `truth.json` so a world can be re-made.
///
/// Shares are fractions of the account count (`*_share`) or of the post budget (`*_post_share`).
/// Defaults are the `hk2019` preset: a Chinese state-backed operation against the 2019 Hong Kong
/// protest movement, scaled to `accounts` / `posts`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimConfig {
    /// Preset the parameters came from (`hk2019`, `organic-only`, `null`).
    pub preset: String,
    /// World seed: the same seed and parameters give byte-identical files.
    pub seed: u64,
    /// Number of accounts (users.csv rows).
    pub accounts: u32,
    /// Post budget (tweets.csv rows are close to it, see `SimSummary::posts`).
    pub posts: u64,
    /// First day of the observed window, `YYYY-MM-DD` (UTC).
    pub start_date: String,
    /// Length of the observed window in days.
    pub days: u32,
    /// Protest days (`YYYY-MM-DD`): activists surge, slogans are chanted online, the operation responds.
    pub protest_days: Vec<String>,

    /// Share of accounts that are organic protest activists (hard negatives).
    pub activist_share: f64,
    /// Share of activists that are movement leaders (their posts are retweeted fast by the rest).
    pub leader_share: f64,
    /// Share of activists created during the observed window (joined for the protests).
    pub activist_new_share: f64,
    /// Share of accounts that are state core operators.
    pub core_share: f64,
    /// Share of core accounts that are repurposed old accounts with earlier off-topic history.
    pub core_repurposed_share: f64,
    /// Share of core accounts created in the clustered 2017 registration batches.
    pub core_batch_2017_share: f64,
    /// Share of accounts that are spam amplifiers.
    pub amplifier_share: f64,
    /// Smallest amplifier cell.
    pub cell_min: u32,
    /// Largest amplifier cell.
    pub cell_max: u32,
    /// Share of cells that amplify in slow drips rather than tight bursts.
    pub drip_cell_share: f64,
    /// Burst cells: all members' retweets of one source post fall within this many seconds.
    pub burst_spread_s: i64,
    /// Burst cells: median delay (s) from the source post to the start of the burst.
    pub burst_offset_median_s: f64,
    /// Drip cells: retweets are spread uniformly over this many seconds after the source post.
    pub drip_spread_s: i64,
    /// Lowest per-member participation probability in a cell.
    pub participation_min: f64,
    /// Highest per-member participation probability in a cell.
    pub participation_max: f64,
    /// Lowest per-member campaign participation probability in the core.
    pub core_participation_min: f64,
    /// Highest per-member campaign participation probability in the core.
    pub core_participation_max: f64,
    /// Share of core posts made outside office hours (overtime, schedulers, noise).
    pub core_offhours_share: f64,
    /// Core UTC offset in hours (Beijing time).
    pub core_utc_offset_h: i32,

    /// Share of posts written by activists.
    pub activist_post_share: f64,
    /// Share of posts written by the core (including repurposed history).
    pub core_post_share: f64,
    /// Share of posts written by amplifiers.
    pub amplifier_post_share: f64,
    /// Share of posts written by news outlets and state media.
    pub media_post_share: f64,

    /// Share of organic accounts with Twitter's default name+8-digit handle.
    pub organic_default_handle_share: f64,
    /// Share of organic accounts created during the observed window.
    pub organic_new_share: f64,
    /// Median seconds from a viral post to an organic retweet.
    pub cascade_delay_median_s: f64,
    /// Median seconds from a leader's post to an activist's retweet.
    pub activist_rt_delay_median_s: f64,
    /// Number of trending hashtags over the window.
    pub trends: u32,
    /// Mean seconds from a news article to an organic share-button share.
    pub news_share_delay_mean_s: f64,

    /// Write `logins.csv`.
    pub logins: bool,
    /// Write `page_admins.csv`.
    pub pages: bool,
    /// Write `ads.csv`.
    pub ads: bool,
    /// Empty the profile and client columns in the archive output (`users.csv` and the user
    /// columns of `tweets.csv`: display and screen name, location, description, URL, follower and
    /// following counts, creation date, account language, `tweet_client_name`), as in the
    /// many collections that carry no profile metadata. The world itself is unchanged.
    pub no_profiles: bool,
    /// Re-registration scenario (`--reregister-day`): part of the operation is suspended on a
    /// given day and its posts from then on come from new accounts (docs/simulation.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reregister: Option<Reregister>,
}

/// The re-registration scenario's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reregister {
    /// Day of the window (0-based) whose start the suspension happens at.
    pub day: u32,
    /// Share of the operation's accounts (state_core and spam_amplifier) suspended and
    /// re-registered.
    pub share: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        let days = [
            "2019-06-09",
            "2019-06-12",
            "2019-06-16",
            "2019-07-01",
            "2019-07-07",
            "2019-07-14",
            "2019-07-21",
            "2019-07-27",
            "2019-08-04",
            "2019-08-05",
            "2019-08-11",
            "2019-08-12",
            "2019-08-13",
            "2019-08-18",
            "2019-08-31",
        ];
        SimConfig {
            preset: "hk2019".into(),
            seed: 2019,
            accounts: 20_000,
            posts: 300_000,
            start_date: "2019-06-01".into(),
            days: 92,
            protest_days: days.iter().map(|d| d.to_string()).collect(),
            activist_share: 0.08,
            leader_share: 0.04,
            activist_new_share: 0.25,
            core_share: 0.015,
            core_repurposed_share: 0.3,
            core_batch_2017_share: 0.55,
            amplifier_share: 0.05,
            cell_min: 8,
            cell_max: 40,
            drip_cell_share: 0.4,
            burst_spread_s: 180,
            burst_offset_median_s: 240.0,
            drip_spread_s: 8 * 3600,
            participation_min: 0.25,
            participation_max: 0.8,
            core_participation_min: 0.15,
            core_participation_max: 0.7,
            core_offhours_share: 0.08,
            core_utc_offset_h: 8,
            activist_post_share: 0.16,
            core_post_share: 0.07,
            amplifier_post_share: 0.08,
            media_post_share: 0.03,
            organic_default_handle_share: 0.12,
            organic_new_share: 0.06,
            cascade_delay_median_s: 900.0,
            activist_rt_delay_median_s: 150.0,
            trends: 60,
            news_share_delay_mean_s: 2.0 * 3600.0,
            logins: false,
            pages: false,
            ads: false,
            no_profiles: false,
            reregister: None,
        }
    }
}

impl SimConfig {
    /// The named preset: `hk2019` (default), `organic-only` (activists and ordinary users, no
    /// operation: for false-positive rates of verdicts) or `null` (no operation and no activists:
    /// only coincidental co-activity, for calibrating p-values).
    pub fn preset(name: &str) -> Result<SimConfig, SimError> {
        let mut c = SimConfig::default();
        match name {
            "hk2019" => {}
            "organic-only" => {
                c.core_share = 0.0;
                c.amplifier_share = 0.0;
                c.core_post_share = 0.0;
                c.amplifier_post_share = 0.0;
            }
            "null" => {
                c.core_share = 0.0;
                c.amplifier_share = 0.0;
                c.activist_share = 0.0;
                c.core_post_share = 0.0;
                c.amplifier_post_share = 0.0;
                c.activist_post_share = 0.0;
            }
            other => return Err(SimError::UnknownPreset(other.to_string())),
        }
        c.preset = name.to_string();
        Ok(c)
    }

    /// Checks ranges and consistency; called by [`crate::simulate`].
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |name, problem: &str| {
            Err(SimError::Config {
                name,
                problem: problem.to_string(),
            })
        };
        if self.accounts < 50 {
            return bad("accounts", "must be at least 50");
        }
        if self.accounts > 4_000_000 {
            return bad("accounts", "must be at most 4,000,000 (tweet id low bits)");
        }
        if self.posts < self.accounts as u64 / 2 {
            return bad("posts", "must be at least half the number of accounts");
        }
        if self.days == 0 || self.days > 3650 {
            return bad("days", "must be between 1 and 3650");
        }
        if let Some(r) = self.reregister {
            if r.day == 0 || r.day >= self.days {
                return bad(
                    "reregister.day",
                    "must be inside the window (1 to days - 1)",
                );
            }
            if !(r.share > 0.0 && r.share <= 1.0) {
                return bad("reregister.share", "must be in (0, 1]");
            }
        }
        let Some(start) = crate::time::parse_date(&self.start_date) else {
            return bad("start_date", "must be YYYY-MM-DD");
        };
        if start < crate::time::parse_date("2012-01-01").unwrap_or(0) {
            return bad("start_date", "must be 2012-01-01 or later (snowflake ids)");
        }
        for d in &self.protest_days {
            if crate::time::parse_date(d).is_none() {
                return bad("protest_days", &format!("`{d}` is not YYYY-MM-DD"));
            }
        }
        let shares = [
            ("activist_share", self.activist_share),
            ("leader_share", self.leader_share),
            ("activist_new_share", self.activist_new_share),
            ("core_share", self.core_share),
            ("core_repurposed_share", self.core_repurposed_share),
            ("core_batch_2017_share", self.core_batch_2017_share),
            ("amplifier_share", self.amplifier_share),
            ("drip_cell_share", self.drip_cell_share),
            ("participation_min", self.participation_min),
            ("participation_max", self.participation_max),
            ("core_participation_min", self.core_participation_min),
            ("core_participation_max", self.core_participation_max),
            ("core_offhours_share", self.core_offhours_share),
            ("activist_post_share", self.activist_post_share),
            ("core_post_share", self.core_post_share),
            ("amplifier_post_share", self.amplifier_post_share),
            ("media_post_share", self.media_post_share),
            (
                "organic_default_handle_share",
                self.organic_default_handle_share,
            ),
            ("organic_new_share", self.organic_new_share),
        ];
        for (name, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return bad(name, "must be within [0, 1]");
            }
        }
        if self.activist_share + self.core_share + self.amplifier_share > 0.6 {
            return bad(
                "activist_share",
                "activist + core + amplifier shares exceed 0.6",
            );
        }
        if self.activist_post_share
            + self.core_post_share
            + self.amplifier_post_share
            + self.media_post_share
            > 0.8
        {
            return bad(
                "activist_post_share",
                "post shares of non-organic groups exceed 0.8",
            );
        }
        if self.core_repurposed_share + self.core_batch_2017_share > 1.0 {
            return bad(
                "core_repurposed_share",
                "repurposed + 2017 batch shares exceed 1",
            );
        }
        if self.participation_min > self.participation_max {
            return bad("participation_min", "exceeds participation_max");
        }
        if self.core_participation_min > self.core_participation_max {
            return bad("core_participation_min", "exceeds core_participation_max");
        }
        if self.cell_min < 2 || self.cell_min > self.cell_max {
            return bad("cell_min", "must be >= 2 and <= cell_max");
        }
        if self.burst_spread_s < 1 || self.drip_spread_s < self.burst_spread_s {
            return bad("burst_spread_s", "must be >= 1 and <= drip_spread_s");
        }
        if !(-12..=14).contains(&self.core_utc_offset_h) {
            return bad("core_utc_offset_h", "must be within -12..=14");
        }
        for (name, v) in [
            ("burst_offset_median_s", self.burst_offset_median_s),
            ("cascade_delay_median_s", self.cascade_delay_median_s),
            (
                "activist_rt_delay_median_s",
                self.activist_rt_delay_median_s,
            ),
            ("news_share_delay_mean_s", self.news_share_delay_mean_s),
        ] {
            if !(v > 0.0 && v < 1e7) {
                return bad(name, "must be a positive number of seconds");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_validate_and_unknown_is_rejected() {
        for p in ["hk2019", "organic-only", "null"] {
            let c = SimConfig::preset(p).expect("known preset");
            c.validate().expect("valid");
            assert_eq!(c.preset, p);
        }
        assert!(SimConfig::preset("nope").is_err());
        let c = SimConfig {
            participation_min: 0.9,
            participation_max: 0.1,
            ..SimConfig::default()
        };
        assert!(c.validate().is_err());
    }
}
