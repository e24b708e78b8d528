//! # The C ABI of parfor
//!
//! `libparfor.so` and `libparfor.a`, with the header `include/parfor.h` generated from this crate
//! by cbindgen. Conventions (see `../shared/DESIGN.md`):
//! - every symbol starts with `parfor_`; every fallible function returns an `int` status
//!   (`PARFOR_OK` = 0) and writes results through out-pointers;
//! - no Rust panic crosses the ABI: each entry point runs under `catch_unwind`, and a panic
//!   becomes `PARFOR_ERR_PANIC` with the pool still usable; memory that cannot be allocated is
//!   `PARFOR_ERR_NOMEM`, a call stopped by `parfor_cancel()` `PARFOR_ERR_CANCELLED`;
//! - every failing call records what was wrong, naming the argument, for `parfor_last_error()`
//!   (thread-local);
//! - every argument the API can check is checked: null pointers (`PARFOR_ERR_NULL`), negative or
//!   overflowing sizes, kinds and operators outside their tables (`PARFOR_ERR_INVALID`; they are
//!   received as integers, never as Rust enums); an empty range is not an error;
//! - kernels that fill caller arrays take (pointer, length) pairs and keep no pointer.

#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]

mod args;
pub mod blocks;
pub mod cancel;
pub mod kernels;
pub mod loops;
pub mod region;
pub mod schedule;
pub mod status;
pub mod task;
pub mod threads;
