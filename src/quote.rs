//! Quoting for shells: every word the helper prints for a shell to read goes through here.

/// A word POSIX shells (sh, bash, zsh) read back as it is, quoted only when it needs to be.
pub(crate) fn sh(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c));
    match plain {
        true => word.to_owned(),
        false => sh_always(word),
    }
}

/// POSIX single quotes: everything is literal except `'`, written as `'\''`.
pub(crate) fn sh_always(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// fish single quotes, where `\` and `'` are escaped.
pub(crate) fn fish(word: &str) -> String {
    format!("'{}'", word.replace('\\', r"\\").replace('\'', r"\'"))
}

/// A word that POSIX shells and fish read back identically: single-quoted runs (where the two
/// differ only on `\` and `'`), with each `\` as `"\\"` and each `'` as `"'"`, which both read
/// the same way.
pub(crate) fn portable(word: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            out.push('\'');
            out.push_str(run);
            out.push('\'');
            run.clear();
        }
    };
    for c in word.chars() {
        match c {
            '\\' | '\'' => {
                flush(&mut run, &mut out);
                out.push_str(if c == '\\' { r#""\\""# } else { r#""'""# });
            }
            c => run.push(c),
        }
    }
    flush(&mut run, &mut out);
    if out.is_empty() {
        out.push_str("''");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form() {
        assert_eq!(sh("/home/x/.pipeline"), "/home/x/.pipeline");
        assert_eq!(sh("/opt/it's here"), r"'/opt/it'\''s here'");
        assert_eq!(sh(""), "''");
        assert_eq!(fish(r"a\b'c"), r"'a\\b\'c'");
        assert_eq!(portable("pipeline_sk_1"), "'pipeline_sk_1'");
        assert_eq!(portable(r"a\b'c"), r#"'a'"\\"'b'"'"'c'"#);
        assert_eq!(portable(""), "''");
        assert_eq!(portable(r"\\"), r#""\\""\\""#);
    }
}
