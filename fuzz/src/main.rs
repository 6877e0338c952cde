//! A mutation fuzzer for the list-field parser and the CSV readers that runs on stable Rust.
//!
//! ```sh
//! cargo run --release -p lockstep-fuzz -- [list|csv|all] [--iterations N] [--seconds S] [--seed X]
//! ```
//!
//! Inputs start from valid seeds (archive list fields, one CSV sample per format) and are mutated
//! (byte flips, inserts, deletes, splices of interesting tokens, truncation) with a deterministic
//! PRNG. Any panic is caught, the input saved under `fuzz/crashes/`, and the run fails.

use lockstep_ingest::listfield::{ListBuf, parse_list};
use lockstep_ingest::{Format, IngestError, ReadOptions, read_paths};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: [&[u8]; 16] = [
    b"'",
    b"\"",
    b"[",
    b"]",
    b",",
    b"\\",
    b"\n",
    b"\r\n",
    b"\xEF\xBB\xBF",
    b"\xff\xfe",
    b"\\u00",
    b"''",
    b"2021-02-30 25:61",
    b"-1",
    b"1e999",
    b"\x1f\x8b",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if at < v.len() => v[at] ^= 1 << rng.below(8),
            1 => v.insert(at, rng.next() as u8),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            4 => v.truncate(at),
            _ => {
                if !v.is_empty() {
                    let a = rng.below(v.len());
                    let b = (a + rng.below(40)).min(v.len());
                    let chunk = v[a..b].to_vec();
                    v.splice(at..at, chunk);
                }
            }
        }
    }
    v
}

const LIST_SEEDS: [&str; 6] = [
    "['a', 'b']",
    "[]",
    "",
    "[\"x,y\", 'z']",
    "[1, 2]",
    "['it\\'s', '\\u00e9']",
];

const CSV_SEEDS: [(Format, &str); 7] = [
    (
        Format::Coortweet,
        "object_id,account_id,content_id,timestamp_share\nab,cd,ef,1623881091.0\nab,cx,eg,1623881092.0\n",
    ),
    (
        Format::CoortweetMulti,
        "account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\nfb_1,10,5,,7,,1629589836.0\n",
    ),
    (
        Format::Ira538,
        "author_id,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,retweet\nbob,hi #x https://t.co/a,Unknown,English,2016-08-16 11:47:00,2016-08-16 11:49:00,1,2,3,,0\n",
    ),
    (
        Format::ArchiveUsers,
        "userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language\n1,a,b,,,,1,2,2017-08-30,zh-cn\n",
    ),
    (
        Format::ArchiveTweets,
        "tweetid,userid,tweet_time,tweet_text,is_retweet,retweet_tweetid,hashtags,urls,user_mentions,latitude,longitude\n1163450063466205184,42,2019-08-19 13:26,\"hi, #hk\",True,11,['hk'],['http://x.com'],[],absent,absent\n",
    ),
    (
        Format::Logins,
        "userid,login_time,ip,device\nu1,2021-01-01 10:00,10.0.0.1,android\n",
    ),
    (
        Format::Ads,
        "ad_id,advertiser,payer,landing_url,ad_text,spend,currency,submitted_at,userid\n1,A,B,https://x.com,buy,10.5,USD,2021-01-01 10:00,u1\n",
    ),
];

fn save_crash(kind: &str, input: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crashes");
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(format!(
        "{kind}-{:016x}",
        input
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64)
                .wrapping_mul(0x100_0000_01b3))
    ));
    let _ = std::fs::write(&p, input);
    p
}

fn fuzz_list(rng: &mut Rng, buf: &mut ListBuf) -> Result<(), String> {
    let seed = LIST_SEEDS[rng.below(LIST_SEEDS.len())].as_bytes();
    let input = mutate(rng, seed);
    let text = String::from_utf8_lossy(&input).into_owned();
    let r = catch_unwind(AssertUnwindSafe(|| parse_list(&text, ",", buf)));
    match r {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "parse_list panicked; input saved to {}",
            save_crash("list", &input).display()
        )),
    }
}

fn fuzz_csv(rng: &mut Rng, dir: &std::path::Path) -> Result<(), String> {
    let (format, seed) = CSV_SEEDS[rng.below(CSV_SEEDS.len())];
    let input = mutate(rng, seed.as_bytes());
    let path = dir.join("input.csv");
    std::fs::write(&path, &input).map_err(|e| e.to_string())?;
    let forced = rng.below(2) == 0;
    let opts = ReadOptions {
        format: forced.then_some(format),
        lenient: rng.below(2) == 0,
        ..Default::default()
    };
    let lines = input.split(|&b| b == b'\n').count() as u64;
    match catch_unwind(AssertUnwindSafe(|| {
        read_paths(std::slice::from_ref(&path), &opts)
    })) {
        Err(_) => Err(format!(
            "{format} reader panicked; input saved to {}",
            save_crash("csv", &input).display()
        )),
        Ok(Err(IngestError::Input(e))) if e.line == 0 || e.line > lines => Err(format!(
            "error names line {} of a {lines}-line input: {e}; input saved to {}",
            e.line,
            save_crash("line", &input).display()
        )),
        Ok(_) => Ok(()),
    }
}

fn main() -> std::process::ExitCode {
    let mut mode = "all".to_string();
    let mut iterations: u64 = 20_000;
    let mut seconds: Option<u64> = None;
    let mut seed: u64 = 0x5eed;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().and_then(|v| v.parse::<u64>().ok());
        match a.as_str() {
            "--iterations" => iterations = val().unwrap_or(iterations),
            "--seconds" => seconds = val(),
            "--seed" => seed = val().unwrap_or(seed),
            "list" | "csv" | "all" => mode = a,
            other => {
                eprintln!(
                    "unknown argument {other}; usage: lockstep-fuzz [list|csv|all] [--iterations N] [--seconds S] [--seed X]"
                );
                return std::process::ExitCode::from(2);
            }
        }
    }
    // Panics are caught and reported with the saved input; keep the default hook quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("tempdir: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let mut buf = ListBuf::new();
    let mut runs = 0u64;
    loop {
        if deadline
            .map(|d| Instant::now() >= d)
            .unwrap_or(runs >= iterations)
        {
            break;
        }
        let r = match mode.as_str() {
            "list" => fuzz_list(&mut rng, &mut buf),
            "csv" => fuzz_csv(&mut rng, dir.path()),
            _ if runs.is_multiple_of(2) => fuzz_list(&mut rng, &mut buf),
            _ => fuzz_csv(&mut rng, dir.path()),
        };
        if let Err(e) = r {
            eprintln!("FAIL after {runs} runs: {e}");
            return std::process::ExitCode::FAILURE;
        }
        runs += 1;
    }
    println!(
        "lockstep-fuzz {mode}: {runs} inputs, no panics, every error named a line in the input"
    );
    std::process::ExitCode::SUCCESS
}
