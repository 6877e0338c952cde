//! Lockstep's synthetic world: a labelled state-backed operation against a protest movement.
