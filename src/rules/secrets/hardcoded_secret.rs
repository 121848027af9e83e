//! `SEC001 hardcoded-secret` and `SEC002 generic-secret`: declarations and the
//! diagnostics built from scanner findings (always redacted).

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::registry::RuleMeta;
use crate::secrets::Finding;
use crate::settings::Settings;
use crate::source::SourceFile;

crate::declare_rule! {
    /// ## What it does
    /// Finds API keys, tokens, private keys and passwords written into code, notebooks
    /// (cell sources, printed and JSON outputs, notebook and cell metadata; never images,
    /// widget state or editor ids) and config files: OpenAI, Anthropic, Hugging Face,
    /// Google, AWS, Azure, Databricks, Weights & Biases, Cohere, Mistral, Groq, Replicate,
    /// Pinecone, Perplexity, LangSmith, OpenRouter, DeepSeek and other OpenAI-compatible
    /// `sk-` keys, ElevenLabs, NVIDIA, Langfuse, LlamaCloud, Together, Kaggle, GitHub,
    /// GitLab, Slack (tokens and webhooks), Discord (bot tokens and webhooks), Telegram,
    /// Twilio, SendGrid, Stripe, PyPI, npm (`.npmrc` `_authToken=`), Azure SAS URLs and
    /// DevOps PATs, Prefect, Supabase, Figma, Netlify, Dropbox, Atlassian, PEM private keys,
    /// GCP service-account JSON, JWTs and database URLs with passwords, among others
    /// (`rules/secrets.toml`). Tokens with an unmistakable prefix are found with no key
    /// name (in a log line, a tuple, a call argument); others by the name they are assigned
    /// to, also through a type annotation (`aws_secret_access_key: str = "…"`) or a
    /// Kubernetes `- name:` / `value:` pair. Documented example keys (AWS's `…EXAMPLE`,
    /// Azurite's account key), default credentials (`guest:guest@`, `scott:tiger@`) and the
    /// key id of a presigned URL are not reported. One secret is reported once per cell
    /// source, output or line. The pattern id (`openai-api-key` …) is in the message
    /// and in the JSON/SARIF `properties`; `mlcheck` never prints the secret itself, only a
    /// short prefix and its length: code frames, `fix --diff`, error messages and paths
    /// (a key in a file or folder name) are masked, for the user's own patterns too.
    ///
    /// ## Why is this bad?
    /// A key committed to git stays in its history after it is deleted, and notebooks are
    /// shared, rendered on GitHub and uploaded to Kaggle with their outputs. Anyone who
    /// reads the repository can spend on your account or read your data.
    ///
    /// ## Example
    /// ```python
    /// client = OpenAI(api_key="sk-proj-…")
    /// ```
    ///
    /// ## How to fix
    /// Revoke and rotate the key first (it is already leaked), then read it from the
    /// environment or a secret store:
    /// ```python
    /// client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    /// ```
    /// For a key in a cell's output, clear the outputs (`mlcheck fix --strip-outputs`).
    /// Known findings can be hidden with `mlcheck baseline`; a line can be exempted with
    /// `# mlcheck: ignore[SEC001]` (`pragma: allowlist secret` and `gitleaks:allow` are
    /// honoured too).
    ///
    /// ## Options
    /// `[secrets] extend-patterns`, `disable-patterns`, `max-file-size`.
    pub static HARDCODED_SECRET = {
        code: "SEC001",
        name: "hardcoded-secret",
        domain: Secrets,
        severity: Error,
        default: true,
        fix: None,
        summary: "API key, token, private key or password written into code, outputs or config",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Flags a high-entropy literal assigned to a secret-looking name (`api_key`, `token`,
    /// `password`, `client_secret` …) that no provider-specific pattern of `SEC001`
    /// recognises. Names such as `*_id`, `*_name`, `*_url`, `public_key`, `max_tokens`,
    /// hashes and `revision=` SHAs, UUIDs (unless the name is a credential's, such as
    /// `api_token`), placeholders and environment lookups are left alone; a literal given
    /// as a lookup's default (`os.getenv("API_KEY", "…")`) is not. In Python files and code
    /// cells an unquoted value that reads as a name (`key = cfg.api_key`,
    /// `TestAPI_UseIPv4Sockets`) is one, except on `%env`, `!shell` and comment lines.
    /// Passwords may hold any character (`generic-password`). The keyword must be a word of
    /// the name (`resourcekey=`, `rlkey=` of share links and `authlib->` of pip logs are not
    /// names of secrets), the value ends at its line (a YAML block scalar aside), and file
    /// names, pinned versions (`pkg==1.2.0`), API resource names (`files/abc123`) and
    /// GitHub node ids are not secrets.
    ///
    /// ## Why is this bad?
    /// It is most likely a credential for a service without a dedicated pattern, and it
    /// leaks like any other. Being a guess, it is reported as a warning.
    ///
    /// ## Example
    /// ```python
    /// acme_api_key = "…32 random letters and digits…"
    /// ```
    ///
    /// ## How to fix
    /// Read the value from the environment or a secret store, and rotate it. If it is not
    /// a secret, rename the variable or suppress the line with `# mlcheck: ignore[SEC002]`.
    pub static GENERIC_SECRET = {
        code: "SEC002",
        name: "generic-secret",
        domain: Secrets,
        severity: Warning,
        default: true,
        fix: None,
        summary: "high-entropy literal assigned to a secret-looking name",
    }
}

/// `sk-p…`: at most 4 characters, and never more than a quarter of the secret.
pub fn redact(secret: &str) -> String {
    let keep = (secret.chars().count() / 4).min(4);
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}…")
}

/// The path used in fingerprints, with `/` separators: relative to the git work tree
/// holding the file (so a baseline matches whichever folder mlcheck runs from, and
/// whether the path was given as `src/a.py`, `./src/a.py`, `../repo/src/a.py` or
/// absolute), else relative to the settings' root when it is absolute and below it, else
/// as given (blobs from git history are repo-relative already).
pub fn fingerprint_path(file: &SourceFile, settings: &Settings) -> String {
    if let Some(rel) = repo_relative(&file.path) {
        return rel;
    }
    if file.path.is_absolute()
        && let Ok(rel) = file.path.strip_prefix(&settings.root)
    {
        return crate::source::path_slash(rel);
    }
    file.path_slash()
}

/// `path` relative to the git work tree that holds it, if it is a file on disk in one.
fn repo_relative(path: &std::path::Path) -> Option<String> {
    let abs = std::fs::canonicalize(path).ok()?;
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return Some(crate::source::path_slash(abs.strip_prefix(d).ok()?));
        }
        dir = d.parent();
    }
    None
}

/// The diagnostic for one finding. The message, help, label and properties hold the
/// pattern id, a short prefix and the length, never the secret.
pub fn diagnostic(file: &Arc<SourceFile>, finding: &Finding, settings: &Settings) -> Diagnostic {
    let rule: &'static RuleMeta = if finding.generic {
        &GENERIC_SECRET
    } else {
        &HARDCODED_SECRET
    };
    let len = finding.secret.chars().count();
    let redacted = redact(&finding.secret);
    let what = if finding.generic {
        "possible secret"
    } else {
        "hard-coded secret"
    };
    let place = match (finding.cell, finding.in_output, finding.in_metadata) {
        (Some(cell), true, _) => format!(" in the output of cell {cell}"),
        (Some(cell), false, true) => format!(" in the metadata of cell {cell}"),
        (None, _, true) => " in the notebook's metadata".to_string(),
        _ => String::new(),
    };
    let message = format!(
        "{what} `{redacted}` ({len} characters) matches `{}`{place}",
        finding.pattern_id
    );
    let help = if finding.in_output {
        "Revoke the key, clear the cell's outputs (`mlcheck fix --strip-outputs`) and keep secrets out of printed values"
    } else if finding.generic {
        "Read the value from an environment variable or a secret store, and rotate it if it is a credential"
    } else {
        "Revoke and rotate it, then read it from an environment variable or a secret store"
    };
    let mut diag = Diagnostic::new(rule, file, finding.range, message)
        .with_help(help)
        .with_primary_message(format!("`{}` secret", finding.pattern_id))
        .with_property("pattern", finding.pattern_id.clone())
        .with_property("description", finding.description.clone())
        .with_property("redacted", redacted)
        .with_property("secret_length", len as u64)
        .with_fingerprint(crate::fingerprint(&[
            rule.code,
            &fingerprint_path(file, settings),
            &finding.secret,
        ]));
    diag.severity = finding
        .severity
        .filter(|_| !settings.severity.contains_key(rule.code))
        .unwrap_or_else(|| settings.severity_of(rule));
    if let Some(cell) = finding.cell {
        diag = diag
            .with_property("cell", cell as u64)
            .with_property("in_output", finding.in_output);
    }
    diag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_at_most_four_characters() {
        assert_eq!(redact("sk-proj-abcdefghijklmnop"), "sk-p…");
        assert_eq!(redact("abcdefgh"), "ab…");
        assert_eq!(redact("abc"), "…");
    }
}
