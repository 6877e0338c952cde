//! Lockstep human-readable outputs: the HTML report with charts and disclosure datasets.
