//! What the `parfor` CLI adds to the suite: kernel parameters by name ([`params`]), the files
//! `parfor run --out DIR` writes ([`files`]), and, with the `plots` feature, the pictures
//! ([`plots`]).
//!
//! ```
//! use parfor_kernels::cli::params;
//! assert!(params::keys(parfor_kernels::suite::Kernel::Weather).contains(&"steps"));
//! ```

pub mod files;
pub mod outputs;
pub mod params;
#[cfg(feature = "plots")]
pub mod plots;
