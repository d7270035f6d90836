//! The reference parser's AST dump format, `(keyword ["--flag"] "arg" ...)`,
//! used to check conformance with its test cases.

use super::ast::*;

/// Dump every instruction, one per line, as the reference parser does.
pub fn dump(df: &Dockerfile) -> String {
    let mut out = String::new();
    for inst in &df.instructions {
        out.push('(');
        out.push_str(&dump_instruction(inst));
        out.push_str(")\n");
    }
    out
}

fn dump_instruction(inst: &Instruction) -> String {
    let mut s = inst.keyword.to_lowercase();
    if !inst.flags.is_empty() {
        s.push_str(" [");
        let f: Vec<String> = inst.flags.iter().map(|f| go_quote(&f.raw)).collect();
        s.push_str(&f.join(" "));
        s.push(']');
    }
    dump_args(&inst.args, &mut s);
    s
}

fn dump_args(args: &Args, s: &mut String) {
    let mut q = |v: &str| {
        s.push(' ');
        s.push_str(&go_quote(v));
    };
    match args {
        Args::None => {}
        Args::Exec { words, .. } | Args::Words(words) => words.iter().for_each(|w| q(&w.value)),
        Args::Shell { text, .. } | Args::String(text) => q(&text.value),
        Args::KeyValues(kvs) => {
            for kv in kvs {
                q(&kv.key.value);
                q(&kv.value.value);
                q(kv.sep);
            }
        }
        Args::Health { kind, cmd } => {
            q(&kind.value);
            dump_args(cmd, s);
        }
        Args::Onbuild(inner) => {
            s.push_str(" (");
            s.push_str(&dump_instruction(inner));
            s.push(')');
        }
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
