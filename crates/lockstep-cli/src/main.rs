//! `lockstep`: find, attribute, act on and disclose coordinated inauthentic behaviour.
//!
//! One file per subcommand under `cmd/`; this file only parses the command line and dispatches.
//! Front-ends hold no detection logic: every subcommand calls the library crates.

mod cmd;
mod term;

use clap::{Parser, Subcommand};

/// Lockstep finds accounts acting in lockstep, separates inauthentic operations from organic
/// coordination, attributes them and writes reports and disclosure datasets.
#[derive(Parser, Debug)]
#[command(name = "lockstep", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read input files and describe them: format, rows, accounts, posts, time range, layers supported.
    Inspect(cmd::inspect::Args),
    /// Generate a labelled synthetic world (a state operation against a protest movement).
    Simulate(cmd::simulate::Args),
    /// Simulate the default world and run the main pipeline on it.
    Demo(cmd::demo::Args),
    /// The main job: detect, test, cluster, score and report coordinated networks.
    Investigate(Box<cmd::investigate::Args>),
    /// Precision, recall and F1 of an investigation against labels.
    Eval(cmd::eval::Args),
    /// Write a privacy-hashed transparency dataset for selected networks.
    Disclose(cmd::disclose::Args),
    /// The case server: web pages and JSON API for cases, decisions, the enforcement feed and
    /// the audit log (docs/serve.md).
    Serve(Box<cmd::serve::Args>),
    /// Cases in the case store: import an investigation, export the enforcement feed.
    Case(cmd::case::Args),
    /// The case store's hash-chained audit log.
    Audit(cmd::audit::Args),
    /// Users of the case store (analyst, reviewer, admin).
    User(cmd::user::Args),
    /// Screen ads against the registry of state-controlled media; report their spend.
    Ads(cmd::ads::Args),
    /// Validate the registry of state-controlled media.
    Registry(cmd::registry::Args),
    /// Streaming detection on NDJSON stdin or NATS JetStream: alerts as JSON lines (docs/watch.md).
    Watch(Box<cmd::watch::Args>),
}

/// Restores the default action of `SIGPIPE` (end the process quietly), as command-line tools
/// expect: `lockstep eval ... --json | head` must not panic with "failed printing to stdout" when
/// `head` closes the pipe. Rust ignores `SIGPIPE` by default, turning it into a write error.
#[cfg(unix)]
fn quiet_on_closed_pipe() {
    // SAFETY: called first thing in `main`, before any thread exists; `signal` with `SIG_DFL`
    // only resets the disposition of one signal and touches no memory of ours.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quiet_on_closed_pipe() {}

fn main() -> std::process::ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(a) => cmd::inspect::run(a),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Investigate(a) => cmd::investigate::run(*a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::Disclose(a) => cmd::disclose::run(a),
        Command::Serve(a) => cmd::serve::run(*a),
        Command::Case(a) => cmd::case::run(a),
        Command::Audit(a) => cmd::audit::run(a),
        Command::User(a) => cmd::user::run(a),
        Command::Ads(a) => cmd::ads::run(a),
        Command::Registry(a) => cmd::registry::run(a),
        Command::Watch(a) => cmd::watch::run(*a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", term::error_line(&e));
            std::process::ExitCode::from(2)
        }
    }
}
