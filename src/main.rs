//! The `mlcheck` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: a check allocates and frees many small nodes on every thread; the system
/// allocator spent a fifth of the run in `malloc`/`free`/`realloc`. The binary's choice
/// only: the library leaves the allocator to its users.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc v3's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (the order of
/// `mi_option_e` in the `mimalloc.h` that `libmimalloc-sys` =0.1.49 builds).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Commit arena pages only when used, and give freed memory back after 20 ms instead of a
/// second: with mimalloc's defaults a check of 36 MB of notebooks peaked at 65-80 MiB
/// resident, with these at 25-28 MiB, at the same speed (purging at once saves a few MiB
/// more but costs a quarter of the run in page faults). This must run before the first
/// allocation creates an arena: on ELF platforms it is a constructor (run by the loader
/// before `main` and before Rust's runtime allocates).
extern "C" fn tune_allocator() {
    // SAFETY: plain option setters of the C allocator; no other thread exists yet.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 20);
    }
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

fn main() -> ExitCode {
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    tune_allocator();
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
