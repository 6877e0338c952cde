//! One module per input format, plus small field helpers they share.

pub(crate) mod archive;
pub(crate) mod coortweet;
pub(crate) mod crowdtangle;
pub(crate) mod edges;
pub(crate) mod generic;
pub(crate) mod ira;
pub(crate) mod parquet_file;
pub(crate) mod tables;
pub(crate) mod twitter_v2;

use crate::error::{FieldError, shown};

/// Reuses a `Vec<&str>`'s allocation for borrows of a different lifetime (the vector is empty,
/// so no borrow outlives its source; the in-place `collect` keeps the allocation).
pub(crate) fn recycle<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// Parses an unsigned count; empty is `None`. Integer-valued floats (`12.0`) are accepted.
pub(crate) fn parse_count(v: &str, field: &str) -> Result<Option<u64>, FieldError> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(Some(n));
    }
    match t.parse::<f64>() {
        Ok(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => Ok(Some(f as u64)),
        _ => Err(FieldError::new(field, "bad count", shown(v.as_bytes()))),
    }
}

/// Parses a boolean written as True/False, true/false, 1/0 or empty (false).
pub(crate) fn parse_bool(v: &str, field: &str) -> Result<bool, FieldError> {
    match v.trim() {
        "" | "False" | "false" | "FALSE" | "0" | "0.0" => Ok(false),
        "True" | "true" | "TRUE" | "1" | "1.0" => Ok(true),
        _ => Err(FieldError::new(field, "bad boolean", shown(v.as_bytes()))),
    }
}

/// Parses a calendar time or Unix seconds (see [`crate::timeparse::parse_any`]).
pub(crate) fn parse_time(v: &str, field: &str) -> Result<i64, FieldError> {
    checked_time(crate::timeparse::parse_any(v.as_bytes()), v, field)
}

/// The one check every timestamp a reader keeps goes through: `parsed` is what a parser made
/// of `raw` (`None`: unparseable, "bad timestamp"); a time outside
/// [`crate::timeparse::plausible`]'s range is an "implausible timestamp".
pub(crate) fn checked_time(parsed: Option<i64>, raw: &str, field: &str) -> Result<i64, FieldError> {
    let t = parsed.ok_or_else(|| FieldError::new(field, "bad timestamp", shown(raw.as_bytes())))?;
    crate::timeparse::plausible(t).map_err(|why| {
        FieldError::new(
            field,
            "implausible timestamp",
            format!("{}: {why}", shown(raw.as_bytes())),
        )
    })
}

/// Parses an optional calendar time (empty = `None`).
pub(crate) fn parse_opt_time(v: &str, field: &str) -> Result<Option<i64>, FieldError> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        parse_time(v, field).map(Some)
    }
}

/// Parses a latitude or longitude: empty or `absent` = `None`.
pub(crate) fn parse_coord(v: &str, field: &str, max: f32) -> Result<Option<f32>, FieldError> {
    let t = v.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("absent") {
        return Ok(None);
    }
    match t.parse::<f32>() {
        Ok(f) if f.is_finite() && f.abs() <= max => Ok(Some(f)),
        _ => Err(FieldError::new(
            field,
            "bad coordinate",
            shown(v.as_bytes()),
        )),
    }
}

/// The field at `i` (empty when the column is absent).
pub(crate) fn col(rec: &csv::StringRecord, i: Option<usize>) -> &str {
    i.and_then(|i| rec.get(i)).unwrap_or("")
}
