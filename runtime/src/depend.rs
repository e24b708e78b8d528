//! Task dependences (OpenMP's `depend(in/out/inout: x)`) among the sibling tasks of one parent.
//!
//! Each parent task keeps, per key, the newest writer (`out`/`inout`) and the readers (`in`)
//! spawned since. A new task depends on the newest writer of each key it names, and, if it
//! writes the key, also on the readers since that writer. A task whose predecessors have not all
//! finished is *held* in its node instead of being queued; the last predecessor to finish
//! releases it.
//!
//! ## Protocol
//! A node's `waiting` counts its unfinished predecessors plus one while it is being registered.
//! Registration locks each predecessor's state: a predecessor not yet done records the new node
//! as a successor and `waiting` grows by one; one already done is skipped. A finishing task
//! locks its own state, marks it done and takes its successors, then decrements each one's
//! `waiting`. Whoever brings `waiting` to zero (the registrant dropping its extra one, or the
//! last predecessor) takes the held task and schedules it: exactly one of them, exactly once.

use crate::sync::{AtomicUsize, Mutex, MutexGuard, Ordering::AcqRel};
use crate::task::Task;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A dependence of a task on a key (an address, an index, any number naming the datum).
///
/// ```
/// let x = 0u64;
/// let key = &x as *const u64 as usize;
/// assert_ne!(parfor::Dep::In(key), parfor::Dep::Out(key));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dep {
    /// Reads the datum: runs after the previous sibling that writes it.
    In(usize),
    /// Writes the datum: runs after the previous writer and the readers since.
    Out(usize),
    /// Reads and writes the datum (ordered as [`Dep::Out`]).
    InOut(usize),
}

/// A task with dependences: its predecessors still running, its successors, and the task itself
/// while it is held.
pub(crate) struct DepNode {
    waiting: AtomicUsize,
    state: Mutex<NodeState>,
}

struct NodeState {
    done: bool,
    successors: Vec<Arc<DepNode>>,
    held: Option<Task>,
}

impl DepNode {
    fn state(&self) -> MutexGuard<'_, NodeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One predecessor fewer; the held task if that was the last.
    fn release_one(&self) -> Option<Task> {
        if self.waiting.fetch_sub(1, AcqRel) == 1 {
            self.state().held.take()
        } else {
            None
        }
    }

    /// Whether the task has finished.
    pub(crate) fn is_done(&self) -> bool {
        self.state().done
    }

    /// Marks the task finished; returns the successors' tasks that may run now.
    pub(crate) fn finish(&self) -> Vec<Task> {
        let successors = {
            let mut state = self.state();
            state.done = true;
            std::mem::take(&mut state.successors)
        };
        successors.iter().filter_map(|s| s.release_one()).collect()
    }
}

/// The newest writer of a key and the readers spawned since.
#[derive(Default)]
struct KeyState {
    writer: Option<Arc<DepNode>>,
    readers: Vec<Arc<DepNode>>,
}

/// A parent task's dependence map (touched only by the thread running the parent), made at its
/// first dependence: most tasks have none, and a `HashMap`'s hasher costs a thread-local access.
#[derive(Default)]
pub(crate) struct DepMap(RefCell<Option<HashMap<usize, KeyState>>>);

impl DepMap {
    /// Registers `task` (whose `dep` field `attach` sets) as the newest sibling with `deps`:
    /// `Some(task)` when it may run now, `None` when it is held until its predecessors finish.
    pub(crate) fn register(
        &self,
        deps: &[Dep],
        mut task: Task,
        attach: impl FnOnce(&mut Task, Arc<DepNode>),
    ) -> Option<Task> {
        let node = Arc::new(DepNode {
            waiting: AtomicUsize::new(1),
            state: Mutex::new(NodeState {
                done: false,
                successors: Vec::new(),
                held: None,
            }),
        });
        attach(&mut task, node.clone());
        node.state().held = Some(task);
        let mut predecessors: Vec<Arc<DepNode>> = Vec::new();
        let mut guard = self.0.borrow_mut();
        let map = guard.get_or_insert_with(HashMap::default);
        for dep in deps {
            let (key, writes) = match *dep {
                Dep::In(k) => (k, false),
                Dep::Out(k) | Dep::InOut(k) => (k, true),
            };
            let entry = map.entry(key).or_default();
            predecessors.extend(entry.writer.iter().cloned());
            if writes {
                predecessors.append(&mut entry.readers);
                entry.writer = Some(node.clone());
            } else {
                entry.readers.push(node.clone());
            }
        }
        drop(guard);
        for (i, p) in predecessors.iter().enumerate() {
            let seen = predecessors[..i].iter().any(|q| Arc::ptr_eq(p, q));
            if seen || Arc::ptr_eq(p, &node) {
                continue;
            }
            let mut state = p.state();
            if !state.done {
                node.waiting.fetch_add(1, AcqRel);
                state.successors.push(node.clone());
            }
        }
        node.release_one()
    }

    /// Forgets every sibling (after a taskwait: all have finished).
    pub(crate) fn clear(&self) {
        if let Some(map) = self.0.borrow_mut().as_mut() {
            map.clear();
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::thread;

    /// Registers an empty task with `deps`; returns the ready task, if any, and its node.
    fn register(map: &DepMap, deps: &[Dep]) -> (Option<Task>, Arc<DepNode>) {
        let mut node = None;
        let ready = map.register(deps, Task::empty(), |task, n| {
            node = Some(n.clone());
            task.set_dep(n);
        });
        (ready, node.unwrap())
    }

    /// Two writers finish on two threads while their parent registers a reader of both: the
    /// reader is released exactly once (by the registration or by one of the finishing tasks).
    #[test]
    fn loom_a_held_task_is_released_exactly_once() {
        loom::model(|| {
            let map = DepMap::default();
            let (t1, n1) = register(&map, &[Dep::Out(1)]);
            let (t2, n2) = register(&map, &[Dep::Out(2)]);
            assert!(
                t1.is_some() && t2.is_some(),
                "no predecessors: ready at once"
            );
            let finish = |n: Arc<DepNode>| thread::spawn(move || n.finish().len());
            let (a, b) = (finish(n1), finish(n2));
            let (t3, _) = register(&map, &[Dep::In(1), Dep::In(2)]);
            let released = usize::from(t3.is_some()) + a.join().unwrap() + b.join().unwrap();
            assert_eq!(released, 1);
        });
    }
}
