//! Pages.

pub mod admin;
pub mod stake;
