//! Disclosure datasets (DESIGN §10).
