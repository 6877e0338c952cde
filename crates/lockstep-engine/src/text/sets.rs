//! Flat storage of many shingle sets (one allocation, no `Vec` per text).

/// Sorted, de-duplicated shingle sets stored back to back.
#[derive(Clone, Debug, Default)]
pub struct ShingleSets {
    data: Vec<u64>,
    ends: Vec<u64>,
}

impl ShingleSets {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one set (must be sorted and de-duplicated); returns its index.
    pub fn push(&mut self, set: &[u64]) -> u32 {
        self.data.extend_from_slice(set);
        self.ends.push(self.data.len() as u64);
        (self.ends.len() - 1) as u32
    }

    /// Set `i`.
    pub fn get(&self, i: usize) -> &[u64] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.data[start..self.ends[i] as usize]
    }

    /// Number of sets.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no sets.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        (self.data.capacity() + self.ends.capacity()) * 8
    }
}
