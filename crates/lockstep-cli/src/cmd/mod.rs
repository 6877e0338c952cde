//! One module per subcommand.

pub mod demo;
pub mod disclose;
pub mod eval;
pub mod input;
pub mod inspect;
pub mod investigate;
pub mod simulate;
