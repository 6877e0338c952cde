//! Lockstep readers: Twitter IO archive, CooRTweet, IRA, CrowdTangle, twarc JSONL, generic CSV/JSONL/Parquet.
