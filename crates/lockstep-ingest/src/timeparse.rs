//! Timestamp parsing without allocation: the archive's `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS`,
//! RFC 3339 (`T`, fractions, `Z` or `±HH:MM` offsets), dates, the IRA set's `M/D/YYYY H:MM`, and
//! Unix seconds (CooRTweet writes them as floats such as `1610870160.0`).
//!
//! The parsers accept any calendar-valid time; whether a time is *plausible* for social media
//! data is decided in one place, [`plausible`], which every reader applies to every timestamp
//! it keeps (post times, account creation dates, login and ad times).

// The calendar has one home, lockstep-model; re-exported for this crate's callers.
pub use lockstep_model::time::{civil_from_days, days_from_civil};

/// Earliest plausible timestamp: 1990-01-01T00:00:00Z (before any social platform; catches
/// `0000-01-01`, zero and negative epochs and seconds-vs-milliseconds mix-ups).
pub const PLAUSIBLE_FROM: i64 = 631_152_000;

/// First implausible timestamp: 2100-01-01T00:00:00Z (catches `9999-12-31` placeholders and
/// milliseconds read as seconds).
pub const PLAUSIBLE_UNTIL: i64 = 4_102_444_800;

/// `t` if it lies in `[PLAUSIBLE_FROM, PLAUSIBLE_UNTIL)`, else the problem to report
/// (`"9999-01-01 00:00:00 UTC is outside 1990-01-01..2100-01-01"`).
pub fn plausible(t: i64) -> Result<i64, String> {
    if (PLAUSIBLE_FROM..PLAUSIBLE_UNTIL).contains(&t) {
        Ok(t)
    } else {
        Err(format!(
            "{} UTC is outside the plausible range 1990-01-01..2100-01-01",
            format_utc(t)
        ))
    }
}

/// Formats UTC seconds as `YYYY-MM-DD HH:MM:SS`.
pub fn format_utc(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// A small cursor over ASCII digits.
struct Cur<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_digit() {
            v = v * 10 + (self.s[self.i] - b'0') as i64;
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

fn checked(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    if !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    if d as u32 > days_in_month(y, mo as u32) {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + s.min(59))
}

/// Parses a calendar timestamp to UTC seconds. Accepts `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`,
/// `YYYY-MM-DD HH:MM:SS[.fff]` with ` ` or `T`, an optional `Z`, ` UTC`, `+HH:MM`, `+HHMM` or
/// `+HH` offset, and US-style `M/D/YYYY H:MM[:SS]`. Returns `None` for anything else.
pub fn parse_datetime(s: &[u8]) -> Option<i64> {
    let s = s.trim_ascii();
    let mut c = Cur { s, i: 0 };
    let (y, mo, d);
    let first = c.digits(1, 4)?;
    if c.eat(b'/') {
        mo = first;
        d = c.digits(1, 2)?;
        if !c.eat(b'/') {
            return None;
        }
        y = c.digits(4, 4)?;
    } else {
        if c.i != 4 || !c.eat(b'-') {
            return None;
        }
        y = first;
        mo = c.digits(2, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        d = c.digits(2, 2)?;
    }
    if c.done() {
        return checked(y, mo, d, 0, 0, 0);
    }
    if !(c.eat(b' ') || c.eat(b'T')) {
        return None;
    }
    let h = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mi = c.digits(2, 2)?;
    let mut sec = 0;
    if c.eat(b':') {
        sec = c.digits(2, 2)?;
        if c.eat(b'.') || c.eat(b',') {
            c.digits(1, 9)?;
        }
    }
    let mut offset = 0i64;
    match c.peek() {
        None => {}
        Some(b'Z') | Some(b'z') => {
            c.i += 1;
        }
        Some(b' ') => {
            let rest = &s[c.i + 1..];
            if rest == b"UTC" || rest == b"+0000" || rest == b"GMT" {
                c.i = s.len();
            } else {
                return None;
            }
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2, 2)?;
            c.eat(b':');
            let om = if c.done() { 0 } else { c.digits(2, 2)? };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            offset = if sign == b'+' { o } else { -o };
        }
        _ => return None,
    }
    if !c.done() {
        return None;
    }
    checked(y, mo, d, h, mi, sec).map(|t| t - offset)
}

/// Parses Twitter API v1.1's `Wed Feb 01 17:49:30 +0000 2012`.
pub fn parse_twitter_v1(s: &[u8]) -> Option<i64> {
    let s = s.trim_ascii();
    let parts: Vec<&[u8]> = s.split(|&c| c == b' ').filter(|p| !p.is_empty()).collect();
    let [_, mon, day, hms, zone, year] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let m = MONTHS.iter().position(|x| x == mon)? + 1;
    let mut buf = Vec::with_capacity(32);
    buf.extend_from_slice(year);
    buf.extend_from_slice(format!("-{m:02}-").as_bytes());
    if day.len() == 1 {
        buf.push(b'0');
    }
    buf.extend_from_slice(day);
    buf.push(b'T');
    buf.extend_from_slice(hms);
    buf.extend_from_slice(zone);
    parse_datetime(&buf)
}

/// Parses Unix seconds, allowing a fraction (`1610870160.0`, `1610870160.25` -> truncated).
pub fn parse_unix_seconds(s: &[u8]) -> Option<i64> {
    let s = s.trim_ascii();
    let (int, frac) = match memchr::memchr(b'.', s) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &b""[..]),
    };
    if !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (neg, digits) = match int.first() {
        Some(b'-') => (true, &int[1..]),
        _ => (false, int),
    };
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = digits.iter().fold(0i64, |a, &b| a * 10 + (b - b'0') as i64);
    Some(if neg { -v } else { v })
}

/// Parses any accepted calendar form or Unix seconds.
pub fn parse_any(s: &[u8]) -> Option<i64> {
    parse_datetime(s)
        .or_else(|| parse_unix_seconds(s))
        .or_else(|| parse_twitter_v1(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(parse_datetime(b"1970-01-01 00:00"), Some(0));
        assert_eq!(parse_datetime(b"2016-08-16 11:47:00"), Some(1_471_348_020));
        assert_eq!(parse_datetime(b"2016-08-16 11:47"), Some(1_471_348_020));
        assert_eq!(parse_datetime(b"2016-08-16T11:47:00Z"), Some(1_471_348_020));
        assert_eq!(
            parse_datetime(b"2016-08-16T11:47:00.123Z"),
            Some(1_471_348_020)
        );
        assert_eq!(
            parse_datetime(b"2016-08-16T13:47:00+02:00"),
            Some(1_471_348_020)
        );
        assert_eq!(
            parse_datetime(b"2013-09-28 16:49:36+00:00"),
            Some(1_380_386_976)
        );
        assert_eq!(parse_datetime(b"8/16/2016 11:47"), Some(1_471_348_020));
        assert_eq!(parse_datetime(b"2017-08-30"), Some(1_504_051_200));
        assert_eq!(parse_datetime(b"2017-02-30"), None);
        assert_eq!(parse_datetime(b"2017-13-01"), None);
        assert_eq!(parse_datetime(b"yesterday"), None);
        assert_eq!(parse_datetime(b"2016-08-16 25:00"), None);
        assert_eq!(
            parse_twitter_v1(b"Wed Feb 01 17:49:30 +0000 2012 "),
            Some(1_328_118_570)
        );
        assert_eq!(
            parse_any(b"Wed Feb 01 17:49:30 +0000 2012"),
            Some(1_328_118_570)
        );
        assert_eq!(parse_twitter_v1(b"Wed Foo 01 17:49:30 +0000 2012"), None);
        assert_eq!(parse_unix_seconds(b"1610870160.0"), Some(1_610_870_160));
        assert_eq!(parse_unix_seconds(b"1610870160"), Some(1_610_870_160));
        assert_eq!(parse_unix_seconds(b"16a"), None);
        assert_eq!(parse_unix_seconds(b""), None);
        assert_eq!(format_utc(1_471_348_020), "2016-08-16 11:47:00");
    }

    #[test]
    fn plausible_range() {
        assert_eq!(parse_datetime(b"1990-01-01 00:00"), Some(PLAUSIBLE_FROM));
        assert_eq!(parse_datetime(b"2100-01-01 00:00"), Some(PLAUSIBLE_UNTIL));
        assert!(plausible(PLAUSIBLE_FROM).is_ok());
        assert!(plausible(PLAUSIBLE_UNTIL - 1).is_ok());
        for t in [PLAUSIBLE_FROM - 1, PLAUSIBLE_UNTIL, 0, -5, i64::MIN / 1000] {
            assert!(plausible(t).is_err(), "{t}");
        }
        let e = plausible(parse_datetime(b"9999-01-01").unwrap_or_default()).unwrap_err();
        assert!(e.starts_with("9999-01-01 00:00:00 UTC is outside"), "{e}");
    }

    proptest! {
        #[test]
        fn round_trips(t in -2_000_000_000i64..4_000_000_000i64) {
            let s = format_utc(t);
            prop_assert_eq!(parse_datetime(s.as_bytes()), Some(t));
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = parse_any(&b);
        }
    }
}
