//! One module per subcommand.

pub mod ads;
pub mod ads_report;
pub mod audit;
pub mod case;
pub mod demo;
pub mod disclose;
pub mod eval;
pub mod input;
pub mod inspect;
pub mod investigate;
pub mod registry;
pub mod serve;
pub mod simulate;
pub mod store;
pub mod user;
pub mod watch;
