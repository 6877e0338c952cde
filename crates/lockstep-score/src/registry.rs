//! The registry of state-controlled media (`data/state_media.toml`, schema in data/README.md):
//! one loader and one type for the whole project, in `lockstep_ads::registry` (which also holds
//! names, aliases and the excluded public broadcasters for the ad screen); re-exported here for
//! the `state_media` signal and attribution, which look outlets up by URL host and handle.

pub use lockstep_ads::RegistryError;
pub use lockstep_ads::registry::{
    BUILTIN_TOML, Outlet, StateMediaRegistry, country_name, url_host,
};
