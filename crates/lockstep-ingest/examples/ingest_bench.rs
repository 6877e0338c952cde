//! Ingest benchmark (not a test): writes a synthetic archive-format tweets CSV (1 million rows by
//! default), then reads it through `read_paths` (on the rayon pool: `RAYON_NUM_THREADS=1` for one
//! thread) and reports rows/s, MB/s (wall and per CPU-second of all threads), peak RSS (`VmHWM`),
//! the final columnar size (`Dataset::heap_bytes`) and the load average around the read.
//!
//! ```sh
//! cargo run --release -p lockstep-ingest --example ingest_bench -- [ROWS] [PATH]
//! ```

use lockstep_ingest::{ReadOptions, read_paths};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

/// A small deterministic PRNG (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 24] = [
    "the",
    "protest",
    "police",
    "hong",
    "kong",
    "freedom",
    "riot",
    "news",
    "watch",
    "today",
    "people",
    "government",
    "truth",
    "fake",
    "media",
    "support",
    "violence",
    "city",
    "students",
    "law",
    "order",
    "peace",
    "video",
    "report",
];
const TAGS: [&str; 8] = [
    "HK", "HongKong", "香港", "antiELAB", "news", "truth", "police", "peace",
];
const CLIENTS: [&str; 4] = [
    "Twitter for Android",
    "Twitter Web Client",
    "Twitter for iPhone",
    "TweetDeck",
];

fn generate(path: &PathBuf, rows: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        w,
        "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions"
    )?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let epoch_ms: i64 = 1_288_834_974_657;
    let start_ms: i64 = 1_560_000_000_000;
    let accounts = 20_000u64;
    let mut text = String::new();
    for i in 0..rows {
        let ms = start_ms + (i as i64) * 7_000 + rng.below(1000) as i64;
        let id = (((ms - epoch_ms) as u64) << 22) | rng.below(1 << 22);
        let secs = ms / 1000;
        let minute = secs - secs % 60;
        let (y, mo, d, h, mi) = ymdhm(minute);
        let user = rng.below(accounts);
        let is_rt = rng.below(10) < 6;
        text.clear();
        if is_rt {
            text.push_str("RT @user");
            text.push_str(&rng.below(accounts).to_string());
            text.push(':');
        }
        for _ in 0..(8 + rng.below(12)) {
            text.push(' ');
            text.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
        }
        let tag = TAGS[rng.below(TAGS.len() as u64) as usize];
        let rt_id = if is_rt {
            (id - (rng.below(1 << 30) << 22)).to_string()
        } else {
            String::new()
        };
        let rt_user = if is_rt {
            rng.below(accounts).to_string()
        } else {
            String::new()
        };
        writeln!(
            w,
            "{id},{user},User {user},user{user},Hong Kong,\"bio of {user}, a person\",,{},{},2017-0{}-1{} ,zh-cn,zh,\"{text} #{tag}\",{y:04}-{mo:02}-{d:02} {h:02}:{mi:02},{},,,,{},{rt_user},{rt_id},absent,absent,0,0,{},{},['{tag}'],['https://example.com/a/{}'],['{}']",
            user * 7 % 5000,
            user * 3 % 900,
            1 + user % 9,
            user % 10,
            CLIENTS[(user % 4) as usize],
            if is_rt { "True" } else { "False" },
            rng.below(50),
            rng.below(50),
            rng.below(1000),
            rng.below(accounts),
        )?;
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn ymdhm(t: i64) -> (i64, i64, i64, i64, i64) {
    let days = t.div_euclid(86_400);
    let s = t.rem_euclid(86_400);
    let (y, m, d) = lockstep_ingest::timeparse::civil_from_days(days);
    (y, m as i64, d as i64, s / 3600, s / 60 % 60)
}

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process (from `/proc/self/stat`, clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// CPU seconds (user + system) of each thread of this process, largest first: on a machine with
/// free cores the largest bounds the wall time of a parallel read from below.
fn thread_cpu_seconds() -> Vec<f64> {
    let mut out: Vec<f64> = std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|t| {
            let s = std::fs::read_to_string(t.path().join("stat")).ok()?;
            let after = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = after.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .filter(|&c| c > 0.0)
        .collect();
    out.sort_by(|a, b| b.total_cmp(a));
    out
}

/// The 1-minute load average (how busy the shared machine was).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_default()
}

/// Threads of the rayon pool the reader runs on.
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let path = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("lockstep-bench-archive-{rows}.csv")));
    if !path.exists() {
        let t = Instant::now();
        let bytes = generate(&path, rows)?;
        eprintln!(
            "generated {} ({:.1} MB) in {:.1?}",
            path.display(),
            bytes as f64 / 1e6,
            t.elapsed()
        );
    }
    let bytes = std::fs::metadata(&path)?.len();
    let load_before = loadavg();
    let hwm_before = vm_hwm_kib().unwrap_or(0);
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let t = Instant::now();
    let ing = read_paths(std::slice::from_ref(&path), &ReadOptions::default())?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
    let hwm = vm_hwm_kib().unwrap_or(0);
    let load_after = loadavg();
    let heap = ing.dataset.heap_bytes();
    let n = ing.report.rows_read();
    println!("rows            {n}");
    println!("load average    {load_before} before, {load_after} after (1 min)");
    println!("file            {:.1} MB", bytes as f64 / 1e6);
    println!(
        "time            {secs:.2} s wall, {cpu:.2} s CPU ({} rayon threads)",
        rayon_threads()
    );
    let threads: Vec<String> = thread_cpu_seconds()
        .iter()
        .map(|c| format!("{c:.2}"))
        .collect();
    println!(
        "thread CPU      {} s (each thread, generation included)",
        threads.join(", ")
    );
    println!(
        "rows/s          {:.0} wall, {:.0} per CPU-second",
        n as f64 / secs,
        n as f64 / cpu
    );
    println!(
        "MB/s            {:.1} wall, {:.1} per CPU-second",
        bytes as f64 / 1e6 / secs,
        bytes as f64 / 1e6 / cpu
    );
    println!(
        "peak RSS        {:.1} MB (VmHWM; {:.1} MB before reading)",
        hwm as f64 / 1024.0,
        hwm_before as f64 / 1024.0
    );
    println!(
        "columnar size   {:.1} MB (Dataset::heap_bytes)",
        heap as f64 / 1e6
    );
    println!("peak / columnar {:.2}", hwm as f64 * 1024.0 / heap as f64);
    println!(
        "posts {} accounts {} strings {}",
        ing.dataset.posts.len(),
        ing.dataset.accounts.len(),
        ing.dataset.strings.len()
    );
    for note in ing.report.notes() {
        println!("note: {note}");
    }
    Ok(())
}
