//! Lockstep machine-readable outputs: CSV, GEXF, GraphML, JSON, Parquet.
