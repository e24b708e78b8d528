//! OpenMP's tasks inside a region: units of work that any thread of the team may run, with
//! `taskwait` (a task's children), `taskgroup` (all descendants), undeferred and final tasks,
//! `taskyield`, `taskloop`, and dependences among sibling tasks ([`Scope::spawn_depend`], see
//! [`crate::depend`]).
//!
//! In Rust, tasks are spawned through a [`Scope`], given by [`Team::taskgroup`]: as with
//! `rayon::scope`, a task may borrow anything that outlives the taskgroup, because the taskgroup
//! returns only when every task spawned in it (and their descendants) has finished.
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
//! fn fib(s: &parfor::Scope<'_>, n: u64) -> u64 {
//!     if n < 15 { return (1..=n).fold((0, 1), |(a, b), _| (b, a + b)).0 }
//!     let (x, mut y) = (AtomicU64::new(0), 0);
//!     s.taskgroup(|g| {
//!         g.spawn(|s| x.store(fib(s, n - 1), Relaxed));
//!         y = fib(g, n - 2);
//!     });
//!     x.into_inner() + y
//! }
//! let result = AtomicU64::new(0);
//! parfor::parallel(|t| t.taskgroup(|s| t.single(|| result.store(fib(s, 25), Relaxed))));
//! assert_eq!(result.into_inner(), 75025);
//! ```
//!
//! The free functions ([`task`], [`taskwait`], [`taskgroup_begin`], ...) act on the calling
//! thread's current task, for code that cannot pass a scope (the C ABI); their tasks are
//! `'static` and finish by the next barrier or the end of the region.
//!
//! ## How it works
//! Each running task has a context on the stack of the thread running it ([`Ctx`]): its
//! children count (shared with the children, which may outlive it) and its innermost taskgroup.
//! A thread's share of a region is its implicit task, whose context is made the first time it is
//! needed. Queues and the team's pending count are in [`crate::taskqueue`]. A thread waiting for
//! tasks (taskwait, taskgroup, barrier, end of region) runs queued ones meanwhile, its own first,
//! then stolen ones; so a task waiting for its children never blocks the team, at any depth.
//! A panic in a task stops the region and resumes on the region's caller; tasks not yet started
//! in a stopped region are dropped without running.

use crate::cancel::Cancelled;
use crate::depend::{Dep, DepMap, DepNode};
use crate::index::Index;
use crate::loops::IntoRange;
use crate::sync::{AtomicUsize, Ordering::*};
use crate::taskalloc;
use crate::taskqueue::run_tasks_until;
use crate::team::Team;
use std::cell::{Cell, OnceCell};
use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::Arc;
use std::thread;

/// How a task is spawned: OpenMP's `if` and `final` clauses.
///
/// ```
/// let undeferred = parfor::TaskOptions { deferred: false, ..Default::default() };
/// assert!(!undeferred.final_);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskOptions {
    /// `false` (`if(false)`): the task runs at once on the spawning thread, which continues
    /// after it has finished.
    pub deferred: bool,
    /// `final(true)`: the task and every task spawned inside it run at once.
    pub final_: bool,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            deferred: true,
            final_: false,
        }
    }
}

/// How [`Scope::taskloop`] splits its range into tasks.
///
/// ```
/// let g = parfor::Grain::Size(100);
/// assert_ne!(g, parfor::Grain::Tasks(4));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grain {
    /// `grainsize(n)`: tasks of about `n` iterations (at least one).
    Size(u64),
    /// `num_tasks(n)`: `n` tasks (fewer when the range is shorter).
    Tasks(u64),
}

/// A count of unfinished tasks that a thread can wait for.
#[derive(Default)]
struct Count(AtomicUsize);

impl Count {
    fn add(&self) {
        self.0.fetch_add(1, Relaxed);
    }
    fn done(&self) {
        self.0.fetch_sub(1, Release);
    }
    fn is_zero(&self) -> bool {
        self.0.load(Acquire) == 0
    }
}

/// A task's count of unfinished children, shared with them (a child may outlive its parent):
/// one reference for each unfinished child, plus one for the task itself while it runs. One
/// atomic is both the count and the reference count, so spawning a child and finishing one
/// cost one read-modify-write each.
struct Children {
    refs: AtomicUsize,
}

/// A reference to a [`Children`] count: the task's own ([`Children::new`]) or a child's
/// ([`ChildrenRef::add_child`]). Dropping the last one frees the count.
struct ChildrenRef(NonNull<Children>);

impl ChildrenRef {
    /// A count with no children, for a task that spawns its first: one this thread kept from a
    /// finished task ([`ChildrenRef::recycle`]), else a new one (saves an allocation per task
    /// that spawns).
    fn new() -> ChildrenRef {
        #[cfg(not(loom))]
        if let Ok(Some(spare)) = SPARE_CHILDREN.try_with(|s| s.borrow_mut().pop()) {
            return spare;
        }
        let count = Box::new(Children {
            refs: AtomicUsize::new(1),
        });
        ChildrenRef(NonNull::from(Box::leak(count)))
    }

    fn refs(&self) -> &AtomicUsize {
        // SAFETY: the count lives while a reference to it does, and this is one.
        unsafe { &self.0.as_ref().refs }
    }

    /// Counts a new child; returns the child's reference.
    fn add_child(&self) -> ChildrenRef {
        self.refs().fetch_add(1, Relaxed);
        ChildrenRef(self.0)
    }

    /// Whether every child has finished (asked through the task's own reference: then it is
    /// the only one left), with the children's effects visible.
    fn none_left(&self) -> bool {
        self.refs().load(Acquire) == 1
    }

    /// Drops one reference (a finished child's, release: its effects go with it); `true` if it
    /// was the last.
    fn release(&self) -> bool {
        self.refs().fetch_sub(1, AcqRel) == 1
    }

    /// Ends the task's own reference: keeps the count for [`ChildrenRef::new`] when no child
    /// holds it any more (then it is zero and nothing else can reach it).
    fn recycle(self) {
        #[cfg(not(loom))]
        if self.none_left() {
            let _ = SPARE_CHILDREN.try_with(|s| {
                let mut spare = s.borrow_mut();
                if spare.len() < SPARE_CHILDREN_KEPT {
                    spare.push(self);
                }
            });
            return;
        }
        drop(self);
    }
}

impl Drop for ChildrenRef {
    fn drop(&mut self) {
        if self.release() {
            // SAFETY: made by `Box` in `new`; this was the last reference (acquire: every other
            // holder's accesses came before).
            drop(unsafe { Box::from_raw(self.0.as_ptr()) });
        }
    }
}

/// How many children counts a thread keeps for reuse.
#[cfg(not(loom))]
const SPARE_CHILDREN_KEPT: usize = 64;

#[cfg(not(loom))]
thread_local! {
    /// Children counts of finished tasks, zero and held by nothing else, for reuse.
    static SPARE_CHILDREN: std::cell::RefCell<Vec<ChildrenRef>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A taskgroup: its unfinished tasks, and the group it is nested in.
struct Group {
    pending: Count,
    outer: *const Group,
    /// Opened by [`taskgroup_begin`] (boxed, freed by its end), not by a closure.
    boxed: bool,
}

/// What a task carries besides its body: the counts it releases when it has run, where it runs.
pub(crate) struct TaskHead {
    /// The parent's count of children, which this task is one of (`None`: a join's task).
    parent: Option<ChildrenRef>,
    group: *const Group,
    final_: bool,
    /// Its node among its siblings' dependences, if it has any.
    dep: Option<Arc<DepNode>>,
    /// The number of the thread that spawned it (whose count of finished tasks it adds to).
    origin: usize,
}

/// Moves a task's head and body out of its allocation, frees it, and runs the body with the
/// scope given (drops it without running when `None`), catching a panic.
pub(crate) type CallFn =
    unsafe fn(NonNull<Header>, Option<&Scope<'static>>) -> (TaskHead, thread::Result<()>);

/// The start of every task's allocation, whatever its body's type.
#[repr(C)]
pub(crate) struct Header {
    call: CallFn,
    head: TaskHead,
}

impl Header {
    /// The header of a task whose body `call` runs (and, for an allocated task, frees).
    pub(crate) fn new(call: CallFn, head: TaskHead) -> Header {
        Header { call, head }
    }

    /// Moves the head out of the header at `header`.
    ///
    /// # Safety
    /// `header` is live and its head is not used (nor dropped) again.
    pub(crate) unsafe fn take_head(header: NonNull<Header>) -> TaskHead {
        // SAFETY: the caller's obligation.
        unsafe { std::ptr::addr_of!((*header.as_ptr()).head).read() }
    }
}

/// A task's allocation: its header, then its body.
#[repr(C)]
struct TaskCell<F> {
    header: Header,
    body: F,
}

/// A spawned task that has not run yet: its head and body in one allocation, which it owns.
pub(crate) struct Task(NonNull<Header>);

impl Task {
    /// A task of `body` (which may borrow for `'s`: the caller makes sure it runs, or is
    /// dropped, before `'s` ends).
    fn new<'s, F: FnOnce(&Scope<'s>) + Send + 's>(head: TaskHead, body: F) -> Task {
        let cell = taskalloc::alloc::<TaskCell<F>>();
        let header = Header {
            call: call::<F>,
            head,
        };
        // SAFETY: fresh room for a `TaskCell<F>`.
        unsafe { cell.as_ptr().write(TaskCell { header, body }) };
        Task(cell.cast())
    }

    /// A task whose header is at `header`, run and ended by the header's `call`.
    ///
    /// # Safety
    /// `header` starts a cell that `call` was made for, which stays valid until `call` has
    /// run (the task owns the cell's contents until then).
    pub(crate) unsafe fn from_header(header: NonNull<Header>) -> Task {
        Task(header)
    }

    /// Where the task's header is (which cell it is).
    pub(crate) fn header(&self) -> NonNull<Header> {
        self.0
    }

    /// Gives up the task without calling it: its cell's owner takes it back.
    pub(crate) fn forget(self) {
        std::mem::forget(self)
    }

    fn head(&self) -> &TaskHead {
        // SAFETY: a task owns its live allocation, which starts with its header.
        unsafe { &self.0.as_ref().head }
    }

    pub(crate) fn head_mut(&mut self) -> &mut TaskHead {
        // SAFETY: as in `head`, and `&mut self` is the only access.
        unsafe { &mut (*self.0.as_ptr()).head }
    }

    /// Runs the body with `scope` (drops it when `None`) and frees the task; returns its head
    /// and whether the body panicked.
    fn call(self, scope: Option<&Scope<'static>>) -> (TaskHead, thread::Result<()>) {
        let header = self.0;
        std::mem::forget(self);
        // SAFETY: `call` was made for this allocation's body type by `Task::new`; forgetting
        // `self` hands the allocation over to it.
        unsafe { (header.as_ref().call)(header, scope) }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        // SAFETY: as in `call`; the task is not used again.
        drop(unsafe { (self.0.as_ref().call)(self.0, None) });
    }
}

/// [`CallFn`] for bodies of type `F`.
///
/// # Safety
/// `header` starts a `TaskCell<F>` made in [`Task::new`], owned by the caller.
unsafe fn call<'s, F: FnOnce(&Scope<'s>) + Send + 's>(
    header: NonNull<Header>,
    scope: Option<&Scope<'static>>,
) -> (TaskHead, thread::Result<()>) {
    let cell = header.cast::<TaskCell<F>>();
    // SAFETY: the caller's obligation; the cell is moved out once, then its room freed.
    let TaskCell { header, body } = unsafe { cell.as_ptr().read() };
    // SAFETY: made by `taskalloc::alloc` in `Task::new`; its contents were moved out above.
    unsafe { taskalloc::free(cell) };
    (header.head, run_body(body, scope))
}

/// Runs `body` with `scope` (drops it when `None`), catching a panic.
pub(crate) fn run_body<'s, F: FnOnce(&Scope<'s>)>(
    body: F,
    scope: Option<&Scope<'static>>,
) -> thread::Result<()> {
    match scope {
        Some(scope) => {
            let scope: *const Scope<'static> = scope;
            // SAFETY: only the lifetime changes: the body runs while `'s` holds (the taskgroup,
            // or the region, it was spawned in waits for it).
            let scope = unsafe { &*scope.cast::<Scope<'s>>() };
            catch_unwind(AssertUnwindSafe(|| body(scope)))
        }
        None => catch_unwind(AssertUnwindSafe(move || drop(body))),
    }
}

#[cfg(all(test, loom))]
impl Task {
    /// A task that does nothing, in no group, for the loom models.
    pub(crate) fn empty() -> Task {
        let head = TaskHead {
            parent: Some(ChildrenRef::new()),
            group: std::ptr::null(),
            final_: false,
            dep: None,
            origin: 0,
        };
        Task::new(head, |_: &Scope<'_>| {})
    }

    pub(crate) fn set_dep(&mut self, node: Arc<DepNode>) {
        self.head_mut().dep = Some(node);
    }
}

// SAFETY: the body is `Send`; the group pointer names a group that outlives the task (it waits
// for it), whichever thread runs it; the parent's children count is shared through atomics
// only; the task owns its allocation.
unsafe impl Send for Task {}

/// The context of the task a thread is running (on that thread's stack).
pub(crate) struct Ctx {
    team: *const Team,
    /// This task's unfinished children, made at its first child.
    children: OnceCell<ChildrenRef>,
    /// The innermost taskgroup open in this task, or the one the task was spawned in.
    group: Cell<*const Group>,
    /// Boxed groups opened in this task and not yet ended.
    boxed_open: Cell<usize>,
    final_: bool,
    /// Dependences among this task's children.
    deps: DepMap,
}

/// A thread's task state inside its region's share: the running task's context, and the
/// implicit task's (made when first needed).
pub(crate) struct TaskSlot {
    current: Cell<*const Ctx>,
    implicit: OnceCell<Box<Ctx>>,
}

// Written out: `Default` for raw pointers needs a newer Rust than the crates' rust-version (1.81).
impl Default for TaskSlot {
    fn default() -> TaskSlot {
        TaskSlot {
            current: Cell::new(std::ptr::null()),
            implicit: OnceCell::new(),
        }
    }
}

impl TaskSlot {
    /// Whether this thread is running an explicit task.
    #[inline]
    pub(crate) fn in_task(&self) -> bool {
        !self.current.get().is_null()
    }

    /// Whether this thread ever needed task state in its share.
    #[inline]
    pub(crate) fn touched(&self) -> bool {
        self.implicit.get().is_some() || !self.current.get().is_null()
    }
}

impl Ctx {
    fn new(team: &Team, group: *const Group, final_: bool) -> Ctx {
        Ctx {
            team,
            children: OnceCell::new(),
            group: Cell::new(group),
            boxed_open: Cell::new(0),
            final_,
            deps: DepMap::default(),
        }
    }

    pub(crate) fn team(&self) -> &Team {
        // SAFETY: a context lives on the stack of its team thread's share, below the handle.
        unsafe { &*self.team }
    }

    /// The context of the task `team`'s thread runs now.
    fn current(team: &Team) -> &Ctx {
        let slot = &team.tasks;
        let current = slot.current.get();
        if !current.is_null() {
            // SAFETY: `current` is set only while the context it points to is alive (`run`).
            return unsafe { &*current };
        }
        slot.implicit
            .get_or_init(|| Box::new(Ctx::new(team, std::ptr::null(), false)))
    }

    /// Spawns `body` as a child of this task, after its siblings named by `deps`. A task that
    /// runs at once with no dependences is not allocated.
    fn spawn<'s, F: FnOnce(&Scope<'s>) + Send + 's>(
        &self,
        options: TaskOptions,
        deps: &[Dep],
        body: F,
    ) {
        let team = self.team();
        let (head, at_once) = self.new_child(options);
        if deps.is_empty() {
            if at_once {
                run_inline(head, body, team);
            } else {
                queue_task(Task::new(head, body), team);
            }
            return;
        }
        let mut node = None;
        let ready = self.deps.register(deps, Task::new(head, body), |task, n| {
            node = Some(n.clone());
            task.head_mut().dep = Some(n);
        });
        match ready {
            Some(task) => schedule(task, team, at_once),
            // Undeferred: this thread goes on only once the task has run.
            None if at_once => {
                let node = node.expect("registered");
                wait_until(team, || node.is_done());
            }
            None => {}
        }
    }

    /// Counts a new child of this task (in its taskgroup and the team's counts) and makes its
    /// head; `true` when it should run at once rather than be queued.
    #[inline]
    fn new_child(&self, options: TaskOptions) -> (TaskHead, bool) {
        let team = self.team();
        let parent = self.children.get_or_init(ChildrenRef::new).add_child();
        let group = self.group.get();
        if let Some(g) = group_ref(group) {
            g.pending.add();
        }
        let origin = team.thread_num();
        let (queue, first) = team.state().tasks.count_new(origin, team.num_threads());
        let final_ = self.final_ || options.final_;
        let head = TaskHead {
            parent: Some(parent),
            group,
            final_,
            dep: None,
            origin,
        };
        if first {
            team.state().wake_barrier_sleepers();
        }
        let at_once = !queue || final_ || !options.deferred || team.num_threads() == 1;
        (head, at_once)
    }

    /// The head of a join's task ([`crate::taskjoin`]), counted nowhere: its join waits for
    /// it. `None` when it must run at once (a final task's, or a team of one).
    pub(crate) fn join_head(&self) -> Option<TaskHead> {
        let team = self.team();
        if self.final_ || team.num_threads() == 1 {
            return None;
        }
        if team.state().tasks.mark_used() {
            team.state().wake_barrier_sleepers();
        }
        Some(TaskHead {
            parent: None,
            group: self.group.get(),
            final_: false,
            dep: None,
            origin: team.thread_num(),
        })
    }

    /// Waits (running tasks) until this task's children have finished.
    fn taskwait(&self) -> Result<(), Cancelled> {
        if let Some(children) = self.children.get() {
            wait_until(self.team(), || children.none_left());
        }
        self.deps.clear();
        self.team().stopped_status()
    }

    /// Waits for `group`'s tasks, after ending the boxed groups opened inside it.
    fn close(&self, group: &Group) {
        while !std::ptr::eq(self.group.get(), group) && self.end_boxed() {}
        wait_until(self.team(), || group.pending.is_zero());
        self.group.set(group.outer);
    }

    fn begin_boxed(&self) {
        let group = Box::new(Group {
            pending: Count::default(),
            outer: self.group.get(),
            boxed: true,
        });
        self.group.set(Box::into_raw(group));
        self.boxed_open.set(self.boxed_open.get() + 1);
    }

    /// Ends the innermost group if it is a boxed one opened in this task; `false` if not.
    fn end_boxed(&self) -> bool {
        let group = self.group.get();
        match group_ref(group) {
            Some(g) if g.boxed && self.boxed_open.get() > 0 => {
                self.close(g);
                self.boxed_open.set(self.boxed_open.get() - 1);
                // SAFETY: made by `begin_boxed` with `Box::into_raw`; its tasks have finished and
                // nothing else points to it.
                drop(unsafe { Box::from_raw(group.cast_mut()) });
                true
            }
            _ => false,
        }
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        while self.boxed_open.get() > 0 && self.end_boxed() {}
        if let Some(children) = self.children.take() {
            children.recycle();
        }
    }
}

fn group_ref<'a>(group: *const Group) -> Option<&'a Group> {
    // SAFETY: a group pointer is null or names a group alive until its tasks have finished,
    // which includes every holder of the pointer.
    unsafe { group.as_ref() }
}

/// Runs `task` on `team`'s thread now, or queues it there.
fn schedule(task: Task, team: &Team, now: bool) {
    if now {
        run(task, team);
    } else {
        queue_task(task, team);
    }
}

/// Queues `task` on `team`'s thread.
pub(crate) fn queue_task(task: Task, team: &Team) {
    // SAFETY: `team` is this thread's handle, so its number is this thread's.
    unsafe { team.state().tasks.push(team.thread_num(), task) };
}

/// Runs `task` on `team`'s thread (queued or undeferred), then releases its successors and
/// counts.
pub(crate) fn run(task: Task, team: &Team) {
    let (group, final_) = (task.head().group, task.head().final_);
    execute(team, group, final_, |scope| task.call(scope));
}

/// Runs a task that was never allocated (undeferred, no dependences) on `team`'s thread.
fn run_inline<'s, F: FnOnce(&Scope<'s>) + Send + 's>(head: TaskHead, body: F, team: &Team) {
    let (group, final_) = (head.group, head.final_);
    execute(team, group, final_, |scope| {
        let ran = run_body(body, scope);
        (head, ran)
    });
}

/// Runs a task's body through `call` in a context of its own on `team`'s thread (with no scope,
/// dropping it, if the region has stopped), then releases its successors and counts.
fn execute(
    team: &Team,
    group: *const Group,
    final_: bool,
    call: impl FnOnce(Option<&Scope<'static>>) -> (TaskHead, thread::Result<()>),
) {
    let state = team.state();
    let head = {
        let ctx = Ctx::new(team, group, final_);
        let outer = team.tasks.current.replace(&ctx);
        let scope = Scope::new(&ctx);
        let (head, ran) = call((!state.stop().is_stopped()).then_some(&scope));
        if let Err(payload) = ran {
            state.share_panicked(payload);
        }
        drop(ctx);
        team.tasks.current.set(outer);
        head
    };
    let TaskHead {
        parent,
        group,
        dep,
        origin,
        ..
    } = head;
    if let Some(node) = dep {
        for successor in node.finish() {
            schedule(successor, team, team.num_threads() == 1);
        }
    }
    let Some(parent) = parent else {
        return; // a join's task: counted nowhere
    };
    drop(parent);
    if let Some(g) = group_ref(group) {
        g.pending.done();
    }
    state.tasks.finished(origin, team.thread_num());
}

/// Runs one queued task on `team`'s thread, if one can be found.
pub(crate) fn run_one(team: &Team) -> bool {
    // SAFETY: `team` is the calling thread's handle in the region running on its state.
    let found = unsafe {
        team.state()
            .tasks
            .find(team.thread_num(), team.num_threads())
    };
    match found {
        Some(task) => {
            run(task, team);
            true
        }
        None => false,
    }
}

/// Runs queued tasks on `team`'s thread until `done()`.
pub(crate) fn wait_until(team: &Team, done: impl Fn() -> bool) {
    run_tasks_until(done, || run_one(team));
}

/// The end of `team`'s thread's share: ends the groups its implicit task left open, then runs
/// queued tasks until the team has none left.
pub(crate) fn end_share(team: &Team) {
    if let Some(implicit) = team.tasks.implicit.get() {
        while implicit.end_boxed() {}
    }
    drain(team);
}

/// Runs queued tasks on `team`'s thread until the team has none left.
pub(crate) fn drain(team: &Team) {
    let queues = &team.state().tasks;
    wait_until(team, || !queues.any_pending());
}

/// A marker type invariant in `'s`.
type Invariant<'s> = fn(&'s ()) -> &'s ();

/// A handle for spawning tasks in a taskgroup, given to the closure of [`Team::taskgroup`] and
/// to every task spawned through it. Tasks may borrow anything that lives for `'s`.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
/// let data: Vec<u64> = (1..=100).collect();
/// let total = AtomicU64::new(0);
/// parfor::parallel(|t| t.taskgroup(|s| t.single(|| {
///     let total = &total;
///     for x in &data {
///         s.spawn(move |_| { total.fetch_add(*x, Relaxed); });
///     }
/// })));
/// assert_eq!(total.into_inner(), 5050);
/// ```
pub struct Scope<'s> {
    ctx: *const Ctx,
    /// Invariant in `'s`, and neither `Send` nor `Sync` (a scope belongs to its thread).
    _marker: PhantomData<(Invariant<'s>, *const ())>,
}

impl<'s> Scope<'s> {
    fn new(ctx: &Ctx) -> Scope<'s> {
        Scope {
            ctx,
            _marker: PhantomData,
        }
    }

    pub(crate) fn ctx(&self) -> &Ctx {
        // SAFETY: a scope is made on the stack of the thread running the task, below its context.
        unsafe { &*self.ctx }
    }

    /// Spawns a task: `body` runs once, on some thread of the team, before the innermost
    /// taskgroup around this call ends.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let runs = AtomicUsize::new(0);
    /// parfor::parallel(|t| t.taskgroup(|s| {
    ///     s.spawn(|_| { runs.fetch_add(1, Relaxed); });
    /// }));
    /// assert_eq!(runs.into_inner(), parfor::max_threads());
    /// ```
    pub fn spawn(&self, body: impl FnOnce(&Scope<'s>) + Send + 's) {
        self.spawn_with(TaskOptions::default(), body)
    }

    /// Spawns a task with OpenMP's `if` and `final` clauses.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    /// let done = AtomicBool::new(false);
    /// parfor::parallel(|t| t.taskgroup(|s| t.masked(|| {
    ///     let options = parfor::TaskOptions { deferred: false, final_: false };
    ///     s.spawn_with(options, |_| done.store(true, Relaxed));
    ///     assert!(done.load(Relaxed)); // undeferred: already done
    /// })));
    /// ```
    pub fn spawn_with(&self, options: TaskOptions, body: impl FnOnce(&Scope<'s>) + Send + 's) {
        self.ctx().spawn(options, &[], body)
    }

    /// Spawns a task that runs after the earlier sibling tasks (spawned by the same task) its
    /// dependences name: after the previous writer of each key it names, and, for a key it
    /// writes, after the readers since (OpenMP's `depend(in/out/inout: key)`).
    ///
    /// ```
    /// use parfor::Dep;
    /// use std::sync::Mutex;
    /// let log = Mutex::new(vec![]);
    /// parfor::parallel(|t| t.taskgroup(|s| t.single(|| {
    ///     s.spawn_depend(&[Dep::Out(1)], |_| log.lock().unwrap().push("write"));
    ///     s.spawn_depend(&[Dep::In(1)], |_| log.lock().unwrap().push("read"));
    /// })));
    /// assert_eq!(log.into_inner().unwrap(), ["write", "read"]);
    /// ```
    pub fn spawn_depend(&self, deps: &[Dep], body: impl FnOnce(&Scope<'s>) + Send + 's) {
        self.ctx().spawn(TaskOptions::default(), deps, body)
    }

    /// Waits until the tasks this task spawned (not their descendants) have finished, running
    /// queued tasks meanwhile. Unwinds if the region stops.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    /// parfor::parallel(|t| t.taskgroup(|s| {
    ///     let done = AtomicBool::new(false);
    ///     s.taskgroup(|g| {
    ///         g.spawn(|_| done.store(true, Relaxed));
    ///         g.taskwait();
    ///         assert!(done.load(Relaxed));
    ///     });
    /// }));
    /// ```
    pub fn taskwait(&self) {
        if self.ctx().taskwait().is_err() {
            self.ctx().team().barrier_unwinds()
        }
    }

    /// Runs `body` in a nested taskgroup: returns when every task spawned inside it, and their
    /// descendants, have finished. Unwinds if the region stops.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// parfor::parallel(|t| t.taskgroup(|s| {
    ///     let n = AtomicUsize::new(0);
    ///     s.taskgroup(|g| g.spawn(|g| g.spawn(|_| { n.fetch_add(1, Relaxed); })));
    ///     assert_eq!(n.load(Relaxed), 1);
    /// }));
    /// ```
    pub fn taskgroup<'g, R>(&self, body: impl FnOnce(&Scope<'g>) -> R) -> R {
        in_group(self.ctx(), body)
    }

    /// Lets this thread run a queued task before it continues (OpenMP's `taskyield`).
    ///
    /// ```
    /// parfor::parallel(|t| t.taskgroup(|s| s.taskyield()));
    /// ```
    pub fn taskyield(&self) {
        run_one(self.ctx().team());
    }

    /// This thread's number in the team (the thread running the task).
    ///
    /// ```
    /// parfor::parallel(|t| t.taskgroup(|s| assert_eq!(s.thread_num(), t.thread_num())));
    /// ```
    pub fn thread_num(&self) -> usize {
        self.ctx().team().thread_num()
    }

    /// Splits `range` into tasks as `grain` says and runs `body(i)` for every index, in a
    /// taskgroup of its own (OpenMP's `taskloop`): returns when every iteration has run.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    /// let sum = AtomicU64::new(0);
    /// parfor::parallel(|t| t.taskgroup(|s| t.single(|| {
    ///     s.taskloop(0..1000u64, parfor::Grain::Size(64), |i| { sum.fetch_add(i, Relaxed); });
    /// })));
    /// assert_eq!(sum.into_inner(), 499500);
    /// ```
    pub fn taskloop<I: Index>(
        &self,
        range: impl IntoRange<I>,
        grain: Grain,
        body: impl Fn(I) + Sync,
    ) {
        let range = range.into_range();
        let len = I::len(&range);
        let tasks = match grain {
            Grain::Size(g) => len.div_ceil(g.max(1)),
            Grain::Tasks(n) => n.clamp(1, len.max(1)),
        };
        let (body, start) = (&body, range.start);
        let bound = |k: u64| (u128::from(len) * u128::from(k) / u128::from(tasks)) as u64;
        self.taskgroup(|g| {
            for k in 0..tasks {
                let (lo, hi) = (bound(k), bound(k + 1));
                if lo < hi {
                    g.spawn(move |_| (lo..hi).for_each(|i| body(start.offset(i))));
                }
            }
        })
    }
}

/// Runs `body` in a taskgroup opened in `ctx`; waits for its tasks even if `body` unwinds.
fn in_group<'g, R>(ctx: &Ctx, body: impl FnOnce(&Scope<'g>) -> R) -> R {
    let group = Group {
        pending: Count::default(),
        outer: ctx.group.get(),
        boxed: false,
    };
    ctx.group.set(&group);
    let result = catch_unwind(AssertUnwindSafe(|| body(&Scope::new(ctx))));
    ctx.close(&group);
    match result {
        Ok(r) if !ctx.team().is_stopped() => r,
        Ok(_) => ctx.team().barrier_unwinds(),
        Err(payload) => resume_unwind(payload),
    }
}

impl Team {
    /// Runs `body` with a [`Scope`] for spawning tasks: returns when every task spawned in it,
    /// and their descendants, have finished (OpenMP's `taskgroup` around the tasks). Threads
    /// waiting here, at a barrier or at the end of the region run queued tasks meanwhile. A panic
    /// in a task resumes on the region's caller.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let runs = AtomicUsize::new(0);
    /// parfor::parallel(|t| t.taskgroup(|s| t.single(|| {
    ///     for _ in 0..100 { s.spawn(|_| { runs.fetch_add(1, Relaxed); }) }
    /// })));
    /// assert_eq!(runs.into_inner(), 100);
    /// ```
    pub fn taskgroup<'s, R>(&self, body: impl FnOnce(&Scope<'s>) -> R) -> R {
        in_group(Ctx::current(self), body)
    }

    /// `Err` once the region stops.
    fn stopped_status(&self) -> Result<(), Cancelled> {
        if self.is_stopped() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Spawns a `'static` task from the calling thread's current task (for code that cannot pass a
/// [`Scope`], such as the C ABI). Inside a region it finishes by the next barrier or the end of
/// the region; outside any, it runs at once.
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicUsize, Ordering::Relaxed}};
/// let runs = Arc::new(AtomicUsize::new(0));
/// parfor::parallel(|_| {
///     let runs = runs.clone();
///     parfor::task(Default::default(), move || { runs.fetch_add(1, Relaxed); });
/// });
/// assert_eq!(runs.load(Relaxed), parfor::max_threads());
/// ```
pub fn task(options: TaskOptions, body: impl FnOnce() + Send + 'static) {
    task_depend(options, &[], body)
}

/// [`task`] with dependences on its sibling tasks, as [`Scope::spawn_depend`]; an undeferred
/// task waits for its predecessors, then runs on the calling thread.
///
/// ```
/// use parfor::{Dep, TaskOptions};
/// use std::sync::{Arc, Mutex};
/// let log = Arc::new(Mutex::new(vec![]));
/// parfor::parallel(|t| t.masked(|| {
///     let (a, b) = (log.clone(), log.clone());
///     parfor::task_depend(TaskOptions::default(), &[Dep::Out(0)], move || a.lock().unwrap().push(1));
///     parfor::task_depend(TaskOptions::default(), &[Dep::In(0)], move || b.lock().unwrap().push(2));
/// }));
/// assert_eq!(*log.lock().unwrap(), [1, 2]);
/// ```
pub fn task_depend(options: TaskOptions, deps: &[Dep], body: impl FnOnce() + Send + 'static) {
    crate::team::with_team(|team| match team {
        Some(team) => Ctx::current(team).spawn(options, deps, move |_: &Scope<'static>| body()),
        None => body(),
    })
}

/// Waits until the calling thread's current task's children have finished, running queued tasks
/// meanwhile. `Err` if the region stops. Outside a region, returns at once.
///
/// ```
/// parfor::parallel(|_| {
///     parfor::task(Default::default(), || {});
///     assert!(parfor::taskwait().is_ok());
/// });
/// ```
pub fn taskwait() -> Result<(), Cancelled> {
    crate::team::with_team(|team| team.map_or(Ok(()), |t| Ctx::current(t).taskwait()))
}

/// Runs one queued task of the calling thread's team, if there is one (`taskyield`).
///
/// ```
/// parfor::parallel(|_| parfor::taskyield());
/// ```
pub fn taskyield() {
    crate::team::with_team(|team| {
        if let Some(t) = team {
            run_one(t);
        }
    })
}

/// Opens a taskgroup in the calling thread's current task; [`taskgroup_end`] waits for the tasks
/// spawned since. A group left open is ended when its task ends. Outside a region, does nothing.
///
/// ```
/// parfor::parallel(|_| {
///     parfor::taskgroup_begin();
///     parfor::task(Default::default(), || {});
///     assert_eq!(parfor::taskgroup_end(), Ok(true));
/// });
/// ```
pub fn taskgroup_begin() {
    crate::team::with_team(|team| {
        if let Some(t) = team {
            Ctx::current(t).begin_boxed()
        }
    })
}

/// Ends the innermost taskgroup opened by [`taskgroup_begin`] in the current task, after its
/// tasks and their descendants have finished: `Ok(false)` when no such group is open (or outside
/// a region), `Err` if the region stops.
///
/// ```
/// assert_eq!(parfor::taskgroup_end(), Ok(false));
/// ```
pub fn taskgroup_end() -> Result<bool, Cancelled> {
    crate::team::with_team(|team| match team {
        Some(t) => {
            let ended = Ctx::current(t).end_boxed();
            t.stopped_status().map(|()| ended)
        }
        None => Ok(false),
    })
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::ChildrenRef;
    use crate::sync::{thread, Arc, AtomicUsize, Ordering::Relaxed};
    use loom::cell::UnsafeCell;

    /// A child's reference, moved to the thread that runs the child.
    struct Sent(ChildrenRef);
    // SAFETY: the count it points to is shared through atomics only.
    unsafe impl Send for Sent {}

    /// The hand-off behind [`ChildrenRef`]: a child on another thread writes, then drops its
    /// reference, while its parent waits for it (and must then see the write) or ends without
    /// waiting. Exactly one of the two drops the last reference (and frees the count), after the
    /// other's accesses (loom reports a race on `data` otherwise).
    #[test]
    fn loom_children_count_hand_off() {
        for parent_waits in [true, false] {
            loom::model(move || {
                let own = ChildrenRef::new();
                let child = Sent(own.add_child());
                let data = Arc::new(UnsafeCell::new(0));
                let lasts = Arc::new(AtomicUsize::new(0));
                let (d, l) = (data.clone(), lasts.clone());
                let finishing = thread::spawn(move || {
                    let child = child;
                    // SAFETY: `with_mut` is checked by loom for exclusive access.
                    d.with_mut(|v| unsafe { *v = 1 });
                    if child.0.release() {
                        l.fetch_add(1, Relaxed);
                        // SAFETY: as above (the last holder's access, after every other).
                        d.with_mut(|v| unsafe { *v = 2 });
                    }
                    std::mem::forget(child);
                });
                if parent_waits {
                    while !own.none_left() {
                        thread::yield_now();
                    }
                    data.with(|v| {
                        // SAFETY: loom checks that the child's write happened before.
                        assert_eq!(unsafe { *v }, 1)
                    });
                }
                let counted = own.0;
                if own.release() {
                    lasts.fetch_add(1, Relaxed);
                    // SAFETY: `with_mut` is checked by loom for exclusive access.
                    data.with_mut(|v| unsafe { *v = 2 });
                }
                std::mem::forget(own);
                finishing.join().unwrap();
                assert_eq!(lasts.load(Relaxed), 1, "one last reference");
                // SAFETY: both references are gone; made by `Box` in `ChildrenRef::new`.
                drop(unsafe { Box::from_raw(counted.as_ptr()) });
            });
        }
    }
}
