//! Lockstep graphs: the fused coordination graph, communities, layout.
