//! Per-layer, per-scale co-action windows (DESIGN §5) and their validation against the data's
//! time resolution.
//!
//! Every layer runs at two scales: a short **burst** window (synchronised posting, seconds to a
//! minute) and a long **drip** window (hours, slow amplification). Defaults are below; any of them
//! can be overridden (`--window repost=30`, `--window repost:drip=7200`) or switched off (`=0`).
//! A window shorter than the dataset's time resolution is refused: on minute-resolution data a
//! 10-second window would silently match everything inside one minute and nothing across minutes.

use crate::layer::{Layer, Scale};
use lockstep_model::Resolution;
use std::collections::BTreeMap;
use thiserror::Error;

/// Errors in window settings.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum WindowError {
    /// A window shorter than the data's time resolution.
    #[error(
        "window for layer `{layer}` ({scale}) is {window_s} s, below the data's time resolution of {resolution_s} s ({resolution}); use a window of at least {resolution_s} s"
    )]
    BelowResolution {
        /// Layer.
        layer: Layer,
        /// Scale.
        scale: Scale,
        /// The window asked for.
        window_s: i64,
        /// Resolution in seconds.
        resolution_s: i64,
        /// Resolution name.
        resolution: &'static str,
    },
    /// A `--window` argument that does not parse.
    #[error(
        "bad window `{0}`: expected SECONDS, LAYER=SECONDS or LAYER:SCALE=SECONDS (scale burst|drip; 0 disables)"
    )]
    Syntax(String),
    /// A negative window.
    #[error("window for layer `{0}` is negative")]
    Negative(Layer),
}

/// Default `(burst, drip)` windows in seconds for a layer at second resolution.
pub fn default_windows(layer: Layer) -> (i64, i64) {
    match layer {
        Layer::Repost => (60, 6 * 3600),
        Layer::Text => (60, 6 * 3600),
        Layer::SimilarText => (120, 6 * 3600),
        Layer::Url => (60, 6 * 3600),
        Layer::Domain => (60, 3600),
        Layer::Hashtag => (60, 3600),
        Layer::HashtagSeq => (60, 6 * 3600),
        Layer::Reply => (60, 6 * 3600),
        Layer::Mention => (60, 3600),
        Layer::Media => (60, 6 * 3600),
        Layer::Amplify => (300, 6 * 3600),
        Layer::Ip => (3600, 7 * 86_400),
        Layer::Device => (3600, 7 * 86_400),
    }
}

/// The windows to run: for each `(layer, scale)` the window in seconds, or absent when that scale
/// is switched off.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Windows {
    /// Explicit settings, `(layer, scale) -> seconds`; `0` switches the scale off.
    pub overrides: BTreeMap<(Layer, Scale), i64>,
}

impl Windows {
    /// Parses `--window` values: `SECONDS` (burst window of every layer), `LAYER=SECONDS` (burst
    /// window of one layer) or `LAYER:SCALE=SECONDS`. `0` switches a scale off.
    pub fn parse_overrides<S: AsRef<str>>(args: &[S]) -> Result<Windows, WindowError> {
        let mut w = Windows::default();
        for a in args {
            let a = a.as_ref().trim();
            let bad = || WindowError::Syntax(a.to_string());
            match a.split_once('=') {
                None => {
                    let s: i64 = a.parse().map_err(|_| bad())?;
                    for l in Layer::ALL {
                        w.overrides.insert((l, Scale::Burst), s);
                    }
                }
                Some((lhs, rhs)) => {
                    let s: i64 = rhs.trim().parse().map_err(|_| bad())?;
                    let (lname, scale) = match lhs.split_once(':') {
                        None => (lhs, Scale::Burst),
                        Some((l, "burst")) => (l, Scale::Burst),
                        Some((l, "drip")) => (l, Scale::Drip),
                        Some(_) => return Err(bad()),
                    };
                    let layer = Layer::parse(lname.trim()).ok_or_else(bad)?;
                    if s < 0 {
                        return Err(WindowError::Negative(layer));
                    }
                    w.overrides.insert((layer, scale), s);
                }
            }
        }
        Ok(w)
    }

    /// The window of `layer` at `scale` for data at `resolution`, or `None` when switched off.
    /// Defaults are raised to the resolution; explicit settings are returned as given (see
    /// [`Windows::validate`]).
    pub fn get(&self, layer: Layer, scale: Scale, resolution: Resolution) -> Option<i64> {
        if let Some(&s) = self.overrides.get(&(layer, scale)) {
            return (s > 0).then_some(s);
        }
        let (b, d) = default_windows(layer);
        let s = match scale {
            Scale::Burst => b,
            Scale::Drip => d,
        };
        Some(s.max(resolution.seconds()))
    }

    /// Refuses explicit windows below the resolution of the data.
    pub fn validate(&self, layers: &[Layer], resolution: Resolution) -> Result<(), WindowError> {
        for &(layer, scale) in self.overrides.keys() {
            if !layers.contains(&layer) {
                continue;
            }
            if let Some(s) = self.get(layer, scale, resolution)
                && s < resolution.seconds()
            {
                return Err(WindowError::BelowResolution {
                    layer,
                    scale,
                    window_s: s,
                    resolution_s: resolution.seconds(),
                    resolution: resolution.as_str(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_defaults() {
        let w = Windows::parse_overrides(&["repost=30", "url:drip=0", "hashtag:burst=90"]).unwrap();
        assert_eq!(
            w.get(Layer::Repost, Scale::Burst, Resolution::Second),
            Some(30)
        );
        assert_eq!(w.get(Layer::Url, Scale::Drip, Resolution::Second), None);
        assert_eq!(
            w.get(Layer::Hashtag, Scale::Burst, Resolution::Second),
            Some(90)
        );
        assert_eq!(
            w.get(Layer::Text, Scale::Drip, Resolution::Second),
            Some(21_600)
        );
        assert!(Windows::parse_overrides(&["nope=3"]).is_err());
        assert!(Windows::parse_overrides(&["repost:slow=3"]).is_err());
        let all = Windows::parse_overrides(&["45"]).unwrap();
        assert_eq!(
            all.get(Layer::Mention, Scale::Burst, Resolution::Second),
            Some(45)
        );
    }

    #[test]
    fn below_resolution_is_refused() {
        let w = Windows::parse_overrides(&["repost=10"]).unwrap();
        let e = w
            .validate(&[Layer::Repost], Resolution::Minute)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("below the data's time resolution of 60 s")
        );
        assert!(w.validate(&[Layer::Repost], Resolution::Second).is_ok());
        // Defaults adapt instead of failing.
        let d = Windows::default();
        assert!(d.validate(&Layer::ALL, Resolution::Day).is_ok());
        assert_eq!(
            d.get(Layer::Repost, Scale::Burst, Resolution::Minute),
            Some(60)
        );
        assert_eq!(
            d.get(Layer::Repost, Scale::Burst, Resolution::Day),
            Some(86_400)
        );
    }
}
