//! Heartbeats between the processes of a cluster run, to detect a process that hangs without
//! closing its connections (stopped with SIGSTOP, swapping, a frozen VM).
//!
//! A dead process closes its TCP connections and timely's network threads fail at once; a stopped
//! one keeps them open (its kernel still acknowledges), so the others would wait for its data
//! forever. Each process therefore sends a small UDP datagram every [`INTERVAL`] from its own
//! thread to every other process, on the same `host:port` as its hostfile line (UDP and TCP ports
//! are separate), and records when it last heard from each. A thread of its own keeps beating
//! while the workers are busy in a long kernel run, so only a process that does not run at all
//! (or whose host is cut off) falls silent.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a process sends its heartbeat.
pub(crate) const INTERVAL: Duration = Duration::from_millis(250);

const MAGIC: [u8; 4] = *b"LSHB";

/// When each process was last heard from (`None`: not yet).
pub(crate) type LastHeard = Arc<Mutex<Vec<Option<Instant>>>>;

/// The running heartbeat of this process; stops when dropped.
pub(crate) struct Heartbeat {
    /// When each process of the hostfile was last heard from.
    pub(crate) last: LastHeard,
    stop: Arc<AtomicBool>,
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A tag of the hostfile, so that heartbeats of another cluster run on the same ports are ignored.
fn run_tag(addresses: &[String]) -> u64 {
    // FNV-1a: stable across processes and builds.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for a in addresses {
        for b in a.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn encode(tag: u64, me: usize) -> [u8; 16] {
    let mut m = [0u8; 16];
    m[..4].copy_from_slice(&MAGIC);
    m[4..12].copy_from_slice(&tag.to_be_bytes());
    m[12..].copy_from_slice(&(me as u32).to_be_bytes());
    m
}

fn decode(m: &[u8], tag: u64) -> Option<usize> {
    if m.len() != 16 || m[..4] != MAGIC || m[4..12] != tag.to_be_bytes() {
        return None;
    }
    let mut p = [0u8; 4];
    p.copy_from_slice(&m[12..]);
    Some(u32::from_be_bytes(p) as usize)
}

/// Starts beating: binds UDP on this process's hostfile address and sends to every other one.
pub(crate) fn start(addresses: &[String], me: usize) -> std::io::Result<Heartbeat> {
    let socket = UdpSocket::bind(addresses[me].as_str())?;
    socket.set_read_timeout(Some(INTERVAL / 2))?;
    // Resolved once; a peer whose name does not resolve is left out (it will be reported as
    // silent, naming its hostfile line).
    let peers: Vec<SocketAddr> = addresses
        .iter()
        .enumerate()
        .filter(|&(p, _)| p != me)
        .filter_map(|(_, a)| a.to_socket_addrs().ok()?.next())
        .collect();
    let tag = run_tag(addresses);
    let message = encode(tag, me);
    let last: LastHeard = Arc::new(Mutex::new(vec![None; addresses.len()]));
    let stop = Arc::new(AtomicBool::new(false));
    let (last_t, stop_t) = (Arc::clone(&last), Arc::clone(&stop));
    std::thread::Builder::new()
        .name("lockstep-heartbeat".into())
        .spawn(move || {
            let mut next_send = Instant::now();
            let mut buf = [0u8; 64];
            while !stop_t.load(Ordering::SeqCst) {
                if Instant::now() >= next_send {
                    for p in &peers {
                        // A peer not listening yet, or gone: nothing to do, silence is the signal.
                        let _ = socket.send_to(&message, p);
                    }
                    next_send += INTERVAL;
                }
                if let Ok((n, _)) = socket.recv_from(&mut buf)
                    && let Some(p) = decode(&buf[..n], tag)
                    && let Ok(mut v) = last_t.lock()
                    && let Some(x) = v.get_mut(p)
                {
                    *x = Some(Instant::now());
                }
            }
        })?;
    Ok(Heartbeat { last, stop })
}

/// The processes (other than `me`) not heard from for longer than `timeout`, counting from
/// `since` (when the mesh was complete) for a process never heard from.
pub(crate) fn silent(
    last: &[Option<Instant>],
    me: usize,
    since: Instant,
    timeout: Duration,
    now: Instant,
) -> Vec<usize> {
    last.iter()
        .enumerate()
        .filter(|&(p, _)| p != me)
        .filter(|&(_, t)| {
            let heard = t.map_or(since, |t| t.max(since));
            now.saturating_duration_since(heard) > timeout
        })
        .map(|(p, _)| p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free_udp_addresses(n: usize) -> Vec<String> {
        let s: Vec<UdpSocket> = (0..n)
            .map(|_| UdpSocket::bind("127.0.0.1:0").expect("bind"))
            .collect();
        s.iter()
            .map(|x| x.local_addr().expect("addr").to_string())
            .collect()
    }

    #[test]
    fn messages_round_trip_and_foreign_ones_are_ignored() {
        let tag = run_tag(&["a:1".into(), "b:2".into()]);
        assert_eq!(decode(&encode(tag, 3), tag), Some(3));
        assert_eq!(decode(&encode(tag, 3), tag ^ 1), None);
        assert_eq!(decode(b"LSHB", tag), None);
    }

    #[test]
    fn silence_counts_from_the_mesh_or_the_last_beat() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let last = vec![None, Some(t0 + 3 * s), None];
        // Process 2 never beat: silent once the timeout has passed since the mesh was complete.
        assert_eq!(silent(&last, 0, t0, 2 * s, t0 + s), Vec::<usize>::new());
        assert_eq!(silent(&last, 0, t0, 2 * s, t0 + 4 * s), vec![2]);
        assert_eq!(silent(&last, 0, t0, 2 * s, t0 + 6 * s), vec![1, 2]);
    }

    #[test]
    fn processes_hear_each_other_and_a_stopped_one_falls_silent() {
        let a = free_udp_addresses(2);
        let h0 = start(&a, 0).expect("start 0");
        let h1 = start(&a, 1).expect("start 1");
        let until = Instant::now() + Duration::from_secs(10);
        while h0.last.lock().expect("lock")[1].is_none()
            || h1.last.lock().expect("lock")[0].is_none()
        {
            assert!(Instant::now() < until, "no heartbeat within 10 s");
            std::thread::sleep(INTERVAL);
        }
        drop(h1);
        std::thread::sleep(INTERVAL * 3);
        let heard = h0.last.lock().expect("lock")[1].expect("heard");
        std::thread::sleep(INTERVAL * 4);
        assert_eq!(
            h0.last.lock().expect("lock")[1],
            Some(heard),
            "beats after stop"
        );
    }
}
