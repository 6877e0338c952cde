//! Lockstep's main job as a library: investigate = read, detect, test, cluster, score, write.
