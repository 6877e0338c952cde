//! A compressed-sparse-row list column: many short lists (hashtags, urls, mentions per post)
//! stored in two flat vectors instead of one `Vec` per row.

use crate::ids::Sym;

/// Row `i` holds `values[offsets[i]..offsets[i+1]]`.
#[derive(Clone, Debug)]
pub struct ListColumn {
    offsets: Vec<u32>,
    values: Vec<Sym>,
}

impl Default for ListColumn {
    fn default() -> Self {
        ListColumn {
            offsets: vec![0],
            values: Vec::new(),
        }
    }
}

impl ListColumn {
    /// Appends one row.
    pub fn push(&mut self, row: &[Sym]) {
        self.values.extend_from_slice(row);
        self.offsets.push(self.values.len() as u32);
    }

    /// The list of row `i`.
    pub fn get(&self, i: usize) -> &[Sym] {
        &self.values[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total number of values over all rows.
    pub fn total_values(&self) -> usize {
        self.values.len()
    }

    /// All values of all rows, flattened.
    pub fn values(&self) -> &[Sym] {
        &self.values
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4 + self.values.capacity() * 4
    }
}
