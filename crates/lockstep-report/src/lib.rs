//! Lockstep human-readable outputs: the self-contained HTML investigation report with charts
//! ([`render_report`]) and privacy-hashed disclosure datasets in the Twitter archive schema
//! ([`disclose`]).
//!
//! Both are front-end-neutral library functions: the CLI (`lockstep investigate`,
//! `lockstep disclose`) and later the server call them.

pub mod charts;
pub mod disclose;
pub mod input;
mod render;
pub mod sample;
pub mod terms;
pub mod time;

pub use input::{
    AccountResult, ClusterReport, EdgeResult, Headline, OperationReport, PageReport, ReportInput,
    Role, Verdict,
};
pub use render::render_report;

/// The shared stylesheet of Lockstep's HTML outputs (`templates/base.css`): the report, the
/// disclosure's report and the ads spend report look alike from one file.
pub const BASE_CSS: &str = include_str!("../templates/base.css");

use thiserror::Error;

/// Errors while building the report.
#[derive(Debug, Error)]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error("drawing the {0} chart: {1}")]
    Chart(String, String),
    /// The HTML template failed.
    #[error("rendering the report template: {0}")]
    Template(#[from] minijinja::Error),
    /// The input refers to an account the dataset does not have.
    #[error("report input refers to account #{0}, but the dataset has only {1} accounts")]
    UnknownAccount(u32, usize),
}
