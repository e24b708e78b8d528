//! Thread placement: `OMP_PROC_BIND` and `OMP_PLACES`.
//!
//! Places are built from the CPUs this process may run on (`sched_getaffinity`), never from all
//! CPUs of the machine: an MPI rank started with `--bind-to core --map-by slot:PE=2` owns two CPUs,
//! and its team is placed on those two, not on the cores of its neighbour ranks.
//!
//! Thread 0 of a team is the calling thread. When binding is on, the thread that creates the
//! global pool (the program's initial thread, as in OpenMP) is bound to thread 0's place, within
//! the process's CPU set, so that it does not share a CPU with worker 1; workers `1..` are bound
//! when they are created. With binding off (the default) no thread is moved.
//! With binding on, the place of thread `t` of `T` threads over `P` places is:
//! - `close` (and `true`): place `t % P` when `T <= P`, else `t * P / T` (neighbours share);
//! - `spread`: place `t * P / T`, spreading the team over all places;
//! - `primary` (and `master`): place 0, the primary thread's place.

use std::fmt;
use std::str::FromStr;

/// OpenMP's thread-affinity policy (`OMP_PROC_BIND`, first entry of a list).
///
/// ```
/// use parfor::ProcBind;
/// assert_eq!("spread,close".parse::<ProcBind>(), Ok(ProcBind::Spread));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProcBind {
    /// Threads may run anywhere in the process's CPU set (the default).
    #[default]
    False,
    /// Binding on, with the implementation's policy: `Close`.
    True,
    /// Every worker on the primary thread's place.
    Primary,
    /// Workers on places next to each other.
    Close,
    /// Workers spread evenly over all places.
    Spread,
}

impl fmt::Display for ProcBind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProcBind::False => "false",
            ProcBind::True => "true",
            ProcBind::Primary => "primary",
            ProcBind::Close => "close",
            ProcBind::Spread => "spread",
        })
    }
}

impl FromStr for ProcBind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let first = text
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match first.as_str() {
            "false" => Ok(ProcBind::False),
            "true" => Ok(ProcBind::True),
            "primary" | "master" => Ok(ProcBind::Primary),
            "close" => Ok(ProcBind::Close),
            "spread" => Ok(ProcBind::Spread),
            _ => Err("expected false, true, primary, master, close or spread".into()),
        }
    }
}

/// CPU numbers a place may name: those a `cpu_set_t` can hold (`CPU_SETSIZE`, 1024 with glibc).
/// A larger number could never be bound to, and a place of `{0:100000000000}` must not allocate
/// a hundred billion entries.
pub(crate) const MAX_CPUS: usize = libc::CPU_SETSIZE as usize;

/// The places threads may be bound to (`OMP_PLACES`).
///
/// ```
/// use parfor::Places;
/// assert_eq!("cores".parse::<Places>(), Ok(Places::Cores));
/// assert_eq!("{0,1},{2:2}".parse::<Places>(), Ok(Places::List(vec![vec![0, 1], vec![2, 3]])));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Places {
    /// Each hardware thread (logical CPU) is a place (the default).
    #[default]
    Threads,
    /// Each physical core (its hardware threads together) is a place.
    Cores,
    /// Explicit places: lists of CPU numbers, as `{0,1},{2,3}` or `{0:4}` (start:count).
    List(Vec<Vec<usize>>),
}

impl fmt::Display for Places {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Places::Threads => f.write_str("threads"),
            Places::Cores => f.write_str("cores"),
            Places::List(places) => {
                let parts: Vec<String> = places
                    .iter()
                    .map(|p| {
                        let cpus: Vec<String> = p.iter().map(usize::to_string).collect();
                        format!("{{{}}}", cpus.join(","))
                    })
                    .collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

impl FromStr for Places {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "threads" => return Ok(Places::Threads),
            "cores" => return Ok(Places::Cores),
            _ => {}
        }
        let bad = || "expected threads, cores, or places such as {0,1},{2,3} or {0:4}".to_string();
        let too_large = || format!("CPU numbers must be below {MAX_CPUS}");
        if !t.starts_with('{') {
            return Err(bad());
        }
        let mut places = Vec::new();
        for chunk in t.split('}') {
            let chunk = chunk.trim().trim_start_matches(',').trim();
            if chunk.is_empty() {
                continue;
            }
            let inner = chunk.strip_prefix('{').ok_or_else(bad)?;
            let mut place = Vec::new();
            for item in inner.split(',') {
                let nums: Vec<&str> = item.split(':').map(str::trim).collect();
                let num = |s: &str| s.parse::<usize>().map_err(|_| bad());
                let (start, count) = match nums.as_slice() {
                    [one] => (num(one)?, 1),
                    [start, count] => (num(start)?, num(count)?),
                    _ => return Err(bad()),
                };
                let end = start
                    .checked_add(count)
                    .filter(|&end| end <= MAX_CPUS)
                    .ok_or_else(too_large)?;
                place.extend(start..end);
            }
            if place.is_empty() {
                return Err(bad());
            }
            places.push(place);
        }
        if places.is_empty() {
            return Err(bad());
        }
        Ok(Places::List(places))
    }
}

/// The CPUs this process may run on, in increasing order (all online CPUs if the mask is unknown).
pub(crate) fn process_cpus() -> Vec<usize> {
    // SAFETY: cpu_set_t is plain data for which all-zero bytes are a valid (empty) set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable cpu_set_t and the size passed is its size.
    let ok = unsafe { libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) } == 0;
    let mut cpus = Vec::new();
    if ok {
        for cpu in 0..libc::CPU_SETSIZE as usize {
            // SAFETY: cpu < CPU_SETSIZE, the capacity of `set`.
            if unsafe { libc::CPU_ISSET(cpu, &set) } {
                cpus.push(cpu);
            }
        }
    }
    if cpus.is_empty() {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        cpus.extend(0..n);
    }
    cpus
}

/// The places of `places`, restricted to the CPUs in `allowed` (empty places are dropped).
pub(crate) fn build_places(places: &Places, allowed: &[usize]) -> Vec<Vec<usize>> {
    let list: Vec<Vec<usize>> = match places {
        Places::Threads => allowed.iter().map(|&c| vec![c]).collect(),
        Places::Cores => {
            let mut cores: Vec<((u64, u64), Vec<usize>)> = Vec::new();
            for &cpu in allowed {
                let key = core_key(cpu);
                match cores.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, cpus)) => cpus.push(cpu),
                    None => cores.push((key, vec![cpu])),
                }
            }
            cores.into_iter().map(|(_, cpus)| cpus).collect()
        }
        Places::List(list) => list
            .iter()
            .map(|p| p.iter().copied().filter(|c| allowed.contains(c)).collect())
            .collect(),
    };
    list.into_iter()
        .filter(|p: &Vec<usize>| !p.is_empty())
        .collect()
}

/// (package, core) of a CPU from sysfs; a CPU whose topology is unknown is its own core.
fn core_key(cpu: usize) -> (u64, u64) {
    let read = |what: &str| {
        std::fs::read_to_string(format!("/sys/devices/system/cpu/cpu{cpu}/topology/{what}"))
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
    };
    match (read("physical_package_id"), read("core_id")) {
        (Some(p), Some(c)) => (p, c),
        _ => (u64::MAX, cpu as u64),
    }
}

/// The place index of thread `thread` of `team` threads over `places` places, or `None` when
/// binding is off.
pub(crate) fn place_of(bind: ProcBind, thread: usize, team: usize, places: usize) -> Option<usize> {
    if places == 0 {
        return None;
    }
    let spread = thread * places / team.max(1);
    match bind {
        ProcBind::False => None,
        ProcBind::Primary => Some(0),
        ProcBind::True | ProcBind::Close if team <= places => Some(thread % places),
        ProcBind::True | ProcBind::Close | ProcBind::Spread => Some(spread),
    }
}

/// Restricts the calling thread to `cpus`.
pub(crate) fn bind_current_thread(cpus: &[usize]) -> std::io::Result<()> {
    // SAFETY: all-zero bytes are a valid, empty cpu_set_t.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus.iter().filter(|&&c| c < libc::CPU_SETSIZE as usize) {
        // SAFETY: cpu < CPU_SETSIZE, the capacity of `set`.
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    // SAFETY: `set` is a valid cpu_set_t of the size passed; pid 0 is the calling thread.
    if unsafe { libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_bind_values() {
        for (text, want) in [
            ("false", ProcBind::False),
            ("TRUE", ProcBind::True),
            ("master", ProcBind::Primary),
            ("primary", ProcBind::Primary),
            ("close", ProcBind::Close),
            ("spread,close", ProcBind::Spread),
        ] {
            assert_eq!(text.parse(), Ok(want), "{text}");
        }
        assert!("sometimes".parse::<ProcBind>().is_err());
    }

    #[test]
    fn place_lists() {
        assert_eq!("threads".parse(), Ok(Places::Threads));
        assert_eq!(
            "{0:2},{4,5}".parse(),
            Ok(Places::List(vec![vec![0, 1], vec![4, 5]]))
        );
        for bad in ["sockets9", "{}", "{a}", "{1:2:3:4}", "0,1", ""] {
            assert!(bad.parse::<Places>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn places_beyond_the_cpu_set_are_refused_without_allocating() {
        let huge = format!("{{0:{}}}", u64::MAX);
        let beyond = format!("{{{MAX_CPUS}}}");
        for bad in ["{0:100000000000}", "{1000000000000}", &huge, &beyond] {
            let err = bad.parse::<Places>().unwrap_err();
            assert!(err.contains("below"), "{bad}: {err}");
        }
        let last = format!("{{{}:1}}", MAX_CPUS - 1);
        assert_eq!(last.parse(), Ok(Places::List(vec![vec![MAX_CPUS - 1]])));
    }

    #[test]
    fn places_stay_inside_the_allowed_cpus() {
        let allowed = [2, 3];
        assert_eq!(
            build_places(&Places::Threads, &allowed),
            vec![vec![2], vec![3]]
        );
        let list = Places::List(vec![vec![0, 1], vec![2], vec![3, 9]]);
        assert_eq!(build_places(&list, &allowed), vec![vec![2], vec![3]]);
        let cores = build_places(&Places::Cores, &allowed);
        assert_eq!(
            cores.iter().flatten().copied().collect::<Vec<_>>(),
            vec![2, 3]
        );
    }

    #[test]
    fn binding_policies_place_threads() {
        assert_eq!(place_of(ProcBind::False, 1, 4, 4), None);
        assert_eq!(place_of(ProcBind::Primary, 3, 4, 4), Some(0));
        assert_eq!(place_of(ProcBind::Close, 3, 4, 8), Some(3));
        assert_eq!(place_of(ProcBind::Spread, 3, 4, 8), Some(6));
        assert_eq!(place_of(ProcBind::Close, 7, 8, 2), Some(1));
        assert_eq!(place_of(ProcBind::Close, 3, 8, 2), Some(0));
    }

    /// The mask read is the mask set: on a thread of its own (`sched_getaffinity(0)` reads the
    /// calling thread's mask), restricted to one CPU, then to all of them again.
    #[test]
    fn the_process_mask_is_read() {
        std::thread::spawn(|| {
            let all = process_cpus();
            assert!(all.windows(2).all(|w| w[0] < w[1]), "{all:?}");
            let last = *all.last().unwrap();
            bind_current_thread(&[last]).unwrap();
            assert_eq!(process_cpus(), [last]);
            bind_current_thread(&all).unwrap();
            assert_eq!(process_cpus(), all);
        })
        .join()
        .unwrap();
    }
}
