//! Running independent build steps side by side.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many steps run at once: cargo's `NUM_JOBS` for build scripts, else
/// the machine's parallelism.
pub fn count() -> usize {
    std::env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1)
}

/// `f` applied to every item on up to `count()` threads, results in the
/// items' order. The first error stops the handing out of new items and
/// is returned.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> io::Result<R> + Sync) -> io::Result<Vec<R>> {
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(None::<io::Error>);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..count().min(items.len()) {
            s.spawn(|| loop {
                if failed.lock().expect("error slot").is_some() {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { return };
                match f(item) {
                    Ok(r) => results.lock().expect("results")[i] = Some(r),
                    Err(e) => {
                        failed.lock().expect("error slot").get_or_insert(e);
                        return;
                    }
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().expect("error slot") {
        return Err(e);
    }
    Ok(results.into_inner().expect("results").into_iter().map(|r| r.expect("every item ran")).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_reports_errors() {
        let v: Vec<u32> = (0..50).collect();
        assert_eq!(super::map(&v, |x| Ok(x * 2)).unwrap(), v.iter().map(|x| x * 2).collect::<Vec<_>>());
        let e = super::map(&v, |x| if *x == 7 { Err(std::io::Error::other("seven")) } else { Ok(*x) });
        assert_eq!(e.unwrap_err().to_string(), "seven");
    }
}
