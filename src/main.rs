//! The `mlcheck` binary: parse arguments, run, map the outcome to an exit code.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;

/// mimalloc: a check allocates and frees many small nodes on every thread; the system
/// allocator spent a fifth of the run in `malloc`/`free`/`realloc`. But setting mimalloc
/// up costs more than a whole one-notebook `fix --strip-outputs -` allocates, and git runs
/// that filter once per notebook: there the system allocator is used (on Linux with glibc,
/// where a constructor sees the arguments). The choice is made once, before the first
/// allocation, and never changes, so every block is freed by the allocator that gave it.
/// The binary's choice only: the library leaves the allocator to its users.
#[global_allocator]
static GLOBAL: Switch = Switch;

/// Set (before any allocation) when this process is the one-notebook git filter.
static SYSTEM: AtomicBool = AtomicBool::new(false);

struct Switch;

// SAFETY: every call goes to one of two allocators chosen before the first allocation
// and never switched afterwards, so a block is always freed or resized by its own.
unsafe impl GlobalAlloc for Switch {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe {
            if SYSTEM.load(Ordering::Relaxed) {
                System.alloc(layout)
            } else {
                mimalloc::MiMalloc.alloc(layout)
            }
        }
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if SYSTEM.load(Ordering::Relaxed) {
                System.alloc_zeroed(layout)
            } else {
                mimalloc::MiMalloc.alloc_zeroed(layout)
            }
        }
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above; `ptr` came from the same allocator.
        unsafe {
            if SYSTEM.load(Ordering::Relaxed) {
                System.dealloc(ptr, layout)
            } else {
                mimalloc::MiMalloc.dealloc(ptr, layout)
            }
        }
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if SYSTEM.load(Ordering::Relaxed) {
                System.realloc(ptr, layout, new_size)
            } else {
                mimalloc::MiMalloc.realloc(ptr, layout, new_size)
            }
        }
    }
}

/// Whether these arguments are the git filter: `fix` and `-` (stdin → stdout).
fn is_filter<'a>(mut args: impl Iterator<Item = &'a [u8]>) -> bool {
    let _program = args.next();
    let mut fix = false;
    let mut stdin = false;
    for a in args {
        fix |= a == b"fix";
        stdin |= a == b"-";
    }
    fix && stdin
}

/// mimalloc v3's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (the order of
/// `mi_option_e` in the `mimalloc.h` that `libmimalloc-sys` =0.1.49 builds).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Commit arena pages only when used, and give freed memory back after 20 ms instead of a
/// second: with mimalloc's defaults a check of 36 MB of notebooks peaked at 65-80 MiB
/// resident, with these at 25-28 MiB, at the same speed (purging at once saves a few MiB
/// more but costs a quarter of the run in page faults). This must run before the first
/// allocation creates an arena.
fn tune_mimalloc() {
    // SAFETY: plain option setters of the C allocator; no other thread exists yet.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 20);
    }
}

/// With glibc a constructor: the loader runs it before `main` and before Rust's runtime
/// allocates, and passes it the arguments (a glibc extension that Rust's own `std::env::args`
/// relies on for `.init_array` functions; musl passes nothing).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" fn choose_allocator(
    argc: std::ffi::c_int,
    argv: *const *const std::ffi::c_char,
    _envp: *const *const std::ffi::c_char,
) {
    let args = (0..usize::try_from(argc).unwrap_or(0)).filter_map(|i| {
        // SAFETY: glibc passes `argc` valid NUL-terminated strings (a null one is skipped).
        unsafe {
            let p = *argv.add(i);
            (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p).to_bytes())
        }
    });
    if !argv.is_null() && is_filter(args) {
        SYSTEM.store(true, Ordering::Relaxed);
    } else {
        tune_mimalloc();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[unsafe(link_section = ".init_array")]
static CHOOSE_ALLOCATOR: extern "C" fn(
    std::ffi::c_int,
    *const *const std::ffi::c_char,
    *const *const std::ffi::c_char,
) = choose_allocator;

/// Other ELF platforms: mimalloc always, tuned by a constructor that takes no arguments.
#[cfg(all(
    any(target_os = "linux", target_os = "android", target_os = "freebsd"),
    not(all(target_os = "linux", target_env = "gnu"))
))]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_AT_LOAD: extern "C" fn() = {
    extern "C" fn tune() {
        tune_mimalloc();
    }
    tune
};

fn main() -> ExitCode {
    // Elsewhere (no `.init_array`) mimalloc is always used, tuned here.
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    tune_mimalloc();
    let cli = mlcheck::cli::Cli::parse();
    match mlcheck::commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            // An error may quote a file name or a config value: never a secret whole.
            let text = mlcheck::secrets::redact::mask_message(&format!("{err:#}"));
            eprintln!("mlcheck: error: {text}");
            mlcheck::commands::ExitStatus::Error.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_filter;

    fn filter(args: &[&str]) -> bool {
        is_filter(args.iter().map(|a| a.as_bytes()))
    }

    #[test]
    fn only_the_stdin_filter_uses_the_system_allocator() {
        assert!(filter(&["mlcheck", "fix", "--strip-outputs", "-"]));
        assert!(filter(&[
            "mlcheck",
            "fix",
            "-",
            "--strip-outputs",
            "--keep-count"
        ]));
        assert!(!filter(&["mlcheck", "fix", "--strip-outputs", "."]));
        assert!(!filter(&["mlcheck", "check", "."]));
        assert!(!filter(&["mlcheck"]));
        assert!(!filter(&[]));
    }
}
