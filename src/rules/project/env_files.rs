//! The environment model the project rules read: [`crate::project::environment`].

pub use crate::project::environment::*;
