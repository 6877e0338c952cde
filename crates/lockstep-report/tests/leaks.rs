//! Issue 13, the leak checker and the scrubber: one test per category of planted leak (32), in
//! clear and in every encoding `disclose --check` decodes, plus the property "no protected id,
//! handle or name appears in any output byte, in any encoding the checker knows" over generated
//! worlds with planted references.

use lockstep_model::{Dataset, DatasetBuilder, PostRecord, Profile, Resolution, SourceInfo};
use lockstep_report::disclose::check::decode_all;
use lockstep_report::disclose::{
    DiscloseError, DiscloseOptions, Leak, Network, PseudonymKey, check_disclosure, disclose,
};
use lockstep_report::{Role, Verdict};
use proptest::prelude::*;
use sha2::Digest;
use std::io::Write;
use std::path::Path;

const KEY: &[u8] = b"leak-test-key-0123456789abcdefghijkl";

/// Protected: 1000001 @small_fry "Maria Lopez"; 42 @zed "Zed"; public: 1000002 @BigNews.
fn world() -> Dataset {
    let mut b = DatasetBuilder::new();
    for (id, h, name, f) in [
        ("1000001", "small_fry", "Maria Lopez", 12u64),
        ("1000002", "BigNews", "Big News Network", 90_000),
        ("42", "zed", "Zed", 3),
        ("1000003", "=calc_fan", "=Evil Name", 7),
    ] {
        let p = Profile {
            screen_name: b.intern(h),
            display_name: b.intern(name),
            followers: Some(f),
            ..Default::default()
        };
        b.set_profile(id, &p);
    }
    b.finish()
}

fn check_bytes(name: &str, bytes: &[u8]) -> Vec<Leak> {
    let ds = world();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join(name);
    std::fs::write(&f, bytes).unwrap();
    check_disclosure(&ds, &f, 5_000).unwrap()
}

#[track_caller]
fn leaks_account(name: &str, bytes: &[u8], account: &str) -> Vec<Leak> {
    let leaks = check_bytes(name, bytes);
    assert!(
        leaks.iter().any(|l| l.account == account),
        "{name}: {:?} not caught: {leaks:?}",
        String::from_utf8_lossy(bytes)
    );
    leaks
}

#[track_caller]
fn clean(name: &str, bytes: &[u8]) {
    let leaks = check_bytes(name, bytes);
    assert!(leaks.is_empty(), "{name}: false alarm {leaks:?}");
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if le { &[0xff, 0xfe] } else { &[0xfe, 0xff] });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn sha256_hex(s: &str) -> String {
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// --- in clear (the checker always caught these; kept as the baseline) ---

#[test]
fn c01_plain_id() {
    leaks_account("a.txt", b"account 1000001 posted", "1000001");
}
#[test]
fn c02_plain_handle() {
    leaks_account("a.txt", b"see small_fry today", "1000001");
}
#[test]
fn c03_at_handle() {
    leaks_account("a.txt", b"RT @small_fry: hi", "1000001");
}
#[test]
fn c04_display_name() {
    leaks_account("a.md", b"# Maria Lopez\n", "1000001");
}
#[test]
fn c05_twitter_link() {
    leaks_account(
        "a.txt",
        b"https://twitter.com/small_fry/status/1",
        "1000001",
    );
}
#[test]
fn c06_x_link() {
    leaks_account("a.txt", b"https://x.com/Small_Fry", "1000001");
}
#[test]
fn c07_mixed_case_handle() {
    leaks_account("a.txt", b"@SMALL_FRY", "1000001");
}
#[test]
fn c08_csv_short_id_column() {
    leaks_account("users.csv", b"userid,user_screen_name\n42,x\n", "42");
}
#[test]
fn c09_csv_short_handle_in_mentions() {
    leaks_account(
        "tweets.csv",
        b"tweetid,user_mentions\n1,\"['zed']\"\n",
        "42",
    );
}
#[test]
fn c10_csv_guarded_protected_name() {
    // The formula guard must not hide a protected name from the exact column check.
    leaks_account(
        "users.csv",
        b"userid,user_display_name\nabc,'=Evil Name\n",
        "1000003",
    );
}
#[test]
fn c11_csv_reply_column() {
    leaks_account("tweets.csv", b"tweetid,in_reply_to_userid\n1,42\n", "42");
}

// --- the 9 categories `--check` missed (issue 13), and their variants ---

#[test]
fn c12_percent_encoded_at_handle() {
    leaks_account("a.txt", b"https://e.org/?to=%40small_fry&x=1", "1000001");
}
#[test]
fn c13_percent_encoded_at_handle_upper() {
    leaks_account("a.txt", b"u=%40SMALL_FRY", "1000001");
}
#[test]
fn c14_at_protected_numeric_id() {
    leaks_account("a.txt", b"thanks @1000001!", "1000001");
}
#[test]
fn c15_at_short_protected_id() {
    leaks_account("a.txt", b"ping @42 now", "42");
}
#[test]
fn c16_name_split_by_html_tags() {
    leaks_account(
        "report.html",
        b"<p>Ma<b>ria</b> <i>Lo</i>pez</p>\n",
        "1000001",
    );
}
#[test]
fn c17_name_across_html_cells() {
    leaks_account(
        "report.html",
        b"<tr><td>Maria</td><td>Lopez</td></tr>\n",
        "1000001",
    );
}
#[test]
fn c18_html_character_references() {
    leaks_account("report.html", b"&#64;small&#95;fry\n", "1000001");
    leaks_account("notes.txt", b"Maria&nbsp;Lopez&#32;", "1000001");
}
#[test]
fn c19_gzip() {
    leaks_account("tweets.csv.gz", &gzip(b"text\n@small_fry\n"), "1000001");
}
#[test]
fn c20_gzip_without_extension() {
    leaks_account("blob", &gzip(b"Maria Lopez"), "1000001");
}
#[test]
fn c21_zstd() {
    let z = zstd::encode_all(&b"id 1000001"[..], 3).unwrap();
    leaks_account("a.zst", &z, "1000001");
}
#[test]
fn c22_utf16le_bom() {
    leaks_account("a.txt", &utf16("hello @small_fry\n", true, true), "1000001");
}
#[test]
fn c23_utf16be_bom() {
    leaks_account("a.txt", &utf16("Maria Lopez\n", false, true), "1000001");
}
#[test]
fn c24_utf16le_without_bom() {
    leaks_account("a.csv", &utf16("x,y\n1,1000001\n", true, false), "1000001");
}
#[test]
fn c25_json_unicode_escapes() {
    leaks_account("summary.json", br#"{"note": "\u0040small_fry"}"#, "1000001");
    leaks_account("summary.json", br#"{"n": "Maria\u0020Lopez"}"#, "1000001");
}
#[test]
fn c26_json_escaped_slash_link() {
    leaks_account(
        "summary.json",
        br#"{"u": "https:\/\/twitter.com\/small_fry"}"#,
        "1000001",
    );
}
#[test]
fn c27_unkeyed_sha256_of_id() {
    let h = sha256_hex("1000001");
    let l = leaks_account("a.txt", format!("hash {h}\n").as_bytes(), "1000001");
    assert!(l[0].encoding.contains("SHA-256"), "{l:?}");
}
#[test]
fn c28_unkeyed_sha256_uppercase() {
    let h = sha256_hex("42").to_uppercase();
    leaks_account("a.csv", format!("x\n{h}\n").as_bytes(), "42");
}
#[test]
fn c29_unkeyed_blake3_of_id() {
    let h = blake3::hash(b"1000001").to_hex().to_string();
    leaks_account("a.txt", h.as_bytes(), "1000001");
}
#[test]
fn c29b_unkeyed_md5_of_id() {
    // MD5("1000001"), computed independently (Python hashlib).
    let l = leaks_account(
        "a.txt",
        b"md5 59e711d152de7bec7304a8c2ecaf9f0f here",
        "1000001",
    );
    assert!(l[0].encoding.contains("MD5"), "{l:?}");
}
#[test]
fn c30_unkeyed_sha256_of_handle() {
    let h = sha256_hex("small_fry");
    leaks_account("a.txt", h.as_bytes(), "1000001");
}
#[test]
fn c31_percent_encoded_name_and_double_encoding() {
    leaks_account("a.txt", b"q=Maria%20Lopez", "1000001");
    leaks_account("a.txt", b"u=%2540small_fry", "1000001");
}
#[test]
fn c32_nested_gzip_utf16_json() {
    let inner = utf16(r#"{"who": "\u0040small_fry"}"#, true, true);
    let l = leaks_account("x.json.gz", &gzip(&inner), "1000001");
    assert!(
        l[0].encoding.contains("gzip") && l[0].encoding.contains("UTF-16LE"),
        "{l:?}"
    );
}

#[test]
fn no_false_alarms_on_public_or_pseudonymised_values() {
    let key = PseudonymKey::from_bytes(KEY).unwrap();
    let p = key.pseudonym("1000001");
    clean(
        "a.txt",
        format!(
            "@BigNews 1000002 Big News Network @{p} %40{p} {}\n",
            sha256_hex("1000002")
        )
        .as_bytes(),
    );
    clean(
        "report.html",
        b"<td>Big</td><td>News</td> &amp; a < b > c\n",
    );
    clean("a.txt", &gzip(b"@BigNews"));
}

// --- the writer: leak check before success, and the property ---

fn post_world(texts: &[&str]) -> (Dataset, Vec<Network>) {
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo::new("mem", "test", Resolution::Second));
    for (id, h, name, f) in [
        ("1000001", "small_fry", "Maria Lopez", 12u64),
        ("1000002", "BigNews", "Big News Network", 90_000),
    ] {
        let p = Profile {
            screen_name: b.intern(h),
            display_name: b.intern(name),
            followers: Some(f),
            ..Default::default()
        };
        b.set_profile(id, &p);
    }
    for (i, t) in texts.iter().enumerate() {
        b.push_post(
            &PostRecord {
                external_id: &format!("9{i:05}"),
                account: "1000002",
                time: 1_560_000_000 + i as i64 * 60,
                text: t,
                ..Default::default()
            },
            src,
        );
    }
    let ds = b.finish();
    let a = ds.account_by_external("1000002").unwrap();
    let net = Network {
        id: "1".into(),
        verdict: Verdict::Inauthentic,
        members: vec![(a, Role::Core)],
        ..Default::default()
    };
    (ds, vec![net])
}

/// Issue 13 item 6: the leak check runs on the written files inside `disclose`, before it
/// reports success. A text holding an unkeyed SHA-256 of a protected id is not something the
/// scrubber rewrites; the check finds it and `disclose` fails.
#[test]
fn disclose_fails_when_its_own_output_leaks() {
    let h = sha256_hex("1000001");
    let (ds, nets) = post_world(&[&format!("leaked hash {h}")]);
    let key = PseudonymKey::from_bytes(KEY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = disclose(&ds, &nets, &key, &DiscloseOptions::default(), dir.path()).unwrap_err();
    match e {
        DiscloseError::Leaks { leaks, .. } => {
            assert!(leaks.iter().any(|l| l.account == "1000001"), "{leaks:?}")
        }
        other => panic!("expected leaks, got {other}"),
    }
    // The same world without the hash discloses cleanly.
    let (ds, nets) = post_world(&["hello @small_fry, Maria Lopez, %40small_fry and @1000001"]);
    let dir = tempfile::tempdir().unwrap();
    disclose(&ds, &nets, &key, &DiscloseOptions::default(), dir.path()).unwrap();
}

/// Issue 13 item 2: free-text cells of the disclosure CSVs carry the formula guard; ids never
/// do; the guard reads back exactly and the leak check still works through it.
#[test]
fn disclosure_csv_cells_are_guarded_against_formula_injection() {
    let texts = [
        "=HYPERLINK(\"http://evil\")",
        "@small_fry hi",
        "-5 degrees",
        "plain",
    ];
    let (ds, nets) = post_world(&texts);
    let key = PseudonymKey::from_bytes(KEY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    disclose(&ds, &nets, &key, &DiscloseOptions::default(), dir.path()).unwrap();
    let mut r = csv::Reader::from_path(dir.path().join("tweets.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (t, u) = (col("tweet_text"), col("userid"));
    let cells: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[t].to_string(), x[u].to_string())
        })
        .collect();
    let pseud = key.pseudonym("1000001");
    let want = [
        "=HYPERLINK(\"http://evil\")".to_string(),
        format!("@{pseud} hi"),
        "-5 degrees".to_string(),
        "plain".to_string(),
    ];
    for ((cell, userid), want) in cells.iter().zip(&want) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "unguarded {cell:?}"
        );
        assert_eq!(lockstep_export::unguard_cell(cell), want);
        assert_eq!(userid, "1000002", "ids are never guarded");
    }
    assert_eq!(cells[0].0, "'=HYPERLINK(\"http://evil\")");
    // The disclosure's report reads the files back without the guard.
    let back = lockstep_report::disclose::report::read_back(dir.path()).unwrap();
    let mut back_texts: Vec<&str> = back.posts.text.iter().map(|&t| back.str(t)).collect();
    back_texts.sort_unstable();
    let mut want: Vec<&str> = want.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(back_texts, want);
}

/// A network given twice to the library is refused (the CLI deduplicates `--network 1,1`).
#[test]
fn disclose_refuses_a_network_listed_twice() {
    let (ds, nets) = post_world(&["hello"]);
    let twice = vec![nets[0].clone(), nets[0].clone()];
    let key = PseudonymKey::from_bytes(KEY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = disclose(&ds, &twice, &key, &DiscloseOptions::default(), dir.path()).unwrap_err();
    assert!(
        matches!(e, DiscloseError::DuplicateNetwork(ref id) if id == "1"),
        "{e}"
    );
    assert!(!dir.path().join("tweets.csv").exists());
}

/// Every protected value must be absent from every view of every output file.
fn assert_absent_everywhere(out: &Path, protected: &[String]) -> Result<(), TestCaseError> {
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        for line in text.lines() {
            let mut views = vec![line.to_string()];
            for space in [false, true] {
                views.push(decode_all(line, space).0.to_ascii_lowercase());
            }
            for v in &views {
                for p in protected {
                    prop_assert!(
                        !v.contains(&p.to_ascii_lowercase()),
                        "{}: {p:?} in {v:?}",
                        path.display()
                    );
                }
            }
        }
    }
    Ok(())
}

fn token(prefix: char, n: u32) -> String {
    // Letters g..z only: never inside a hex pseudonym.
    let mut s = String::from(prefix);
    let mut x = n;
    for _ in 0..7 {
        s.push((b'g' + (x % 20) as u8) as char);
        x /= 20;
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_protected_value_in_any_output_byte(
        followers in proptest::collection::vec(prop_oneof![Just(None), (0u64..20_000).prop_map(Some)], 3..9),
        refs in proptest::collection::vec((0usize..9, 0usize..7), 1..20),
        seed in 10_000u32..1_000_000,
    ) {
        let n = followers.len();
        let ids: Vec<String> = (0..n).map(|i| format!("7{:08}", seed as usize * 10 + i)).collect();
        let handles: Vec<String> = (0..n).map(|i| token('h', seed * 16 + i as u32)).collect();
        let names: Vec<String> = (0..n)
            .map(|i| format!("N{} Q{}", token('n', seed * 16 + i as u32), token('q', seed + i as u32)))
            .collect();
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("mem", "test", Resolution::Second));
        for i in 0..n {
            let p = Profile {
                screen_name: b.intern(&handles[i]),
                display_name: b.intern(&names[i]),
                followers: followers[i],
                description: b.intern(&format!("friend of @{}", handles[(i + 1) % n])),
                ..Default::default()
            };
            b.set_profile(&ids[i], &p);
        }
        // Every account posts; each text plants references in every form the scrubber handles.
        for (k, &(who, form)) in refs.iter().enumerate() {
            let (a, t) = (k % n, who % n);
            let text = match form {
                0 => format!("RT @{}: hello", handles[t]),
                1 => format!("met {} today", names[t]),
                2 => format!("id {} again", ids[t]),
                3 => format!("https://share.example/?u=%40{}&s=1", handles[t]),
                4 => format!("cc @{}", ids[t]),
                5 => format!("https://twitter.com/{}/status/5", handles[t]),
                _ => format!("@{} and {} ({})", handles[t].to_uppercase(), names[t], ids[t]),
            };
            let mentions = [handles[t].as_str()];
            b.push_post(
                &PostRecord {
                    external_id: &format!("8{k:06}"),
                    account: &ids[a],
                    time: 1_560_000_000 + k as i64 * 60,
                    text: &text,
                    mentions: &mentions,
                    reply_to_account: &ids[t],
                    ..Default::default()
                },
                src,
            );
        }
        let ds = b.finish();
        let members: Vec<_> = (0..n)
            .filter_map(|i| ds.account_by_external(&ids[i]))
            .map(|a| (a, Role::Amplifier))
            .collect();
        let nets = vec![Network { id: "1".into(), verdict: Verdict::Inauthentic, members, ..Default::default() }];
        let key = PseudonymKey::from_bytes(KEY).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let r = disclose(&ds, &nets, &key, &DiscloseOptions::default(), dir.path());
        prop_assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string()));
        let protected: Vec<String> = (0..n)
            .filter(|&i| followers[i].is_none_or(|f| f < 5_000))
            .flat_map(|i| [ids[i].clone(), handles[i].clone(), names[i].clone()])
            .collect();
        assert_absent_everywhere(dir.path(), &protected)?;
        prop_assert!(check_disclosure(&ds, dir.path(), 5_000).unwrap().is_empty());
    }
}
