//! Pages.

pub mod stake;
