//! A manifest: read, modelled and linted, every offered fix applied and
//! the result read again, and `dsig ps`'s trees rendered. Any input: the
//! manifest reader must never panic, and a fix must leave a manifest that
//! still reads.
#![no_main]

use dsig::lint::LintOptions;
use dsig::lint_manifest::lint_manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = LintOptions::default();
    let Ok(linted) = lint_manifest(text, "m.yaml", &opts) else {
        return;
    };
    for c in &linted.containers {
        let _ =
            dsig::report::tree::render_container_text("m.yaml", &c.placement, &c.launch, &c.chain);
    }
    for d in &linted.diagnostics {
        assert!(d.span.end <= text.len() && d.span.start <= d.span.end);
        let Some(fix) = d.fix() else { continue };
        let edits: Vec<&dsig::diagnostic::Edit> = fix.edits.iter().collect();
        let fixed = dsig::edit::apply_edits(text, &edits, false).expect("a fix applies");
        assert!(
            lint_manifest(&fixed, "m.yaml", &opts).is_ok(),
            "a fix broke the manifest"
        );
    }
});
