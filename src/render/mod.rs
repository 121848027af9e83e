//! Renderers: human (miette), JSON, SARIF 2.1.0 and GitHub workflow commands (placeholder).
