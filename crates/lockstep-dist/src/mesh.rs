//! The TCP mesh between the processes of a cluster run, connected by `lockstep-dist` itself and
//! handed to timely (`initialize_networking_from_sockets`).
//!
//! Timely's own `create_sockets` prints every connection attempt (`awaiting connections`,
//! `error connecting ... retrying`) on standard output and panics on a bad handshake; this module
//! speaks the same handshake (a process connects to every lower-numbered process and sends its
//! index as a big-endian `u64`; it accepts every higher-numbered one), prints nothing, turns a
//! bad handshake into an error, and records which processes have joined so that a connect
//! timeout can name the missing ones.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long to wait before retrying a connection to a process that is not listening yet.
const RETRY: Duration = Duration::from_millis(200);

/// Which processes have joined this process's mesh (`true` for this process itself).
pub(crate) type Joined = Arc<Mutex<Vec<bool>>>;

fn mark(joined: &Joined, p: usize) {
    if let Ok(mut v) = joined.lock()
        && let Some(x) = v.get_mut(p)
    {
        *x = true;
    }
}

/// Connects this process (`me`) to every other process of `addresses`: returns one stream per
/// process in process order, `None` at `me`. Retries until every process joined; the caller
/// bounds the wait (the session's connect timeout) and reads `joined` to name the missing ones.
pub(crate) fn connect(
    addresses: &[String],
    me: usize,
    joined: &Joined,
) -> io::Result<Vec<Option<TcpStream>>> {
    let n = addresses.len();
    mark(joined, me);
    // Bound first, so that higher-numbered processes can connect (their connections wait in the
    // backlog) while this one is still connecting to the lower-numbered ones.
    let listener = TcpListener::bind(addresses[me].as_str()).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot listen on {} (this process's hostfile line): {e}",
                addresses[me]
            ),
        )
    })?;
    let mut streams: Vec<Option<TcpStream>> = (0..n).map(|_| None).collect();
    for (p, address) in addresses.iter().enumerate().take(me) {
        let mut stream = loop {
            match TcpStream::connect(address.as_str()) {
                Ok(s) => break s,
                Err(_) => std::thread::sleep(RETRY),
            }
        };
        stream.set_nodelay(true)?;
        stream.write_all(&(me as u64).to_be_bytes())?;
        streams[p] = Some(stream);
        mark(joined, p);
    }
    for _ in me + 1..n {
        let (mut stream, from) = listener.accept()?;
        stream.set_nodelay(true)?;
        let mut index = [0u8; 8];
        stream.read_exact(&mut index)?;
        let p = u64::from_be_bytes(index) as usize;
        if p <= me || p >= n || streams[p].is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a connection from {from} announced itself as process {p}, which is not a higher-numbered process of this hostfile still to join process {me}: is another cluster run using these ports?"
                ),
            ));
        }
        streams[p] = Some(stream);
        mark(joined, p);
    }
    Ok(streams)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free_addresses(n: usize) -> Vec<String> {
        let listeners: Vec<TcpListener> = (0..n)
            .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind"))
            .collect();
        listeners
            .iter()
            .map(|l| l.local_addr().expect("addr").to_string())
            .collect()
    }

    #[test]
    fn three_processes_connect_in_any_start_order() {
        let addresses = free_addresses(3);
        // Start the highest first: it retries until the lower ones listen.
        let handles: Vec<_> = [2usize, 1, 0]
            .into_iter()
            .map(|me| {
                let a = addresses.clone();
                std::thread::spawn(move || {
                    let joined: Joined = Arc::new(Mutex::new(vec![false; 3]));
                    let s = connect(&a, me, &joined).expect("connect");
                    (me, s, joined)
                })
            })
            .collect();
        for h in handles {
            let (me, streams, joined) = h.join().expect("thread");
            for (p, s) in streams.iter().enumerate() {
                assert_eq!(s.is_none(), p == me, "process {me}, stream {p}");
            }
            assert_eq!(*joined.lock().expect("lock"), vec![true; 3]);
        }
    }

    #[test]
    fn a_wrong_handshake_is_an_error_not_a_panic() {
        let addresses = free_addresses(2);
        let a = addresses.clone();
        let h = std::thread::spawn(move || {
            let joined: Joined = Arc::new(Mutex::new(vec![false; 2]));
            connect(&a, 0, &joined)
        });
        let mut s = loop {
            match TcpStream::connect(addresses[0].as_str()) {
                Ok(s) => break s,
                Err(_) => std::thread::sleep(RETRY),
            }
        };
        s.write_all(&7u64.to_be_bytes()).expect("write");
        let e = h.join().expect("thread").expect_err("bad index");
        assert!(e.to_string().contains("process 7"), "{e}");
    }
}
