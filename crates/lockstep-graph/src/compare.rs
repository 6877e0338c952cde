//! Comparing two partitions: the adjusted Rand index (Hubert & Arabie 1985), used to score found
//! clusters against planted cells.

use hashbrown::HashMap;

fn choose2(x: u64) -> f64 {
    (x as f64) * (x.saturating_sub(1) as f64) / 2.0
}

/// Adjusted Rand index of two labelings of the same items (`a[i]`, `b[i]` label item `i`).
/// 1 for identical partitions (up to renaming), about 0 for independent ones. Items that are in no
/// group should carry a label of their own each (singletons) — the caller decides. Returns 1 when
/// both partitions are trivially equal (all singletons or one group), `NaN` for unequal lengths.
pub fn adjusted_rand_index(a: &[u64], b: &[u64]) -> f64 {
    if a.len() != b.len() {
        return f64::NAN;
    }
    let n = a.len() as u64;
    let mut cont: HashMap<(u64, u64), u64> = HashMap::new();
    let mut ra: HashMap<u64, u64> = HashMap::new();
    let mut rb: HashMap<u64, u64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *cont.entry((x, y)).or_default() += 1;
        *ra.entry(x).or_default() += 1;
        *rb.entry(y).or_default() += 1;
    }
    let index: f64 = cont.values().map(|&c| choose2(c)).sum();
    let sa: f64 = ra.values().map(|&c| choose2(c)).sum();
    let sb: f64 = rb.values().map(|&c| choose2(c)).sum();
    let total = choose2(n);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sa * sb / total;
    let max = (sa + sb) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[5, 5, 9, 9]), 1.0);
        // sklearn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((v - 0.571_428_571_428_571_4).abs() < 1e-12, "{v}");
        // sklearn: adjusted_rand_score([0,0,0,1,1,1],[0,1,0,1,2,2]) = 0.0 ... computed by hand:
        // contingency {(0,0):2,(0,1):1,(1,1):1,(1,2):2} index=2, sa=6, sb=1+1+1=3, total=15,
        // expected=1.2, max=4.5 -> (2-1.2)/(4.5-1.2)=0.2424..
        let v = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 0, 1, 2, 2]);
        assert!((v - 0.8 / 3.3).abs() < 1e-12, "{v}");
        assert!(adjusted_rand_index(&[0], &[0, 1]).is_nan());
    }
}
