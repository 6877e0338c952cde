//! Acceptance: recall and precision of the `similar_text` layer against brute-force exact Jaccard
//! over **all pairs** of a sample mixing English, Chinese and mixed-script texts with realistic
//! copy-paste edits. Prints the numbers (`cargo test -p lockstep-engine --test similar_recall --
//! --nocapture`). The default test uses 6,000 posts (fast under the test profile); the 20,000-post
//! run is `#[ignore]`d here and is also run in release by `examples/similar_bench.rs`.

#[path = "similar_gen.rs"]
mod similar_gen;

fn check(n: usize) {
    let r = similar_gen::recall_check(n);
    assert!(
        r.true_pairs > n / 20,
        "the sample must contain many true pairs"
    );
    assert_eq!(r.precision, 1.0, "every reported pair is verified");
    assert!(r.recall >= 0.95, "pair recall {}", r.recall);
    assert!(
        r.group_recall >= r.recall,
        "groups keep every verified pair together"
    );
    assert!(
        r.family_recovery >= 0.8,
        "planted families recovered {}",
        r.family_recovery
    );
    assert_eq!(
        r.lean_mismatches, 0,
        "the layer's lean path groups exactly as the reference path"
    );
}

#[test]
fn recall_and_precision_vs_brute_force_6k() {
    check(6_000);
}

#[test]
#[ignore = "about 20 s under the test profile; run in release by examples/similar_bench.rs"]
fn recall_and_precision_vs_brute_force_20k() {
    check(20_000);
}
