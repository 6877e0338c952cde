//! Throughput of the ad screen alone (read excluded): `screen_throughput ADS.csv`.
//! Used for BENCHMARKS.md ("Ads"); not a test.

use lockstep_ads::{Judged, Screener, StateMediaRegistry, read_ads};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: screen_throughput ADS.csv")?;
    let t = std::time::Instant::now();
    let rows = read_ads(std::path::Path::new(&path))?;
    let read = t.elapsed().as_secs_f64();
    let reg = StateMediaRegistry::builtin();
    let s = Screener::new(&reg, Judged::default());
    let t = std::time::Instant::now();
    let ds = s.screen_all(&rows);
    let secs = t.elapsed().as_secs_f64();
    let rejected = ds
        .iter()
        .filter(|d| d.decision == lockstep_ads::Decision::Reject)
        .count();
    println!(
        "{} ads: read {read:.2}s, screened in {secs:.2}s = {:.0} ads/s on {} threads ({rejected} rejected)",
        rows.len(),
        rows.len() as f64 / secs,
        rayon::current_num_threads()
    );
    Ok(())
}
