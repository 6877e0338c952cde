//! Lockstep statistics: null models, p-values, fusion, false discovery rate.
