//! A panic while linting one file becomes that file's error: the other
//! files are still linted and the report is still written.

use dsig::report::FileError;

// The last panic of this thread, kept by the hook for `guarded`, and
// whether the thread is inside `guarded`.
thread_local! {
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics inside [`guarded`] are kept quietly (they become one file's
/// error); anywhere else they are reported as usual.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(|g| g.get()) {
            return default(info);
        }
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC.with(|p| {
            *p.borrow_mut() = Some(format!("{}{at}", dsig::read::excerpt(&payload, 120)))
        });
    }));
}

/// Run one file's work so that a panic in it becomes that file's error:
/// the other files are still linted and the report is still written.
pub fn guarded<T>(path: &str, f: impl FnOnce() -> Result<T, FileError>) -> Result<T, FileError> {
    GUARDED.with(|g| g.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    r.unwrap_or_else(|_| {
        let why = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
        Err(FileError {
            path: path.to_string(),
            message: format!("internal error, not linted (please report it): {why}"),
        })
    })
}
