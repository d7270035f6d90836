//! dsig: will this container stop cleanly?
//!
//! Data flows one way: [`parse`] (bytes → Dockerfile AST) → [`model`] (the
//! launch chain of the stage that runs) → [`rules`] (diagnostics) →
//! [`report`] (renderers).

pub mod diagnostic;
pub mod lines;
pub mod parse;
