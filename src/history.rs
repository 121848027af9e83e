//! `mlcheck check --history`: secrets anywhere in a repository's git history.
//!
//! A key committed and later deleted is still leaked: whoever clones the repository has
//! it. This walks every commit reachable from `HEAD` or any branch, tag or remote-tracking
//! branch, like `git log --all` and gitleaks (or only those after `--since REV`),
//! collects the blobs each commit added or changed (against its first parent; all of a
//! root commit's), scans each distinct blob once (de-duplicated by blob id) in parallel,
//! and reports findings with the commit, its author date and the path (in the message and
//! in `properties`). Fingerprints are the same as for the working tree (code, path,
//! secret), so a baseline covers history too.
//!
//! Only the `SEC` rules run on history; other rules are about the current tree.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use git2::{Oid, Repository, Sort};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileError};
use crate::rules::FileChecker;
use crate::settings::Settings;
use crate::source::SourceKind;

/// One blob to scan, with where it was first seen.
struct BlobAt {
    blob: Oid,
    path: PathBuf,
    commit: Oid,
    /// Author time, seconds since the epoch (UTC).
    time: i64,
}

fn git_err(what: &str, e: git2::Error) -> crate::Error {
    crate::Error::msg(format!("{what}: {}", e.message()))
}

/// Scan the history of the repository at (or above) `repo` for secrets.
pub fn scan_history(
    repo: &Path,
    since: Option<&str>,
    settings: &Settings,
) -> Result<(Vec<Diagnostic>, Vec<FileError>), crate::Error> {
    tune_libgit2();
    let repository = Repository::discover(repo)
        .map_err(|e| git_err(&format!("{} is not in a git repository", repo.display()), e))?;
    let git_dir = repository.path().to_path_buf();
    let progress = std::io::stderr().is_terminal();
    let mut blobs = collect_blobs(&repository, since, progress)?;
    // Read each path's versions together, newest first: git packs older versions as deltas
    // against newer ones, so the bases a read needs are the ones just read (in commit order
    // a peak of 88 MiB, in this order 66 MiB, on a 2,300-commit notebook history). Speed is
    // the same: libgit2 caches no delta base over 1 MiB, so a large notebook's every version
    // still inflates its chain (libz is half the scan; `git cat-file` caches 96 MiB).
    blobs.reverse();
    blobs.sort_by(|a, b| a.path.cmp(&b.path));
    let total = blobs.len();
    let done = AtomicUsize::new(0);

    let secrets_settings = secrets_only(settings);
    let results: Vec<Result<Vec<Diagnostic>, FileError>> = blobs
        .par_iter()
        .map_init(
            || Repository::open(&git_dir).ok(),
            |repo, item| {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress && (n.is_multiple_of(256) || n == total) {
                    let _ = write!(
                        std::io::stderr(),
                        "\rmlcheck: scanning history: {n}/{total} blobs"
                    );
                }
                let Some(repo) = repo.as_ref() else {
                    return Err(FileError {
                        path: item.path.clone(),
                        message: "cannot open the git repository".into(),
                    });
                };
                scan_blob(repo, item, &secrets_settings)
            },
        )
        .collect();
    if progress && total > 0 {
        let _ = writeln!(std::io::stderr());
    }
    let mut diags = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(d) => diags.extend(d),
            Err(e) => errors.push(e),
        }
    }
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok((diags, errors))
}

/// libgit2's global settings for a read-only scan of a whole history, with memory bounded
/// whatever the repository's size:
/// - Pack files are read through mmap'd windows, and every page read stays resident while
///   its window is mapped. The 64-bit defaults (1 GiB windows, 8 GiB mapped in all) keep a
///   whole pack mapped: reading every blob of a 150 MB pack peaked at 238 MiB on a
///   2,300-commit history of the corpus notebooks. Small windows under a small limit (least
///   recently used closed first) bound it.
/// - The object cache (commits and trees, up to 256 MiB) is off: the walk reads each tree
///   about twice, and reuses the previous commit's tree itself.
/// - Objects are not hashed again on every read (SHA-1 with collision detection was a fifth
///   of the scan); `git cat-file` does not either, and a corrupt object is at worst scanned
///   as it is.
///
/// Process-wide; other git reads in mlcheck lose nothing by them.
fn tune_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: plain setters of libgit2's global options, called before this process
        // opens a repository for the history walk and never concurrently (Once).
        unsafe {
            let _ = git2::opts::set_mwindow_size(MWINDOW_SIZE);
            let _ = git2::opts::set_mwindow_mapped_limit(MWINDOW_MAPPED_LIMIT);
        }
        git2::opts::enable_caching(false);
        git2::opts::strict_hash_verification(false);
    });
}

/// 4 MiB windows, at most 16 MiB mapped: a 103 MiB peak on the history above (88 MiB with
/// the object cache off too), where 8 MiB windows under 64 MiB left 139 MiB and the
/// defaults 238 MiB, at the same speed.
const MWINDOW_SIZE: usize = 4 << 20;
const MWINDOW_MAPPED_LIMIT: usize = 16 << 20;

/// The settings with only the selected `SEC` rules on.
fn secrets_only(settings: &Settings) -> Settings {
    let mut s = settings.clone();
    s.enabled.retain(|code| code.starts_with("SEC"));
    s
}

fn collect_blobs(
    repo: &Repository,
    since: Option<&str>,
    progress: bool,
) -> Result<Vec<BlobAt>, crate::Error> {
    let mut walk = repo
        .revwalk()
        .map_err(|e| git_err("cannot walk history", e))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
        .map_err(|e| git_err("cannot walk history", e))?;
    // An unborn HEAD (a new repository) may still have other branches.
    let head_is_commit = repo.head().is_ok_and(|h| h.peel_to_commit().is_ok());
    let mut tips = 0;
    if head_is_commit {
        walk.push_head()
            .map_err(|e| git_err("cannot read HEAD", e))?;
        tips += 1;
    }
    // A key on a branch that was never merged is leaked too. References that do not
    // point to a commit (a tag of a blob) are skipped by libgit2.
    for glob in ["refs/heads", "refs/tags", "refs/remotes"] {
        walk.push_glob(glob)
            .map_err(|e| git_err(&format!("cannot read `{glob}`"), e))?;
    }
    tips += repo
        .references()
        .map_err(|e| git_err("cannot read references", e))?
        .flatten()
        .filter(|r| r.peel_to_commit().is_ok())
        .count();
    if tips == 0 {
        // An empty repository has no history to scan.
        return Ok(Vec::new());
    }
    let mut since_tree = None;
    if let Some(rev) = since {
        let obj = repo
            .revparse_single(rev)
            .map_err(|e| git_err(&format!("`--since {rev}`"), e))?;
        let commit = obj
            .peel_to_commit()
            .map_err(|e| git_err(&format!("`--since {rev}` is not a commit"), e))?;
        walk.hide(commit.id())
            .map_err(|e| git_err(&format!("`--since {rev}`"), e))?;
        since_tree = Some(commit.tree_id());
    }
    let mut seen = Seen::default();
    if let Some(tree) = since_tree {
        // What REV already holds is not new after it.
        seen.new_blobs(repo, tree, |_, _| {})
            .map_err(|e| git_err(&format!("cannot read the tree of `--since {tree}`"), e))?;
    }
    let mut out = Vec::new();
    let mut commits = 0usize;
    for oid in walk {
        let oid = oid.map_err(|e| git_err("cannot walk history", e))?;
        let commit = repo
            .find_commit(oid)
            .map_err(|e| git_err(&format!("cannot read commit {oid}"), e))?;
        let time = commit.author().when().seconds();
        seen.new_blobs(repo, commit.tree_id(), |blob, path| {
            if SourceKind::from_path(&path).is_some() {
                out.push(BlobAt {
                    blob,
                    path,
                    commit: oid,
                    time,
                });
            }
        })
        .map_err(|e| git_err(&format!("cannot read the tree of {oid}"), e))?;
        commits += 1;
        if progress && commits.is_multiple_of(500) {
            let _ = write!(
                std::io::stderr(),
                "\rmlcheck: reading history: {commits} commits, {} blobs",
                out.len()
            );
        }
    }
    if progress && commits >= 500 {
        let _ = writeln!(std::io::stderr());
    }
    Ok(out)
}

/// The trees and blobs already met, like `git rev-list --objects`: a tree met before holds
/// only blobs met before, so each commit costs only what it changed. (A tree diff against
/// the first parent found the same blobs at twice the cost: diff machinery, a config
/// snapshot per commit, both sides of every changed directory read.)
#[derive(Default)]
struct Seen {
    trees: HashSet<Oid>,
    blobs: HashSet<Oid>,
}

impl Seen {
    /// Calls `found(blob, path)` for each blob under `tree` not met before (depth first).
    /// A blob counts as met at its first path, whatever its kind (as before).
    fn new_blobs(
        &mut self,
        repo: &Repository,
        tree: Oid,
        mut found: impl FnMut(Oid, PathBuf),
    ) -> Result<(), git2::Error> {
        if !self.trees.insert(tree) {
            return Ok(());
        }
        let mut stack = vec![(tree, PathBuf::new())];
        while let Some((id, dir)) = stack.pop() {
            let tree = repo.find_tree(id)?;
            for entry in tree.iter() {
                let Some(name) = entry_name(&entry) else {
                    continue;
                };
                match entry.kind() {
                    Some(git2::ObjectType::Tree) if self.trees.insert(entry.id()) => {
                        stack.push((entry.id(), dir.join(name)));
                    }
                    Some(git2::ObjectType::Blob) if self.blobs.insert(entry.id()) => {
                        found(entry.id(), dir.join(name));
                    }
                    // Trees and blobs met before, submodules (commits of another repository).
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

#[cfg(unix)]
fn entry_name<'a>(entry: &'a git2::TreeEntry<'_>) -> Option<&'a Path> {
    use std::os::unix::ffi::OsStrExt;
    Some(Path::new(std::ffi::OsStr::from_bytes(entry.name_bytes())))
}

#[cfg(not(unix))]
fn entry_name<'a>(entry: &'a git2::TreeEntry<'_>) -> Option<&'a Path> {
    entry.name().map(Path::new)
}

fn scan_blob(
    repo: &Repository,
    item: &BlobAt,
    settings: &Settings,
) -> Result<Vec<Diagnostic>, FileError> {
    let blob = repo.find_blob(item.blob).map_err(|e| FileError {
        path: item.path.clone(),
        message: format!("cannot read blob {}: {}", item.blob, e.message()),
    })?;
    if is_binary(blob.content())
        || blob.size() as u64 > settings.secrets.max_file_size.max(64 << 20)
    {
        return Ok(Vec::new());
    }
    let file = match crate::source::source_from_bytes(item.path.clone(), blob.content().to_vec()) {
        Ok(Some(file)) => file,
        Ok(None) | Err(_) => return Ok(Vec::new()),
    };
    let mut checker = FileChecker::new(&file, settings);
    crate::rules::secrets::check(&mut checker);
    let commit = item.commit.to_string();
    let short = &commit[..commit.len().min(10)];
    let date = iso_date(item.time);
    Ok(checker
        .diagnostics
        .into_iter()
        .map(|mut d| {
            d.message = format!("{} (committed in {short} on {date})", d.message);
            d.with_property("commit", commit.clone())
                .with_property("author_date", date.clone())
                .with_property(
                    "path",
                    // Never a secret in a file or folder name printed whole.
                    crate::secrets::redact::mask_name(&crate::source::path_slash(&item.path)),
                )
        })
        .collect())
}

/// libgit2's `git_blob_is_binary`, answer for answer: `git_str_is_binary` over the first
/// 8,000 bytes (a UTF-16 or UTF-32 byte-order mark, or a NUL, makes it binary; otherwise
/// binary when non-printable bytes outnumber 1/128 of the printable ones). libgit2 tests
/// byte by byte with `isspace`: a twentieth of a history scan; this counts in one pass the
/// compiler vectorises.
fn is_binary(content: &[u8]) -> bool {
    let head = &content[..content.len().min(8000)];
    let body = match head {
        [0xEF, 0xBB, 0xBF, rest @ ..] => rest,
        [0, 0, 0xFE, 0xFF, ..] | [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..] => return true,
        _ => head,
    };
    if memchr::memchr(0, body).is_some() {
        return true;
    }
    let (mut printable, mut nonprintable) = (0u32, 0u32);
    for &c in body {
        // Above space except DEL, plus BS, ESC and FF.
        let p = (c > 0x1f && c != 0x7f) || c == 0x08 || c == 0x1b || c == 0x0c;
        let space = matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
        printable += u32::from(p);
        nonprintable += u32::from(!p && !space);
    }
    (printable >> 7) < nonprintable
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn iso_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_like_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            b"plain text\n".to_vec(),
            b"\xEF\xBB\xBFutf-8 with a BOM".to_vec(),
            b"\xEF\xBB".to_vec(),
            b"\xFE\xFFx".to_vec(),
            b"\xFF\xFEx\0".to_vec(),
            b"\xFF\xFE\0\0".to_vec(),
            b"\0\0\xFE\xFF".to_vec(),
            b"\0\0\xFE".to_vec(),
            b"text\0nul".to_vec(),
            b"\x08\x1b\x0c\x7f\x01\x02\t\n\x0b\r ".to_vec(),
            "é ünïcode".as_bytes().to_vec(),
        ];
        // Around the 1/128 threshold, and the 8,000-byte limit.
        for bad in [0, 1, 2, 3] {
            let mut v = vec![b'x'; 256];
            v.extend(std::iter::repeat_n(0x01u8, bad));
            cases.push(v);
        }
        let mut late_nul = vec![b'x'; 8000];
        late_nul.push(0);
        cases.push(late_nul);
        let mut late_ctl = vec![b'x'; 7990];
        late_ctl.extend([0x7f; 200]);
        cases.push(late_ctl);
        for case in &cases {
            let blob = repo.find_blob(repo.blob(case).unwrap()).unwrap();
            assert_eq!(is_binary(case), blob.is_binary(), "{case:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_700_000_000), "2023-11-14");
    }
}
