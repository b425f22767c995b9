//! When the program `forkless` started ends, the host process ends, and
//! every task still alive ends with it. On Unix those orphans would go on
//! (adopted by init); here they cannot outlive the process. Most are idle
//! and lose nothing: a `sleep 100 &`, a server waiting for a client. But
//! some are finishing the work their parent handed them: toybox's `tar
//! czf` and `tar cJf` exit without waiting for their gzip or xz, which
//! still has the archive's end to write. So before the process ends it
//! waits, for at most [`GRACE`], until no orphan is working: each is
//! blocked in a call with nothing to wake it, or stopped.

use std::time::{Duration, Instant};

use super::table;
use super::INIT_PID;

/// The longest the end of the process waits for working orphans: a
/// compressor has at most a pipe's and its own buffers left to write,
/// which takes milliseconds; an orphan that computes forever (`yes >
/// /dev/null &`) must not keep the caller waiting for ever.
pub const GRACE: Duration = Duration::from_secs(10);

/// How often the task table is looked at, and how long it must have been
/// quiet (twice in a row) to count as settled.
const TICK: Duration = Duration::from_millis(5);

/// Waits until no task but init is working, or `limit` has passed.
/// Returns whether the tasks settled.
pub fn settle_orphans(limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut quiet = 0;
    loop {
        let (live, working) = orphans();
        if live == 0 {
            // The usual end: nothing left, nothing to wait for.
            return true;
        }
        if working == 0 {
            quiet += 1;
            if quiet >= 2 {
                return true;
            }
        } else {
            quiet = 0;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(TICK);
    }
}

/// How many tasks other than init are alive, and how many of those are
/// running or about to: neither stopped nor asleep in a call
/// (`Proc::state_letter`).
fn orphans() -> (usize, usize) {
    let t = table::lock();
    let states: Vec<char> = t.iter().filter(|p| p.task.pid != INIT_PID).map(|p| p.state_letter()).collect();
    let live = states.iter().filter(|s| **s != 'Z').count();
    (live, states.iter().filter(|s| **s == 'R').count())
}
