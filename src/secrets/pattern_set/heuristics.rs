//! Value tests the scanner applies to candidate secrets: entropy, placeholders, runs of
//! one character, file and resource names, UUIDs, prose, Python references.

use std::sync::OnceLock;

use regex::Regex;

/// Whether some word of `ident` (split at non-alphanumerics, case changes and digits) is a
/// credential word: `password`, `secret`, `token`, `credentials` with any word glued before
/// (`dbpassword`, `clientsecret`, `hftoken`), or `key`, `auth`, `api`, `access`, `pwd`,
/// `pass` alone or glued to a credential's qualifier (`apikey`, `secretaccesskey`), never
/// to another word (`resourcekey`, `rlkey`, `monkey`, `authlib`).
pub(super) fn names_a_secret_word(ident: &str) -> bool {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:[a-z]*(?:passw(?:or)?ds?|passphrase|secrets?|tokens?|credentials?|creds)",
            r"|authorization|authentication|",
            r"(?:[a-z]*(?:api|access|secret|private|auth|client|master|account|service|app|",
            r"user|bearer|refresh|session|consumer|admin|dev|signing|encryption|shared|",
            r"storage|sas|license|subscription|webhook|bot|oauth|personal|db|database|root|",
            r"login|ssh|hmac|jwt|deploy|upload|write|read|cloud|integration|project|org|",
            r"team|svc|rsa|gpg|pgp|aes|crypt|cipher|server|host|mail|smtp|ftp|git|hub|",
            r"sec|priv|pub|pass|passw(?:or)?d|token|id|my|x|basic|http|proxy|",
            // Providers whose name is glued to `key` (`openaikey`, `HFKEY`).
            r"openai|anthropic|claude|gemini|google|groq|mistral|cohere|hf|huggingface|",
            r"wandb|pinecone|replicate|together|kaggle|aws|azure|gcp|github|gh|gitlab|slack|",
            r"discord|telegram|twilio|stripe|sendgrid|mailgun|notion|mapbox|serp|tavily|",
            r"langsmith|langchain|llama|deepseek|perplexity|elevenlabs|voyage|jina|qdrant|",
            r"weaviate|supabase|firebase|comet|neptune|mlflow|roboflow|ngrok|nvidia))?",
            r"(?:keys?|auth|apis?|access|pwd|pass)|oauth\d*)$"
        ))
        .expect("a valid regex")
    });
    let bytes = ident.as_bytes();
    let mut start = None;
    for i in 0..=bytes.len() {
        let boundary = i == bytes.len()
            || !bytes[i].is_ascii_alphabetic()
            || (i > 0 && bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase());
        if boundary {
            if let Some(st) = start
                && word.is_match(&ident[st..i].to_ascii_lowercase())
            {
                return true;
            }
            start = None;
        }
        if i < bytes.len() && bytes[i].is_ascii_alphabetic() && start.is_none() {
            start = Some(i);
        }
    }
    false
}

/// `model-00001-of-00003.safetensors`, `weights.bin`: a file name with a common extension.
pub(super) fn file_name(s: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "safetensors",
        "bin",
        "pt",
        "pth",
        "ckpt",
        "onnx",
        "gguf",
        "h5",
        "hdf5",
        "pkl",
        "pickle",
        "npz",
        "npy",
        "json",
        "jsonl",
        "yaml",
        "yml",
        "toml",
        "txt",
        "csv",
        "tsv",
        "parquet",
        "arrow",
        "zip",
        "gz",
        "tgz",
        "tar",
        "bz2",
        "xz",
        "zst",
        "py",
        "ipynb",
        "md",
        "html",
        "xml",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "wav",
        "mp3",
        "mp4",
        "log",
        "model",
        "msgpack",
        "joblib",
        "tflite",
        "pb",
        "keras",
        "whl",
    ];
    s.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// `files/d9jsb1hxh364`, `operations/abc123`: a collection (a lower-case word of four or
/// more letters) and an id.
pub(super) fn resource_name(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(head, _)| head.len() >= 4 && head.bytes().all(|b| b.is_ascii_lowercase()))
}

/// `prompt_tokens=20771`: a name (letters and underscores) assigned a number inside the
/// value (`_gitlab_session=<random>` is a cookie, still a secret).
pub(super) fn assignment(s: &str) -> bool {
    s.split_once('=').is_some_and(|(name, rest)| {
        !name.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
    })
}

/// `arize-phoenix==7.2.0`, `torch==2.1`: a package pinned to a version.
pub(super) fn version_pin(s: &str) -> bool {
    s.split_once("==").is_some_and(|(name, version)| {
        !name.is_empty()
            && version.starts_with(|c: char| c.is_ascii_digit())
            && version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
    })
}

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// A value whose body is one repeated character (`xxxxxxxx`, `00000000`).
pub(super) fn mostly_one_char(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 8 {
        return false;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0) as usize;
    max * 10 >= bytes.len() * 7
}

pub(super) fn longest_sequential_run(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut best = 1;
    let mut run = 1;
    for w in bytes.windows(2) {
        if w[1] == w[0].wrapping_add(1) && w[0].is_ascii_alphanumeric() {
            run += 1;
            best = best.max(run);
        } else {
            run = 1;
        }
    }
    best
}

pub(super) fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `api_token`, `x-api-key`, `client_secret`, `db_password`: a name that holds a credential
/// itself, not a reference to one (`cache_key`, `token_id`).
pub(super) fn names_credential(ident: &str) -> bool {
    ["token", "key", "secret", "password", "passwd"]
        .iter()
        .any(|end| ident.ends_with(end))
        && ["api", "access", "auth", "secret", "pass", "private"]
            .iter()
            .any(|word| ident.contains(word))
}

/// Mostly (over 60%) words of three or more letters, in CamelCase or between underscores
/// (`ALCcontext_struct`, `PublicIpv4Pools`, `client_credentials_v2`): names. All lower-case
/// text without an underscore never counts (random `[a-z0-9]` tokens read as words); about
/// one random base-62 string of 16 characters in fifteen passes (one in fifty at 32), so
/// this is only asked where a name is likely.
pub(super) fn made_of_words(s: &str) -> bool {
    if !s.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') {
        return false;
    }
    let b = s.as_bytes();
    let (mut i, mut wordy) = (0, 0);
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower = i;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower >= 2 && i - start >= 3 {
            wordy += i - start;
        }
        if i == start {
            i += 1;
        }
    }
    wordy * 10 > s.len() * 6
}

/// `2016-09-08T21:47:36Z`: a date (`PasswordLastUsed`, `token_expiry`).
pub(super) fn timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// `localhost:22`, `db.internal:5432`.
pub(super) fn host_port(s: &str) -> bool {
    s.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Whether the value after `before` (its line up to the value) opens with a quote, past a
/// `Bearer ` / `Token ` / `Basic ` scheme word.
pub(super) fn quoted(before: &str) -> bool {
    let mut b = before.trim_end();
    for word in ["bearer", "token", "basic"] {
        // Bytes, not `str` slices: the line may hold multi-byte characters.
        if let Some(cut) = b.len().checked_sub(word.len())
            && b.as_bytes()[cut..].eq_ignore_ascii_case(word.as_bytes())
        {
            b = b[..cut].trim_end();
            break;
        }
    }
    b.ends_with(['"', '\'', '`'])
}

/// An unquoted value that reads as a Python name: identifier characters only, and dotted
/// (`cfg.api_key`), made of words (`TestAPI_UseIPv4Select`) or a constant's
/// (`KEY_WOW64_64KEY`). A random token (`SK65fc59b8…`) does not.
pub(super) fn python_reference(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && (s.contains('.')
            || made_of_words(s)
            || (s.contains('_') && !s.bytes().any(|b| b.is_ascii_lowercase())))
}

/// A `%magic` or `!shell` line of a notebook cell, or a value inside a `#` comment (a `#`
/// outside quotes before it).
pub(super) fn shell_or_comment(before: &str) -> bool {
    let line = before.trim_start();
    if line.starts_with(['%', '!']) {
        return true;
    }
    let (mut single, mut double) = (false, false);
    for c in line.chars() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double => return true,
            _ => {}
        }
    }
    false
}

/// The UUID of `APP_PRV-<uuid>`-style values (an upper-case tag and a dash), else `s`.
pub(super) fn uuid_body(s: &str) -> &str {
    match s.len().checked_sub(36) {
        Some(tag @ 2..) if s.as_bytes()[tag - 1] == b'-' && s.is_char_boundary(tag) => {
            let (head, body) = s.split_at(tag);
            if head[..tag - 1]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_')
            {
                body
            } else {
                s
            }
        }
        _ => s,
    }
}

pub(super) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `settings.OPENAI_KEY`, `my-model-name`, `path/to/file`: pieces of letters (the words
/// of a name) cover most of the value.
pub(super) fn looks_like_name(s: &str) -> bool {
    let seps = s
        .bytes()
        .filter(|b| matches!(b, b'.' | b'/' | b'-' | b'_'))
        .count();
    if seps == 0 {
        return false;
    }
    let wordy: usize = s
        .split(['.', '/', '-', '_'])
        .filter(|p| p.len() >= 3 && p.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(str::len)
        .sum();
    wordy * 2 > s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
