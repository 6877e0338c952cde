//! Union-find (disjoint sets) over `0..n` with path halving and the smaller index as the root,
//! so representatives are deterministic: the one home for connected components (the graph's
//! fallback for tiny graphs, the compatibility semantics' clusters, the similar_text groups).

/// Disjoint sets over `0..n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The representative of `x` (path halving on the way).
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let g = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = g;
            x = g;
        }
        x
    }

    /// The representative of `x` without changing the structure (usable from many threads).
    pub fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    /// Joins the sets of `a` and `b`; the smaller representative stays the root. True when they
    /// were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        true
    }

    /// Points every element straight at its representative; afterwards [`UnionFind::parent`]
    /// is the representative of each element.
    pub fn flatten(&mut self) {
        for i in 0..self.parent.len() {
            let r = self.find(i as u32);
            self.parent[i] = r;
        }
    }

    /// The parent of `x` (its representative after [`UnionFind::flatten`]).
    pub fn parent(&self, x: u32) -> u32 {
        self.parent[x as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_and_smallest_root() {
        let mut uf = UnionFind::new(6);
        assert!(uf.union(4, 2));
        assert!(uf.union(5, 4));
        assert!(!uf.union(2, 5));
        assert!(uf.union(3, 1));
        uf.flatten();
        let roots: Vec<u32> = (0..6).map(|i| uf.parent(i)).collect();
        assert_eq!(roots, vec![0, 1, 2, 1, 2, 2]);
        assert_eq!(uf.root(5), 2);
        assert_eq!(uf.len(), 6);
    }
}
