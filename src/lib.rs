//! dsig: will this container stop cleanly?
//!
//! Data flows one way: [`parse`] (bytes → Dockerfile AST) → [`model`] (the
//! launch chain of the stage that runs) → [`rules`] (diagnostics) →
//! [`report`] (renderers).

pub mod code;
pub mod compose;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod dirs;
pub mod docs;
pub mod edit;
pub mod error;
pub mod files;
pub mod fix;
pub mod handlers;
pub mod lines;
pub mod lint;
pub mod lint_manifest;
pub mod manifest;
pub mod model;
pub mod parse;
pub mod prove;
pub mod read;
pub mod report;
pub mod rules;
pub mod shell;
pub mod signal;
pub mod suppress;
pub mod yaml;
