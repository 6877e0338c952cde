//! Reading ad submissions (CSV, JSONL or Parquet with the simulator's columns) and validating
//! each field with a per-row reason.

use crate::error::{AdsError, FieldProblem};
use crate::fold::{Folded, fold};
use crate::landing::Landing;
use std::io::BufRead;
use std::path::Path;

/// One ad as read: every field as text, nothing validated yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdRow {
    /// 1-based line (CSV: the header is line 1), JSONL line or Parquet row.
    pub line: u64,
    /// Ad id.
    pub ad_id: String,
    /// Advertiser name or handle.
    pub advertiser: String,
    /// Payer ("paid for by").
    pub payer: String,
    /// Landing URL.
    pub landing_url: String,
    /// Ad text.
    pub ad_text: String,
    /// Spend amount.
    pub spend: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Submission time.
    pub submitted_at: String,
    /// Submitting account, when known.
    pub userid: String,
    /// Page the ad runs from, when known.
    pub page_id: String,
}

/// The columns an ads file must have (`userid`, `page_id` are optional).
pub const REQUIRED: [&str; 8] = [
    "ad_id",
    "advertiser",
    "payer",
    "landing_url",
    "ad_text",
    "spend",
    "currency",
    "submitted_at",
];

/// Largest plausible spend of one ad, in any currency unit (larger is reported as absurd).
pub const MAX_SPEND: f64 = 1e9;

/// Reads an ads file; the format follows the extension (`.csv`, `.jsonl`/`.ndjson`/`.json`,
/// `.parquet`), a `.gz` or `.zst` suffix is decompressed.
pub fn read_ads(path: &Path) -> Result<Vec<AdRow>, AdsError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let base = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    if base.ends_with(".parquet") {
        return read_parquet(path);
    }
    let io = |e: std::io::Error| AdsError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let reader: Box<dyn std::io::Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if name.ends_with(".zst") {
        Box::new(zstd::stream::read::Decoder::new(file).map_err(io)?)
    } else {
        Box::new(file)
    };
    if base.ends_with(".jsonl") || base.ends_with(".ndjson") || base.ends_with(".json") {
        read_jsonl(path, std::io::BufReader::new(reader))
    } else {
        read_csv(path, reader)
    }
}

fn read_csv(path: &Path, r: impl std::io::Read) -> Result<Vec<AdRow>, AdsError> {
    let p = path.display().to_string();
    let mut rd = csv::ReaderBuilder::new().flexible(true).from_reader(r);
    let header = rd
        .headers()
        .map_err(|e| AdsError::Format {
            path: p.clone(),
            message: format!("cannot read the header: {e}"),
        })?
        .clone();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let mut idx = [0usize; 8];
    for (i, c) in REQUIRED.iter().enumerate() {
        idx[i] = col(c).ok_or_else(|| AdsError::MissingColumn {
            path: p.clone(),
            column: c.to_string(),
        })?;
    }
    let (user, page) = (col("userid"), col("page_id"));
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        line += 1;
        match rd.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(AdsError::Row {
                    path: p,
                    line,
                    problem: FieldProblem::new("row", format!("unreadable CSV ({e})"), ""),
                });
            }
        }
        let f = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").to_string();
        out.push(AdRow {
            line,
            ad_id: f(Some(idx[0])),
            advertiser: f(Some(idx[1])),
            payer: f(Some(idx[2])),
            landing_url: f(Some(idx[3])),
            ad_text: f(Some(idx[4])),
            spend: f(Some(idx[5])),
            currency: f(Some(idx[6])),
            submitted_at: f(Some(idx[7])),
            userid: f(user),
            page_id: f(page),
        });
    }
    Ok(out)
}

fn read_jsonl(path: &Path, r: impl BufRead) -> Result<Vec<AdRow>, AdsError> {
    let p = path.display().to_string();
    let mut out = Vec::new();
    for (i, l) in r.lines().enumerate() {
        let line = i as u64 + 1;
        let l = l.map_err(|e| AdsError::Io {
            path: p.clone(),
            source: e,
        })?;
        if l.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&l).map_err(|e| AdsError::Row {
            path: p.clone(),
            line,
            problem: FieldProblem::new("row", format!("not JSON ({e})"), &l),
        })?;
        out.push(row_of_json(&p, line, &v)?);
    }
    Ok(out)
}

fn read_parquet(path: &Path) -> Result<Vec<AdRow>, AdsError> {
    let p = path.display().to_string();
    let mut out = Vec::new();
    let mut bad: Option<AdsError> = None;
    lockstep_ingest::parquet_json_rows(
        path,
        lockstep_ingest::limits::DEFAULT_MAX_COMPRESSION_RATIO,
        |line, v| {
            match row_of_json(&p, line, &v) {
                Ok(r) => out.push(r),
                Err(e) => {
                    if bad.is_none() {
                        bad = Some(e);
                    }
                }
            }
            Ok(())
        },
    )
    .map_err(|e| AdsError::Format {
        path: p.clone(),
        message: e.to_string(),
    })?;
    match bad {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// One ad from a JSON object with the file columns as keys (strings, or numbers for `spend` and
/// ids); `source` and `line` name it in errors (a JSONL file and line, or a request body and the
/// ad's 1-based position in the batch).
pub fn row_of_json(source: &str, line: u64, v: &serde_json::Value) -> Result<AdRow, AdsError> {
    let path = source;
    let obj = v.as_object().ok_or_else(|| AdsError::Row {
        path: path.to_string(),
        line,
        problem: FieldProblem::new("row", "not a JSON object", &v.to_string()),
    })?;
    for c in REQUIRED {
        if !obj.contains_key(c) {
            return Err(AdsError::Row {
                path: path.to_string(),
                line,
                problem: FieldProblem::new(c, "missing field", ""),
            });
        }
    }
    let f = |k: &str| match obj.get(k) {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    Ok(AdRow {
        line,
        ad_id: f("ad_id"),
        advertiser: f("advertiser"),
        payer: f("payer"),
        landing_url: f("landing_url"),
        ad_text: f("ad_text"),
        spend: f("spend"),
        currency: f("currency"),
        submitted_at: f("submitted_at"),
        userid: f("userid"),
        page_id: f("page_id"),
    })
}

/// The validated fields of an ad.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The landing URL, parsed (`None` when malformed).
    pub landing: Option<Landing>,
    /// Spend (`None` when invalid).
    pub spend: Option<f64>,
    /// Submission time, UTC seconds (`None` when invalid).
    pub time: Option<i64>,
    /// The advertiser's name, folded (see [`crate::fold::fold`]).
    pub advertiser: Folded,
    /// The payer's name, folded.
    pub payer: Folded,
    /// Every problem found, in column order.
    pub problems: Vec<FieldProblem>,
}

/// Validates an ad's fields: ids and names present, a web URL, a plausible amount, a known
/// currency, a plausible time.
pub fn check_row(r: &AdRow) -> Checked {
    let mut problems = Vec::new();
    if r.ad_id.trim().is_empty() {
        problems.push(FieldProblem::new("ad_id", "empty id", ""));
    }
    let advertiser = fold(&r.advertiser);
    let payer = fold(&r.payer);
    for (field, v, folded) in [
        ("advertiser", &r.advertiser, &advertiser),
        ("payer", &r.payer, &payer),
    ] {
        if folded.is_empty() {
            problems.push(FieldProblem::new(
                field,
                "empty name (nothing left after normalisation)",
                v,
            ));
        }
    }
    let landing = match Landing::parse(&r.landing_url) {
        Ok(l) => Some(l),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let s = r.spend.trim();
    let spend = match s.parse::<f64>() {
        _ if s.is_empty() => {
            problems.push(FieldProblem::new("spend", "empty amount", s));
            None
        }
        Ok(v) if !v.is_finite() => {
            problems.push(FieldProblem::new("spend", "non-numeric amount", s));
            None
        }
        Ok(v) if v < 0.0 => {
            problems.push(FieldProblem::new("spend", "negative amount", s));
            None
        }
        Ok(v) if v > MAX_SPEND => {
            problems.push(FieldProblem::new(
                "spend",
                format!("absurd amount (more than {MAX_SPEND:e})"),
                s,
            ));
            None
        }
        Ok(v) => Some(v),
        Err(_) => {
            problems.push(FieldProblem::new("spend", "non-numeric amount", s));
            None
        }
    };
    let c = r.currency.trim();
    if !is_currency(c) {
        problems.push(FieldProblem::new(
            "currency",
            "unknown currency (not an ISO 4217 code)",
            c,
        ));
    }
    let t = r.submitted_at.trim();
    let time = match lockstep_ingest::timeparse::parse_any(t.as_bytes())
        .map(lockstep_ingest::timeparse::plausible)
    {
        Some(Ok(v)) => Some(v),
        Some(Err(m)) => {
            problems.push(FieldProblem::new("submitted_at", m, t));
            None
        }
        None => {
            problems.push(FieldProblem::new("submitted_at", "not a time", t));
            None
        }
    };
    Checked {
        landing,
        spend,
        time,
        advertiser,
        payer,
        problems,
    }
}

/// Active ISO 4217 currency codes.
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// True for an active ISO 4217 code (capitals, as written).
pub fn is_currency(c: &str) -> bool {
    // CURRENCIES is sorted, every code 3 letters + a space: a binary search over its slots.
    let (table, code) = (CURRENCIES.as_bytes(), c.as_bytes());
    if code.len() != 3 {
        return false;
    }
    let slots = table.len().div_ceil(4);
    let (mut lo, mut hi) = (0usize, slots);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match table[mid * 4..mid * 4 + 3].cmp(code) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AdRow {
        AdRow {
            line: 2,
            ad_id: "ad1".into(),
            advertiser: "SnackWorld".into(),
            payer: "SnackWorld Ltd".into(),
            landing_url: "https://snackworld.example.com/promo/1".into(),
            ad_text: "Sale".into(),
            spend: "12.50".into(),
            currency: "USD".into(),
            submitted_at: "2019-08-01 10:00:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn currency_table_is_sorted_and_searched() {
        let codes: Vec<&str> = CURRENCIES.split(' ').collect();
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "CURRENCIES must stay sorted"
        );
        assert!(codes.iter().all(|c| c.len() == 3));
        for c in &codes {
            assert!(is_currency(c), "{c}");
        }
        for c in ["", "US", "usd", "XYZ", "AAA", "ZZZ", "USDX", "EU R"] {
            assert!(!is_currency(c), "{c}");
        }
    }

    #[test]
    fn good_row_has_no_problem() {
        let c = check_row(&row());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.spend, Some(12.5));
    }

    #[test]
    fn bad_fields_get_reasons() {
        type Case = (&'static str, fn(&mut AdRow), &'static str);
        let cases: [Case; 7] = [
            ("advertiser", |r| r.advertiser = " .. ".into(), "empty name"),
            ("landing_url", |r| r.landing_url = "http://".into(), "URL"),
            ("spend", |r| r.spend = "12,5O".into(), "non-numeric"),
            ("spend", |r| r.spend = "1e15".into(), "absurd"),
            ("spend", |r| r.spend = "-3".into(), "negative"),
            (
                "currency",
                |r| r.currency = "XYZ".into(),
                "unknown currency",
            ),
            (
                "submitted_at",
                |r| r.submitted_at = "yesterday".into(),
                "not a time",
            ),
        ];
        for (field, edit, reason) in cases {
            let mut r = row();
            edit(&mut r);
            let c = check_row(&r);
            assert_eq!(c.problems.len(), 1, "{field}: {:?}", c.problems);
            assert_eq!(c.problems[0].field, field);
            assert!(c.problems[0].reason.contains(reason), "{:?}", c.problems[0]);
        }
        let mut r = row();
        r.spend = "NaN".into();
        assert!(check_row(&r).problems[0].reason.contains("non-numeric"));
    }

    #[test]
    fn reads_csv_and_jsonl() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let csv = d.path().join("ads.csv");
        std::fs::write(
            &csv,
            "ad_id,advertiser,payer,landing_url,ad_text,spend,currency,submitted_at,userid\nad1,A,B,https://a.example.com,t,1,USD,2019-08-01,u1\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let rows = read_ads(&csv).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].line, rows[0].userid.as_str()), (2, "u1"));
        let js = d.path().join("ads.jsonl");
        std::fs::write(
            &js,
            "{\"ad_id\":\"ad1\",\"advertiser\":\"A\",\"payer\":\"B\",\"landing_url\":\"a.example.com\",\"ad_text\":\"\",\"spend\":3.5,\"currency\":\"EUR\",\"submitted_at\":\"2019-08-01\",\"page_id\":7}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let rows = read_ads(&js).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (rows[0].spend.as_str(), rows[0].page_id.as_str()),
            ("3.5", "7")
        );
        let bad = d.path().join("bad.csv");
        std::fs::write(&bad, "ad_id,advertiser\nad1,A\n").unwrap_or_else(|e| panic!("{e}"));
        let e = read_ads(&bad)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("missing column 'payer'"), "{e}");
    }
}
