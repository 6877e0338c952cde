//! Writes the sample world's report: `cargo run -p lockstep-report --example sample_report -- OUT.html`.
//! The browser test (`tests/browser/check_report.mjs`) opens the file this produces.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sample-report.html".to_string());
    let s = lockstep_report::sample::sample();
    let html = lockstep_report::render_report(&s.dataset, &s.input)?;
    std::fs::write(&out, html)?;
    eprintln!("wrote {out}");
    Ok(())
}
