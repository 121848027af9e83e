//! The integration tests: one binary, one module per area (as ripgrep and ruff do), so the
//! library, libgit2 and the Python parser are linked once. `cargo test --test it <filter>`
//! runs a subset, e.g. `cargo test --test it registry` or `cargo test --test it secrets::`.
//! The pre-commit end-to-end test (`tests/e2e_pre_commit.rs`) and the property tests
//! (`tests/strip_props.rs`) stay their own targets.

mod common;

mod baseline;
mod cli;
mod cli_packaging;
mod corpus;
mod fix_safety;
mod git_filter;
mod git_staged;
mod history;
mod layers;
mod notebook_rules;
mod one_fault;
mod paths;
mod patterns;
mod project;
mod python;
mod readme;
mod registry;
mod render;
mod repro;
mod secret_heldout;
mod secret_precision;
mod secret_redaction;
mod secret_samples;
mod secrets;
mod streaming;
mod strip_cli;
mod strip_corpus;
mod strip_fixtures;
mod vendor_samples;
