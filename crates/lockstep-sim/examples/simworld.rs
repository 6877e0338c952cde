//! Generates a world from the command line without the CLI (for benchmarks):
//! `simworld ACCOUNTS POSTS SEED OUT_DIR [logins]`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        return Err("usage: simworld ACCOUNTS POSTS SEED OUT_DIR [logins]".into());
    }
    let extras = a.get(5).is_some_and(|x| x == "logins");
    let cfg = lockstep_sim::SimConfig {
        accounts: a[1].parse()?,
        posts: a[2].parse()?,
        seed: a[3].parse()?,
        logins: extras,
        pages: extras,
        ads: extras,
        ..Default::default()
    };
    let t = std::time::Instant::now();
    let s = lockstep_sim::simulate(&cfg, std::path::Path::new(&a[4]))?;
    println!(
        "{} accounts {:?}, {} posts {:?}, {} cells, {} campaigns in {:.2}s",
        s.accounts,
        s.accounts_by_label,
        s.posts,
        s.posts_by_label,
        s.cells,
        s.campaigns,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
