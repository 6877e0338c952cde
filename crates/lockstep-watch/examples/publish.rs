//! Publishes NDJSON from stdin to a JetStream subject, one message per line, for replays and the
//! NATS throughput figure in BENCHMARKS.md:
//! `cargo run --release -p lockstep-watch --example publish -- nats://127.0.0.1:4222 lockstep.posts LOCKSTEP_POSTS < posts.ndjson`

use async_nats::jetstream;
use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, subject, stream] = args.as_slice() else {
        return Err("usage: publish nats://HOST:PORT SUBJECT STREAM < posts.ndjson".into());
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let client = async_nats::connect(url.as_str()).await?;
        let js = jetstream::new(client);
        js.get_or_create_stream(jetstream::stream::Config {
            name: stream.clone(),
            subjects: vec![subject.clone()],
            ..Default::default()
        })
        .await?;
        let t = std::time::Instant::now();
        let mut acks = Vec::new();
        let mut n = 0u64;
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            acks.push(js.publish(subject.clone(), line.into()).await?);
            n += 1;
            if acks.len() >= 4096 {
                for a in acks.drain(..) {
                    a.await?;
                }
            }
        }
        for a in acks {
            a.await?;
        }
        eprintln!(
            "published {n} messages in {:.2} s",
            t.elapsed().as_secs_f64()
        );
        Ok(())
    })
}
