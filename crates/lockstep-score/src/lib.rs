//! Lockstep scoring: inauthenticity signals, verdicts, attribution, expansion.
