//! `target` and `teams` on the host, as libgomp runs them when there is no offload device: a
//! target region runs at once on the encountering thread with the host addresses of its mapped
//! variables (all memory is shared, so data mapping and updates do nothing), and the teams of a
//! league run one after another on the encountering thread, each seeing its own
//! `omp_get_team_num()`.
//!
//! ```c
//! #pragma omp target teams num_teams(2) map(tofrom: x)   // GOMP_target_ext(..., fn, ...), then
//! x += omp_get_team_num();                              // while (GOMP_teams4(2, 2, 0, first))
//! ```
//!
//! As in libgomp, a target region runs as a new initial thread (level 0, the ICVs the
//! environment gave, kept to itself): here a fresh thread the encountering one waits for, so
//! threadprivate variables inside are that thread's.

use crate::region::Body;
use crate::task_env::{self, Group, TaskEnv};
use std::cell::RefCell;
use std::ffi::c_void;
use std::os::raw::{c_int, c_uint, c_ushort};

/// `target` (OpenMP 4.5 form): runs `body(hostaddrs)` now, after the sibling tasks its `depend`
/// clause names (`nowait` is satisfied by running it at once).
///
/// # Safety
/// The arguments are what gcc emits for a target region.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // gcc's signature
pub unsafe extern "C" fn GOMP_target_ext(
    _device: c_int,
    body: Body,
    mapnum: usize,
    hostaddrs: *mut *mut c_void,
    sizes: *mut usize,
    kinds: *mut c_ushort,
    _flags: c_uint,
    depend: *mut *mut c_void,
    args: *mut *mut c_void,
) {
    // SAFETY: gcc's depend array, or null.
    unsafe { crate::tasks::wait_for_dependences(depend, "GOMP_target_ext") };
    // SAFETY: gcc passes `mapnum` entries in each array.
    let copies = unsafe { firstprivate_copies(mapnum, hostaddrs, sizes, kinds) };
    // SAFETY: gcc's null-terminated argument array.
    let limit = unsafe { thread_limit_arg(args) };
    run_target(body, hostaddrs.cast(), limit);
    drop(copies);
}

/// The body of a target region with its data, handed to the thread that runs it.
struct TargetJob {
    body: Body,
    data: *mut c_void,
}

// SAFETY: the encountering thread waits for the target region to finish before it touches the
// data again (`run_target` joins the thread), as it would wait for a device.
unsafe impl Send for TargetJob {}

impl TargetJob {
    fn run(self, limit: Option<usize>) {
        let group = limit.map(Group::new);
        task_env::start_target(group.as_ref());
        // SAFETY: gcc's outlined target body with the addresses of its variables.
        unsafe { (self.body)(self.data) }
    }
}

/// Runs a target region as libgomp's host fallback does: as a new initial thread (level 0, the
/// ICVs the environment gave, no enclosing team), here a fresh thread the encountering one
/// waits for (its stack as large as the main thread's usually is). If no thread can be made,
/// it runs on the encountering thread.
fn run_target(body: Body, data: *mut c_void, limit: Option<usize>) {
    const STACK: usize = 8 << 20;
    let stack = parfor::settings()
        .stack_size
        .value
        .unwrap_or(STACK)
        .max(STACK);
    let job = TargetJob { body, data };
    let outer = task_env::enter(task_env::current());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("parfor-target".into())
            .stack_size(stack)
            .spawn_scoped(scope, move || job.run(limit));
        match spawned {
            Ok(handle) => {
                if handle.join().is_err() {
                    crate::missing::abort_with("a target region failed inside the runtime");
                }
            }
            Err(_) => TargetJob { body, data }.run(limit),
        }
    });
    task_env::leave(outer);
}

/// `GOMP_MAP_FIRSTPRIVATE`: the variable is copied into the region (kinds' low byte).
const MAP_FIRSTPRIVATE: c_ushort = 0x0c;

/// Gives each firstprivate variable of a target region a private copy, as a device would have
/// (aligned to 2^(kind >> 8)), and points its `hostaddrs` entry at it; returns the copies.
///
/// # Safety
/// The three arrays hold `mapnum` entries; each firstprivate address holds its size in bytes.
unsafe fn firstprivate_copies(
    mapnum: usize,
    hostaddrs: *mut *mut c_void,
    sizes: *mut usize,
    kinds: *mut c_ushort,
) -> Vec<Vec<u8>> {
    let mut copies = Vec::new();
    if hostaddrs.is_null() || sizes.is_null() || kinds.is_null() {
        return copies;
    }
    for i in 0..mapnum {
        // SAFETY: `i < mapnum`, within each array.
        let (kind, size, address) = unsafe { (*kinds.add(i), *sizes.add(i), hostaddrs.add(i)) };
        if kind & 0xff != MAP_FIRSTPRIVATE {
            continue;
        }
        let mut storage = Vec::new();
        let align = 1usize.checked_shl(u32::from(kind >> 8)).unwrap_or(1);
        let copy = crate::tasks::aligned_buffer(&mut storage, size, align);
        // SAFETY: the variable holds `size` bytes; the copy is a fresh buffer of that size.
        unsafe {
            std::ptr::copy_nonoverlapping((*address).cast::<u8>(), copy.cast(), size);
            *address = copy;
        }
        copies.push(storage);
    }
    copies
}

/// The `thread_limit` a target region's arguments carry, if any.
///
/// # Safety
/// `args` is null or gcc's null-terminated array of encoded target arguments.
unsafe fn thread_limit_arg(mut args: *mut *mut c_void) -> Option<usize> {
    const SUBSEQUENT: usize = 1 << 7;
    const ID_MASK: usize = 0xff << 8;
    const THREAD_LIMIT: usize = 2 << 8;
    if args.is_null() {
        return None;
    }
    let mut found = None;
    loop {
        // SAFETY: within the null-terminated array (a value word follows a SUBSEQUENT entry).
        let word = unsafe { *args } as usize;
        if word == 0 {
            return found;
        }
        let value = if word & SUBSEQUENT != 0 {
            // SAFETY: as above.
            unsafe {
                args = args.add(1);
                *args as usize
            }
        } else {
            word >> 16
        };
        if word & ID_MASK == THREAD_LIMIT && value > 0 {
            found = Some(value);
        }
        // SAFETY: as above.
        args = unsafe { args.add(1) };
    }
}

/// `target` of gcc before 5: as [`GOMP_target_ext`].
///
/// # Safety
/// The arguments are what gcc emits for a target region.
#[no_mangle]
pub unsafe extern "C" fn GOMP_target(
    _device: c_int,
    body: Body,
    _unused: *const c_void,
    _mapnum: usize,
    hostaddrs: *mut *mut c_void,
    _sizes: *mut usize,
    _kinds: *mut u8,
) {
    run_target(body, hostaddrs.cast(), None);
}

/// Defines data-mapping entry points, which have nothing to do on the host.
macro_rules! host_data_entries {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $t:ty),*);)*) => {$(
        $(#[$doc])*
        #[no_mangle]
        pub extern "C" fn $name($(_: $t),*) {}
    )*};
}

host_data_entries! {
    /// `target data`: host memory is already there.
    fn GOMP_target_data(device: c_int, unused: *const c_void, mapnum: usize, hostaddrs: *mut *mut c_void, sizes: *mut usize, kinds: *mut u8);
    /// `target data` (4.5 form): nothing to map.
    fn GOMP_target_data_ext(device: c_int, mapnum: usize, hostaddrs: *mut *mut c_void, sizes: *mut usize, kinds: *mut c_ushort);
    /// The end of `target data`: nothing to unmap.
    fn GOMP_target_end_data();
    /// `target update`: host and "device" memory are the same.
    fn GOMP_target_update(device: c_int, unused: *const c_void, mapnum: usize, hostaddrs: *mut *mut c_void, sizes: *mut usize, kinds: *mut u8);
}

/// `target update` (4.5 form): nothing to copy; waits for the sibling tasks `depend` names.
///
/// # Safety
/// `depend` is gcc's depend array, or null.
#[no_mangle]
pub unsafe extern "C" fn GOMP_target_update_ext(
    _device: c_int,
    _mapnum: usize,
    _hostaddrs: *mut *mut c_void,
    _sizes: *mut usize,
    _kinds: *mut c_ushort,
    _flags: c_uint,
    depend: *mut *mut c_void,
) {
    // SAFETY: forwarded contract.
    unsafe { crate::tasks::wait_for_dependences(depend, "GOMP_target_update_ext") };
}

/// `target enter/exit data`: nothing to map; waits for the sibling tasks `depend` names.
///
/// # Safety
/// `depend` is gcc's depend array, or null.
#[no_mangle]
pub unsafe extern "C" fn GOMP_target_enter_exit_data(
    _device: c_int,
    _mapnum: usize,
    _hostaddrs: *mut *mut c_void,
    _sizes: *mut usize,
    _kinds: *mut c_ushort,
    _flags: c_uint,
    depend: *mut *mut c_void,
) {
    // SAFETY: forwarded contract.
    unsafe { crate::tasks::wait_for_dependences(depend, "GOMP_target_enter_exit_data") };
}

/// The number of teams a league gets: the lower bound asked for, else nteams-var, else 1.
fn league_size(lower: c_uint) -> u32 {
    if lower > 0 {
        return lower;
    }
    u32::try_from(crate::host_device::omp_get_max_teams()).map_or(1, |n| n.max(1))
}

/// The contention group of each team: of the clause's limit, else teams-thread-limit-var's;
/// `None` when neither is set.
fn teams_group(clause: c_uint) -> Option<Box<Group>> {
    let var = crate::host_device::omp_get_teams_thread_limit();
    let limit = if clause > 0 {
        clause as usize
    } else {
        usize::try_from(var).unwrap_or(0)
    };
    (limit > 0).then(|| Box::new(Group::new(limit)))
}

/// A league `GOMP_teams4` runs: its contention group and the task to return to after it.
struct League {
    group: Option<Box<Group>>,
    outer: Option<TaskEnv>,
}

thread_local! {
    /// The league `GOMP_teams4` runs on this thread.
    static LEAGUE: RefCell<Option<League>> = const { RefCell::new(None) };
}

/// `teams` inside a host target region: true once per team (the caller runs the team's body
/// then calls again with `first` false), false after the last.
#[no_mangle]
pub extern "C" fn GOMP_teams4(
    lower: c_uint,
    _upper: c_uint,
    thread_limit: c_uint,
    first: bool,
) -> bool {
    if first {
        let group = teams_group(thread_limit);
        let outer = match &group {
            Some(g) => task_env::enter_group(g),
            None => task_env::enter(task_env::current()),
        };
        LEAGUE.with(|l| *l.borrow_mut() = Some(League { group, outer }));
        task_env::set_league(0, league_size(lower));
        return true;
    }
    let (team, size) = task_env::league();
    if team + 1 >= size {
        if let Some(league) = LEAGUE.with(|l| l.borrow_mut().take()) {
            task_env::leave(league.outer);
            drop(league.group);
        }
        return false;
    }
    task_env::set_league(team + 1, size);
    true
}

/// A host `teams` construct: `body(data)` once per team, one after another.
///
/// # Safety
/// `body` and `data` are what gcc emits for a teams construct.
#[no_mangle]
pub unsafe extern "C" fn GOMP_teams_reg(
    body: Body,
    data: *mut c_void,
    num_teams: c_uint,
    thread_limit: c_uint,
    _flags: c_uint,
) {
    let size = league_size(num_teams);
    let group = teams_group(thread_limit);
    let outer = match &group {
        Some(g) => task_env::enter_group(g),
        None => task_env::enter(task_env::current()),
    };
    for team in 0..size {
        task_env::set_league(team, size);
        // SAFETY: gcc's outlined teams body with its data.
        unsafe { body(data) };
    }
    task_env::leave(outer);
}

/// Whether `device` names the host (the initial device).
fn is_host(device: c_int) -> bool {
    device == crate::host_device::omp_get_initial_device()
}

/// Memory "on" the host device: `malloc`; null for any other device.
#[no_mangle]
pub extern "C" fn omp_target_alloc(size: usize, device: c_int) -> *mut c_void {
    if !is_host(device) {
        return std::ptr::null_mut();
    }
    // SAFETY: malloc accepts any size and returns null on failure.
    unsafe { libc::malloc(size) }
}

/// Frees memory from [`omp_target_alloc`] on the host device.
///
/// # Safety
/// `pointer` came from `omp_target_alloc(_, device)` or is null.
#[no_mangle]
pub unsafe extern "C" fn omp_target_free(pointer: *mut c_void, device: c_int) {
    if is_host(device) {
        // SAFETY: the caller passes memory from malloc (omp_target_alloc) or null.
        unsafe { libc::free(pointer) }
    }
}

/// Host memory is always present on the host device.
#[no_mangle]
pub extern "C" fn omp_target_is_present(_pointer: *const c_void, device: c_int) -> c_int {
    c_int::from(is_host(device))
}

/// Copies between host buffers (both devices the host): 0, else `EINVAL`.
///
/// # Safety
/// Both ranges are valid for `length` bytes at their offsets.
#[no_mangle]
pub unsafe extern "C" fn omp_target_memcpy(
    dst: *mut c_void,
    src: *const c_void,
    length: usize,
    dst_offset: usize,
    src_offset: usize,
    dst_device: c_int,
    src_device: c_int,
) -> c_int {
    if !is_host(dst_device) || !is_host(src_device) {
        return libc::EINVAL;
    }
    // SAFETY: the caller passes ranges valid for `length` bytes; memmove allows overlap.
    unsafe {
        libc::memmove(
            dst.cast::<u8>().wrapping_add(dst_offset).cast(),
            src.cast::<u8>().wrapping_add(src_offset).cast(),
            length,
        )
    };
    0
}
