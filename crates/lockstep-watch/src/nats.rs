//! `lockstep watch --from nats://HOST:PORT`: a JetStream durable pull consumer (docs/watch.md,
//! "NATS").
//!
//! Messages are offered to the [`Watcher`] in stream order with their stream sequence as input
//! position; a message is acknowledged only after a checkpoint that includes it, so a watcher
//! killed at any point gets every unacknowledged message again and skips those its checkpoint
//! already holds. Alerts are published to the alerts subject with the JetStream de-duplication
//! header `Nats-Msg-Id` = `alert_id`; dead letters go to the dead-letter subject. A lost
//! connection is retried every second (the watcher waits, it does not exit).

use crate::{WatchError, Watcher};
use async_nats::jetstream::{self, consumer::pull, stream};
use futures_util::StreamExt;
use std::io::Write;
use std::time::{Duration, Instant};

/// Where and how to consume.
#[derive(Clone, Debug)]
pub struct NatsOptions {
    /// Server address (`nats://HOST:PORT`).
    pub url: String,
    /// Subject the posts are published on.
    pub subject: String,
    /// JetStream stream holding the subject (created when missing).
    pub stream: String,
    /// Durable consumer name.
    pub durable: String,
    /// Subject alerts are published on (a stream `<stream>_ALERTS` is created for it).
    pub alerts_subject: Option<String>,
    /// Subject dead letters are published on.
    pub dead_letter_subject: Option<String>,
    /// Exit after this long without messages (tests, replays); `None`: run until killed.
    pub idle_exit: Option<Duration>,
    /// Messages per pull request.
    pub batch: usize,
}

fn nerr(what: &str) -> impl FnOnce(String) -> WatchError + '_ {
    move |e| WatchError::Nats(format!("{what}: {e}"))
}

/// Runs the watcher on the consumer until `idle_exit` (or forever).
pub fn run(
    watcher: &mut Watcher,
    opts: &NatsOptions,
    out: &mut dyn Write,
) -> Result<(), WatchError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| WatchError::Nats(format!("runtime: {e}")))?;
    rt.block_on(run_async(watcher, opts, out))
}

struct Sinks {
    client: async_nats::Client,
    js: jetstream::Context,
}

async fn connect(opts: &NatsOptions) -> async_nats::Client {
    let mut warned = false;
    loop {
        match async_nats::connect(opts.url.as_str()).await {
            Ok(c) => return c,
            Err(e) => {
                if !warned {
                    eprintln!(
                        "watch: cannot reach {} ({e}); retrying every second",
                        opts.url
                    );
                    warned = true;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn run_async(
    watcher: &mut Watcher,
    opts: &NatsOptions,
    out: &mut dyn Write,
) -> Result<(), WatchError> {
    let client = connect(opts).await;
    let js = jetstream::new(client.clone());
    let posts = js
        .get_or_create_stream(stream::Config {
            name: opts.stream.clone(),
            subjects: vec![opts.subject.clone()],
            ..Default::default()
        })
        .await
        .map_err(|e| nerr("stream")(e.to_string()))?;
    if let Some(s) = &opts.alerts_subject {
        js.get_or_create_stream(stream::Config {
            name: format!("{}_ALERTS", opts.stream),
            subjects: vec![s.clone()],
            duplicate_window: Duration::from_secs(24 * 3600),
            ..Default::default()
        })
        .await
        .map_err(|e| nerr("alerts stream")(e.to_string()))?;
    }
    let consumer: jetstream::consumer::PullConsumer = posts
        .get_or_create_consumer(
            &opts.durable,
            pull::Config {
                durable_name: Some(opts.durable.clone()),
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(600),
                max_ack_pending: -1,
                filter_subject: opts.subject.clone(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| nerr("consumer")(e.to_string()))?;
    let sinks = Sinks { client, js };
    deliver(watcher, opts, &sinks, out).await?;
    let mut unacked: Vec<jetstream::Message> = Vec::new();
    let mut last_message = Instant::now();
    let mut last_checkpoint = Instant::now();
    loop {
        let mut got = 0usize;
        match consumer
            .fetch()
            .max_messages(opts.batch)
            .expires(Duration::from_millis(200))
            .messages()
            .await
        {
            Ok(mut batch) => {
                while let Some(m) = batch.next().await {
                    match m {
                        Ok(m) => {
                            let seq = m
                                .info()
                                .map_err(|e| nerr("message info")(e.to_string()))?
                                .stream_sequence;
                            let line = String::from_utf8_lossy(&m.payload).into_owned();
                            watcher.offer(seq, &line)?;
                            unacked.push(m);
                            got += 1;
                        }
                        Err(e) => eprintln!("watch: fetch: {e}"),
                    }
                }
            }
            Err(e) => {
                eprintln!("watch: fetch: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        if got > 0 {
            last_message = Instant::now();
        }
        let idle = got == 0;
        if !unacked.is_empty()
            && (idle
                || last_checkpoint.elapsed() >= Duration::from_secs(1)
                || unacked.len() >= 100_000)
        {
            commit(watcher, opts, &sinks, &mut unacked, out).await?;
            last_checkpoint = Instant::now();
        }
        if idle && opts.idle_exit.is_some_and(|d| last_message.elapsed() >= d) {
            break;
        }
    }
    watcher.finish()?;
    commit(watcher, opts, &sinks, &mut unacked, out).await
}

async fn commit(
    watcher: &mut Watcher,
    opts: &NatsOptions,
    sinks: &Sinks,
    unacked: &mut Vec<jetstream::Message>,
    out: &mut dyn Write,
) -> Result<(), WatchError> {
    let dead: Vec<String> = watcher
        .pending_dead_letters()
        .iter()
        .filter_map(|d| serde_json::to_string(d).ok())
        .collect();
    watcher.checkpoint()?;
    if let Some(s) = &opts.dead_letter_subject {
        for d in dead {
            if let Err(e) = sinks.client.publish(s.clone(), d.into()).await {
                eprintln!("watch: dead letter not published ({e}); it is in the state directory");
            }
        }
    }
    deliver(watcher, opts, sinks, out).await?;
    for m in unacked.drain(..) {
        // A lost ack only means a redelivery, which the checkpoint position skips.
        if let Err(e) = m.ack().await {
            eprintln!("watch: ack: {e}");
        }
    }
    Ok(())
}

async fn deliver(
    watcher: &mut Watcher,
    opts: &NatsOptions,
    sinks: &Sinks,
    out: &mut dyn Write,
) -> Result<(), WatchError> {
    for line in watcher.undelivered() {
        writeln!(out, "{line}").map_err(|source| WatchError::Io {
            path: "stdout".into(),
            source,
        })?;
        if let Some(s) = &opts.alerts_subject {
            let id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("alert_id")?.as_str().map(String::from))
                .unwrap_or_default();
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", id.as_str());
            loop {
                let sent = match sinks
                    .js
                    .publish_with_headers(s.clone(), headers.clone(), line.clone().into())
                    .await
                {
                    Ok(ack) => ack.await.map(|_| ()).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match sent {
                    Ok(()) => break,
                    Err(e) => {
                        eprintln!("watch: alert {id} not published ({e}); retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        }
    }
    out.flush().map_err(|source| WatchError::Io {
        path: "stdout".into(),
        source,
    })?;
    watcher.mark_delivered()
}
