//! The C-variadic entry points `GOMP_doacross_wait(long first, ...)` and
//! `GOMP_doacross_ull_wait(unsigned long long first, ...)`: gcc passes one value per dimension of
//! the doacross loop (libgomp's own tests pass 60). Stable Rust cannot define a C-variadic
//! function, and a C or assembly shim would not be exported from the cdylib (rustc's version
//! script lists Rust items only), so each is a naked Rust function, a trampoline that stores the
//! argument registers in an array on its stack and calls [`wait_spilled`] with that array and the
//! address of the caller's stack arguments. [`wait_spilled`] reads exactly as many values as the
//! loop has dimensions, never more: no read beyond what the caller passed.
//!
//! All the unsafe code of variadic arguments is in this file. The ABI facts it rests on:
//! - x86_64, System V (Linux and the other Unix systems): integer and pointer arguments, fixed or
//!   variadic alike, go in rdi, rsi, rdx, rcx, r8, r9 in that order, then on the stack, 8 bytes
//!   each, the seventh at `[rsp + 8]` on entry (just above the return address), each next one 8
//!   bytes higher. Our arguments are all 8-byte integers. A variadic caller also sets al to the
//!   number of vector registers it used: there are none to read here. On entry rsp is 8 modulo
//!   16 and a call needs it 0 modulo 16: the trampoline takes 56 bytes (six registers and 8 of
//!   padding). It uses only argument registers, which the callee may clobber anyway, and returns
//!   nothing.
//! - aarch64, AAPCS64 as on Linux (not Apple's arm64, which passes every variadic argument on the
//!   stack): integer arguments, fixed or variadic, in x0-x7, then on the stack from `[sp]` on
//!   entry, 8 bytes each. sp stays 16-aligned: the trampoline takes 80 bytes (x29/x30, which the
//!   call overwrites, and eight registers).
//! - Elsewhere both entry points abort, naming themselves (as unimplemented ones do).
//!
//! The trampolines describe their frames with CFI directives, so that debuggers and profilers
//! unwind through them (a thread blocked in a wait shows its caller).
//!
//! The caller's stack arguments stay where they are until the trampoline returns (the caller
//! owns that memory), so [`wait_spilled`] may read them through the pointer it gets.

use std::os::raw::c_ulonglong;

/// How many arguments arrive in registers.
#[cfg(all(target_arch = "x86_64", unix))]
const IN_REGISTERS: usize = 6;
#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
const IN_REGISTERS: usize = 8;

/// The Rust half of the waits: `registers` holds the register arguments, in order; `stack` is
/// where the caller's stack arguments begin.
///
/// # Safety
/// Called only by the trampolines below, with `registers` pointing to their [`IN_REGISTERS`]
/// saved registers and `stack` to the caller's stack arguments, during a call of
/// `GOMP_doacross_wait` (or its `ull` form) that passes one argument per dimension of the calling
/// thread's doacross loop.
#[cfg(any(
    all(target_arch = "x86_64", unix),
    all(target_arch = "aarch64", target_os = "linux")
))]
unsafe extern "C" fn wait_spilled(registers: *const u64, stack: *const u64) {
    crate::doacross::wait(|k| {
        // SAFETY: `wait` asks only for `k` below the loop's dimension count (the runtime reads no
        // more, `parfor::Team::doacross_wait` says), and the caller passed
        // one argument per dimension: the first IN_REGISTERS were saved from registers in order,
        // the rest lie on the caller's stack in order, 8 bytes each (see the module docs).
        unsafe {
            if k < IN_REGISTERS {
                registers.add(k).read()
            } else {
                stack.add(k - IN_REGISTERS).read()
            }
        }
    })
}

/// Defines the variadic waits as trampolines to [`wait_spilled`] (`long` and `unsigned long
/// long` values have the same bits; the runtime treats both as unsigned, so a negative value
/// falls outside the space).
macro_rules! variadic_waits {
    ($(fn $name:ident),*) => {$(
        #[doc = concat!("`", stringify!($name), "(first, ...)`: `ordered depend(sink: ...)`, one ",
            "logical iteration number per dimension of the current doacross loop.")]
        ///
        /// # Safety
        /// Pass one 64-bit integer per dimension of the calling thread's doacross loop (any
        /// number outside one).
        #[cfg(all(target_arch = "x86_64", unix))]
        #[unsafe(naked)]
        #[no_mangle]
        pub unsafe extern "C" fn $name(_first: c_ulonglong) {
            // SAFETY: see the module docs: rdi..r9 are saved to [rsp, rsp + 48), the caller's
            // stack arguments start at rsp + 56 + 8 after the `sub`; rsp is 16-aligned at the
            // call; the frame is given back before `ret`.
            core::arch::naked_asm!(
                ".cfi_startproc",
                "sub rsp, 56",
                ".cfi_adjust_cfa_offset 56",
                "mov [rsp], rdi",
                "mov [rsp + 8], rsi",
                "mov [rsp + 16], rdx",
                "mov [rsp + 24], rcx",
                "mov [rsp + 32], r8",
                "mov [rsp + 40], r9",
                "mov rdi, rsp",
                "lea rsi, [rsp + 64]",
                "call {wait}",
                "add rsp, 56",
                ".cfi_adjust_cfa_offset -56",
                "ret",
                ".cfi_endproc",
                wait = sym wait_spilled,
            )
        }

        #[doc = concat!("`", stringify!($name), "(first, ...)`: `ordered depend(sink: ...)`, one ",
            "logical iteration number per dimension of the current doacross loop.")]
        ///
        /// # Safety
        /// Pass one 64-bit integer per dimension of the calling thread's doacross loop (any
        /// number outside one).
        #[cfg(all(target_arch = "aarch64", target_os = "linux"))]
        #[unsafe(naked)]
        #[no_mangle]
        pub unsafe extern "C" fn $name(_first: c_ulonglong) {
            // SAFETY: see the module docs: x0..x7 are saved to [sp + 16, sp + 80) below the
            // frame record, the caller's stack arguments start at sp + 80; sp stays 16-aligned;
            // the frame is given back before `ret`.
            core::arch::naked_asm!(
                ".cfi_startproc",
                "stp x29, x30, [sp, #-80]!",
                ".cfi_def_cfa_offset 80",
                ".cfi_offset x30, -72",
                ".cfi_offset x29, -80",
                "mov x29, sp",
                "stp x0, x1, [sp, #16]",
                "stp x2, x3, [sp, #32]",
                "stp x4, x5, [sp, #48]",
                "stp x6, x7, [sp, #64]",
                "add x0, sp, #16",
                "add x1, sp, #80",
                "bl {wait}",
                "ldp x29, x30, [sp], #80",
                ".cfi_def_cfa_offset 0",
                ".cfi_restore x30",
                ".cfi_restore x29",
                "ret",
                ".cfi_endproc",
                wait = sym wait_spilled,
            )
        }

        #[doc = concat!("`", stringify!($name), "`: not implemented on this architecture; aborts.")]
        #[cfg(not(any(
            all(target_arch = "x86_64", unix),
            all(target_arch = "aarch64", target_os = "linux")
        )))]
        #[no_mangle]
        pub extern "C" fn $name(_first: c_ulonglong) {
            crate::missing::abort_unimplemented(
                stringify!($name),
                "doacross waits on this architecture",
            )
        }
    )*};
}

// `fn NAME`: build.rs and the testsuite runner find implemented entry points by that text.
variadic_waits!(fn GOMP_doacross_wait, fn GOMP_doacross_ull_wait);
