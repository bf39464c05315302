//! Work spread over threads without a thread pool crate: filesystem
//! operations (which wait on the disk more than on the CPU) and per-file
//! parsing.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads for filesystem work, which mostly waits.
pub const IO_THREADS: usize = 8;

/// Threads for work that keeps a core busy: one a core.
pub fn cpu_threads() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Below this many items, threads cost more than they save.
const SERIAL_BELOW: usize = 64;

/// `f` over every item on up to `threads` threads, results in item order.
/// Every item is processed even when some fail; the caller picks the error.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < SERIAL_BELOW || threads <= 1 {
        return items.iter().map(f).collect();
    }
    spread(items, threads, f)
}

/// [`map`] for items worth a thread each, however few.
fn spread<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads.min(items.len()) {
            scope.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    local.push((index, f(item)));
                }
                results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(local);
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// `f` over every item (each worth a thread: a batch) on up to `threads`
/// threads, results in item order, unless one fails: then no further item is started and the first error
/// (in item order) among those that ran is returned.
pub fn try_map<T: Sync, R: Send, E: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let failed = std::sync::atomic::AtomicBool::new(false);
    let results = spread(items, threads.max(1), |item| {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let result = f(item);
        if result.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        Some(result)
    });
    let mut values = Vec::with_capacity(results.len());
    for result in results.into_iter().flatten() {
        values.push(result?);
    }
    Ok(values)
}

/// `f` over every item on [`IO_THREADS`] threads; the first error (in item
/// order) is returned.
pub fn try_for_each<T: Sync, E: Send>(items: &[T], f: impl Fn(&T) -> Result<(), E> + Sync) -> Result<(), E> {
    map(items, IO_THREADS, f).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_item_order() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(map(&items, 4, |n| n * 2), items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn try_map_stops_after_a_failure() {
        let items: Vec<usize> = (0..10_000).collect();
        let ran = AtomicUsize::new(0);
        let result = try_map(&items, 2, |&n| {
            ran.fetch_add(1, Ordering::Relaxed);
            if n == 10 { Err(n) } else { Ok(n) }
        });
        assert_eq!(result, Err(10));
        assert!(ran.load(Ordering::Relaxed) < 1000);
        assert_eq!(try_map(&items[..100], 2, |&n| Ok::<_, ()>(n + 1)).unwrap()[99], 100);
    }

    #[test]
    fn the_first_error_in_item_order_wins() {
        let items: Vec<usize> = (0..500).collect();
        let result = try_for_each(&items, |&n| if n % 100 == 99 { Err(n) } else { Ok(()) });
        assert_eq!(result, Err(99));
    }
}
