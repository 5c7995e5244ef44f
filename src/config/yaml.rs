//! config.yaml as the SDK reads it: PyYAML's `FullLoader`, which is YAML 1.1.
//!
//! The YAML 1.2 libraries read some files differently from PyYAML: an unquoted `yes` or `on` is a
//! bool to PyYAML, `012` is octal, `1:30` is 90, `2024-01-01` is a date, `<<` merges a mapping,
//! and tags such as `!!binary` change what a value is. This loader builds the document on
//! saphyr's event parser with PyYAML's resolver rules, so it means what the SDK means. Values
//! that PyYAML reads but this helper could not write back with the same meaning (a timestamp, a
//! binary, a custom tag, ...) are kept as `Opaque`: reading them is fine, a rewrite is refused.
//!
//! Aliases are expanded, so a "billion laughs" file is stopped by a node budget; nesting is
//! bounded too. Writing goes through serde-saphyr, which quotes every string that YAML 1.1 would
//! read as something else.

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};

/// Nodes a document may expand to, aliases included (a real config.yaml has a few dozen).
const MAX_NODES: usize = 100_000;
/// How deep collections may nest.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Value>),
    Map(Mapping),
    /// Something PyYAML reads that this helper cannot write back as it was; names the construct.
    Opaque(String),
}

/// A mapping in document order; a repeated key replaces the earlier value in place, as a Python
/// dict does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping(Vec<(Value, Value)>);

impl Mapping {
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub(crate) fn insert(&mut self, key: Value, value: Value) {
        match self.0.iter_mut().find(|(k, _)| same_key(k, &key)) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k.as_str() == Some(key))?;
        Some(self.0.remove(at).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Value, Value)> {
        self.0.iter()
    }
}

/// Python's dict key equality: `True`, `1` and `1.0` are one key.
fn same_key(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

impl Value {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The first value, in document order, that a rewrite could not keep: (its key path, what).
    pub(crate) fn first_opaque(&self) -> Option<(String, &str)> {
        match self {
            Value::Opaque(what) => Some((String::new(), what)),
            Value::Seq(items) => items.iter().enumerate().find_map(|(i, v)| {
                v.first_opaque()
                    .map(|(path, what)| (format!("[{i}]{path}"), what))
            }),
            Value::Map(m) => m.iter().find_map(|(k, v)| {
                let name = match k {
                    Value::Str(s) => format!(".{s}"),
                    _ => ".(key)".to_owned(),
                };
                k.first_opaque()
                    .or_else(|| v.first_opaque())
                    .map(|(path, what)| (format!("{name}{path}"), what))
            }),
            _ => None,
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(text) => s.serialize_str(text),
            Value::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(m) => {
                let mut map = s.serialize_map(Some(m.0.len()))?;
                for (k, v) in &m.0 {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Value::Opaque(what) => Err(S::Error::custom(format!("cannot write {what}"))),
        }
    }
}

/// Parses one YAML document as PyYAML's FullLoader would. An empty stream is `Null`.
pub fn load(text: &str) -> Result<Value, String> {
    let mut builder = Builder::default();
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let at = e.marker();
            format!("{} at line {} column {}", e.info(), at.line(), at.col() + 1)
        })?;
        let at = || format!(" (line {})", span.start.line());
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(format!("it holds more than one YAML document{}", at()));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_deref()).map_err(|e| e + &at())?;
                builder.node(value, anchor, 1).map_err(|e| e + &at())?;
            }
            Event::Alias(id) => {
                let value = builder.anchors.get(&id).cloned();
                let value = value.ok_or_else(|| format!("an alias refers to itself{}", at()))?;
                let size = count(&value);
                builder.node(value, 0, size).map_err(|e| e + &at())?;
            }
            Event::SequenceStart(anchor, tag) => {
                builder.open(Frame::Seq(Vec::new()), anchor, tag.as_deref())?;
            }
            Event::MappingStart(anchor, tag) => {
                builder.open(Frame::Map(Vec::new(), None), anchor, tag.as_deref())?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close().map_err(|e| e + &at())?,
            _ => {}
        }
    }
    Ok(builder.root.unwrap_or(Value::Null))
}

/// A mapping entry before the mapping is complete: `<<` entries are merged at the end.
enum Entry {
    Pair(Value, Value),
    Merge(Value),
}

enum Frame {
    Seq(Vec<Value>),
    /// Entries so far, and a key waiting for its value (`Err(())` for a `<<` key).
    Map(Vec<Entry>, Option<Result<Value, ()>>),
}

struct Open {
    frame: Frame,
    anchor: usize,
    /// A tag this helper cannot write back, named.
    opaque_tag: Option<String>,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: std::collections::HashMap<usize, Value>,
    root: Option<Value>,
    nodes: usize,
}

impl Builder {
    fn open(&mut self, frame: Frame, anchor: usize, tag: Option<&Tag>) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("it nests deeper than {MAX_DEPTH} levels"));
        }
        let opaque_tag = match (tag, &frame) {
            (None, _) => None,
            (Some(t), _) if non_specific(t) => None,
            (Some(t), Frame::Seq(_)) if core(t) == Some("seq") => None,
            (Some(t), Frame::Map(..)) if core(t) == Some("map") => None,
            (Some(t), _) => Some(format!("the tag {}", tag_name(t))),
        };
        self.stack.push(Open {
            frame,
            anchor,
            opaque_tag,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let open = self.stack.pop().ok_or("unbalanced collection")?;
        let value = match open.frame {
            Frame::Seq(items) => Value::Seq(items),
            Frame::Map(entries, _) => Value::Map(merge(entries)?),
        };
        let value = match open.opaque_tag {
            Some(what) => Value::Opaque(what),
            None => value,
        };
        // Its items were counted as they were added.
        self.node(value, open.anchor, 1)
    }

    /// A finished node of `size` values: counted, remembered under its anchor, added to its
    /// parent.
    fn node(&mut self, value: Value, anchor: usize, size: usize) -> Result<(), String> {
        self.nodes += size;
        if self.nodes > MAX_NODES {
            return Err(format!(
                "it expands to more than {MAX_NODES} values (too many aliases)"
            ));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(value);
            return Ok(());
        };
        match &mut parent.frame {
            Frame::Seq(items) => items.push(value),
            Frame::Map(entries, pending) => match pending.take() {
                None if value == merge_key() => *pending = Some(Err(())),
                None => *pending = Some(Ok(value)),
                Some(Ok(key)) => entries.push(Entry::Pair(key, value)),
                Some(Err(())) => entries.push(Entry::Merge(value)),
            },
        }
        Ok(())
    }
}

/// What a plain `<<` (or `!!merge`) resolves to. As a key it merges (see `merge`); anywhere
/// else PyYAML refuses it, and so does a rewrite.
fn merge_key() -> Value {
    Value::Opaque("a `<<` merge key outside a mapping's keys".into())
}

/// The values in `value`, itself included: what an alias to it expands to.
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(m) => m.iter().map(|(k, v)| count(k) + count(v)).sum(),
        _ => 0,
    }
}

/// PyYAML's `flatten_mapping`: merged pairs come first, so the mapping's own keys win; of a list
/// of merged mappings, the earlier one wins.
fn merge(entries: Vec<Entry>) -> Result<Mapping, String> {
    let mut merged = Vec::new();
    let mut own = Vec::new();
    for entry in entries {
        match entry {
            Entry::Pair(k, v) => own.push((k, v)),
            Entry::Merge(Value::Map(m)) => merged.extend(m.0),
            Entry::Merge(Value::Seq(items)) => {
                let mut maps = Vec::new();
                for item in items {
                    let Value::Map(m) = item else {
                        return Err("a `<<` merge list holds something other than a mapping".into());
                    };
                    maps.push(m);
                }
                for m in maps.into_iter().rev() {
                    merged.extend(m.0);
                }
            }
            Entry::Merge(_) => return Err("a `<<` merge key's value is not a mapping".into()),
        }
    }
    let mut mapping = Mapping::default();
    for (k, v) in merged.into_iter().chain(own) {
        if matches!(k, Value::Seq(_) | Value::Map(_)) {
            return Err("a mapping key is a list or a mapping".into());
        }
        mapping.insert(k, v);
    }
    Ok(mapping)
}

/// The suffix of a `tag:yaml.org,2002:` tag (`!!str` is `str`).
fn core(tag: &Tag) -> Option<&str> {
    tag.is_yaml_core_schema().then_some(tag.suffix.as_str())
}

/// The non-specific tag `!`, which asks for the type a plain node would get.
fn non_specific(tag: &Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

fn tag_name(tag: &Tag) -> String {
    match core(tag) {
        Some(suffix) => format!("!!{suffix}"),
        None => tag.to_string(),
    }
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let Some(tag) = tag else {
        return Ok(match style {
            ScalarStyle::Plain => plain(text),
            _ => Value::Str(text.to_owned()),
        });
    };
    let bad = |kind: &str| format!("a `{}` value is not {kind}", tag_name(tag));
    Ok(match core(tag) {
        Some("str") => Value::Str(text.to_owned()),
        Some("null") => Value::Null,
        Some("bool") => Value::Bool(bool_value(&text.to_lowercase()).ok_or_else(|| bad("a bool"))?),
        Some("int") => int(text).ok_or_else(|| bad("an integer"))?,
        Some("float") => Value::Float(float(text).ok_or_else(|| bad("a number"))?),
        Some("merge") if text == "<<" => merge_key(),
        // PyYAML resolves a scalar with the non-specific tag (`! x`, `! 'x'`) as if plain.
        None if non_specific(tag) => plain(text),
        _ => Value::Opaque(format!("the tag {}", tag_name(tag))),
    })
}

/// PyYAML's implicit resolvers for a plain scalar, in its order: bool, float, int, merge, null,
/// timestamp, value; anything else is a string.
fn plain(text: &str) -> Value {
    if let Some(b) = bool_value(text) {
        return Value::Bool(b);
    }
    if is_float(text) {
        return float(text).map_or_else(|| Value::Opaque("a float".into()), Value::Float);
    }
    if is_int(text) {
        return int(text).unwrap_or_else(|| Value::Opaque("an integer PyYAML cannot read".into()));
    }
    match text {
        "<<" => merge_key(),
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "=" => Value::Opaque("a `=` value".into()),
        _ if is_timestamp(text) => Value::Opaque("a timestamp".into()),
        _ => Value::Str(text.to_owned()),
    }
}

fn bool_value(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// Splits an optional leading sign.
fn unsign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

fn all(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    text.bytes().all(allowed)
}

fn digits_(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// `[0-9][0-9_]*`
fn decimal_run(text: &str) -> bool {
    text.as_bytes().first().is_some_and(u8::is_ascii_digit) && all(text, digits_)
}

/// `(:[0-5]?[0-9])+` after the first part of a sexagesimal number.
fn sexagesimal_tail(parts: &[&str]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| {
            let b = p.as_bytes();
            matches!(b, [d] if d.is_ascii_digit())
                || matches!(b, [a, d] if (b'0'..=b'5').contains(a) && d.is_ascii_digit())
        })
}

/// `[eE][-+][0-9]+`, or nothing.
fn exponent(text: &str) -> bool {
    let b = text.as_bytes();
    b.is_empty()
        || (b.len() >= 3
            && matches!(b[0], b'e' | b'E')
            && matches!(b[1], b'-' | b'+')
            && b[2..].iter().all(u8::is_ascii_digit))
}

/// The fraction and exponent after a float's `.`: `[0-9_]*([eE][-+][0-9]+)?`.
fn fraction(text: &str) -> bool {
    let end = text.find(['e', 'E']).unwrap_or(text.len());
    all(&text[..end], digits_) && exponent(&text[end..])
}

fn is_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (_, body) = unsign(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    // `\.[0-9][0-9_]*(exp)?`, unsigned only
    if let Some(rest) = text.strip_prefix('.') {
        return rest.as_bytes().first().is_some_and(u8::is_ascii_digit) && fraction(rest);
    }
    let Some((whole, frac)) = body.split_once('.') else {
        return false;
    };
    let mut parts = whole.split(':');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    if !decimal_run(first) {
        return false;
    }
    if rest.is_empty() {
        fraction(frac)
    } else {
        // Sexagesimal floats take no exponent.
        sexagesimal_tail(&rest) && all(frac, digits_)
    }
}

fn is_int(text: &str) -> bool {
    let (_, body) = unsign(text);
    if let Some(bits) = body.strip_prefix("0b") {
        return !bits.is_empty() && all(bits, |b| matches!(b, b'0' | b'1' | b'_'));
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && all(hex, |b| b.is_ascii_hexdigit() || b == b'_');
    }
    if body == "0" {
        return true;
    }
    if let Some(octal) = body.strip_prefix('0') {
        return !octal.is_empty() && all(octal, |b| matches!(b, b'0'..=b'7' | b'_'));
    }
    let mut parts = body.split(':');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let leading = first
        .as_bytes()
        .first()
        .is_some_and(|b| (b'1'..=b'9').contains(b));
    leading && all(first, digits_) && (rest.is_empty() || sexagesimal_tail(&rest))
}

/// PyYAML's `construct_yaml_int`; `None` where Python would raise, or the value leaves i64.
fn int(text: &str) -> Option<Value> {
    let cleaned = text.replace('_', "");
    let (negative, body) = unsign(&cleaned);
    let magnitude: Option<i128> = if body == "0" {
        Some(0)
    } else if let Some(bits) = body.strip_prefix("0b") {
        i128::from_str_radix(bits, 2).ok()
    } else if let Some(hex) = body.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()
    } else if let Some(octal) = body.strip_prefix('0') {
        i128::from_str_radix(octal, 8).ok()
    } else if body.contains(':') {
        body.split(':').try_fold(0i128, |acc, part| {
            acc.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)
        })
    } else {
        body.parse::<i128>().ok()
    };
    let value = if negative { -magnitude? } else { magnitude? };
    Some(i64::try_from(value).map_or_else(
        |_| Value::Opaque("an integer beyond 64 bits".into()),
        Value::Int,
    ))
}

/// PyYAML's `construct_yaml_float`.
fn float(text: &str) -> Option<f64> {
    let cleaned = text.replace('_', "").to_lowercase();
    let (negative, body) = unsign(&cleaned);
    let sign = if negative { -1.0 } else { 1.0 };
    let magnitude = match body {
        ".inf" => f64::INFINITY,
        ".nan" => f64::NAN,
        // Sexagesimal `1:30.5` is 90.5; without a `:` this is just the number.
        _ => body.split(':').try_fold(0f64, |acc, part| {
            Some(acc * 60.0 + part.parse::<f64>().ok()?)
        })?,
    };
    Some(sign * magnitude)
}

/// PyYAML's timestamp resolver: `YYYY-MM-DD`, or a date and time with optional fraction and
/// zone.
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&b[..4])
        && digits(&b[5..7])
        && digits(&b[8..])
    {
        return true;
    }
    // YYYY-M[M]-D[D] then T/t or blanks, then H[H]:MM:SS[.fff][blanks][Z|+-H[H][:MM]]
    let Some(date_end) = text.find(['T', 't', ' ', '\t']) else {
        return false;
    };
    let (date, rest) = text.split_at(date_end);
    let date: Vec<&str> = date.split('-').collect();
    let date_ok = matches!(date.as_slice(), [y, m, d]
        if y.len() == 4 && digits(y.as_bytes())
            && (1..=2).contains(&m.len()) && digits(m.as_bytes())
            && (1..=2).contains(&d.len()) && digits(d.as_bytes()));
    if !date_ok {
        return false;
    }
    let rest = match rest.strip_prefix(['T', 't']) {
        Some(r) => r,
        None => rest.trim_start_matches([' ', '\t']),
    };
    let time_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let (time, zone) = rest.split_at(time_end);
    let (hms, fraction) = time.split_once('.').unwrap_or((time, ""));
    let fraction_ok = digits(fraction.as_bytes());
    let hms: Vec<&str> = hms.split(':').collect();
    let time_ok = matches!(hms.as_slice(), [h, m, s]
        if (1..=2).contains(&h.len()) && digits(h.as_bytes())
            && m.len() == 2 && digits(m.as_bytes())
            && s.len() == 2 && digits(s.as_bytes()));
    let zone = zone.trim_start_matches([' ', '\t']);
    let zone_ok = zone.is_empty() || zone == "Z" || {
        let (_, z) = unsign(zone);
        zone.starts_with(['+', '-']) && {
            let (h, m) = z.split_once(':').unwrap_or((z, "00"));
            (1..=2).contains(&h.len())
                && digits(h.as_bytes())
                && m.len() == 2
                && digits(m.as_bytes())
        }
    };
    time_ok && fraction_ok && zone_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(text: &str) -> Mapping {
        match load(text).unwrap() {
            Value::Map(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_scalars_resolve_as_in_pyyaml() {
        for (text, want) in [
            ("yes", Value::Bool(true)),
            ("Off", Value::Bool(false)),
            ("y", Value::Str("y".into())),
            ("012", Value::Int(10)),
            ("0x1_F", Value::Int(31)),
            ("0b101", Value::Int(5)),
            ("1_000", Value::Int(1000)),
            ("-1:30", Value::Int(-90)),
            ("1:30.5", Value::Float(90.5)),
            ("1.5e+3", Value::Float(1500.0)),
            ("1e3", Value::Str("1e3".into())),
            ("0o17", Value::Str("0o17".into())),
            (".5", Value::Float(0.5)),
            ("-.inf", Value::Float(f64::NEG_INFINITY)),
            ("~", Value::Null),
            ("", Value::Null),
            ("2024-01-01", Value::Opaque("a timestamp".into())),
            (
                "2001-12-14 21:59:43.10 -5",
                Value::Opaque("a timestamp".into()),
            ),
            ("2024-1-1", Value::Str("2024-1-1".into())),
            (
                "99999999999999999999",
                Value::Opaque("an integer beyond 64 bits".into()),
            ),
            (
                "https://x.example:8443",
                Value::Str("https://x.example:8443".into()),
            ),
        ] {
            assert_eq!(plain(text), want, "{text:?}");
        }
    }

    #[test]
    fn more_plain_scalars_resolve_as_in_pyyaml() {
        for (text, want) in [
            ("+12", Value::Int(12)),
            ("+1.5", Value::Float(1.5)),
            ("1:99", Value::Str("1:99".into())),
            ("1:5", Value::Int(65)),
            ("1:30.5e+1", Value::Str("1:30.5e+1".into())),
            (".5x", Value::Str(".5x".into())),
            ("0b", Value::Str("0b".into())),
            ("0b12", Value::Str("0b12".into())),
            ("0x", Value::Str("0x".into())),
            ("0xg", Value::Str("0xg".into())),
            ("08", Value::Str("08".into())),
            ("0", Value::Int(0)),
            ("-0", Value::Int(0)),
            ("=", Value::Opaque("a `=` value".into())),
            ("<<", merge_key()),
            ("NULL", Value::Null),
            ("nULL", Value::Str("nULL".into())),
            ("1_000.5", Value::Float(1000.5)),
            ("1.5e3", Value::Str("1.5e3".into())),
            ("1.5E-3", Value::Float(0.0015)),
        ] {
            assert_eq!(plain(text), want, "{text:?}");
        }
        for nan in [".nan", ".NaN", ".NAN"] {
            assert!(matches!(plain(nan), Value::Float(f) if f.is_nan()), "{nan}");
        }
        assert_eq!(plain(".Nan"), Value::Str(".Nan".into()));
    }

    #[test]
    fn timestamps_resolve_as_in_pyyaml() {
        for (text, want) in [
            (
                "2001-12-14t21:59:43.10Z",
                Value::Opaque("a timestamp".into()),
            ),
            (
                "2001-12-14T21:59:43+05:30",
                Value::Opaque("a timestamp".into()),
            ),
            ("2001-12-14 1:59:43.", Value::Opaque("a timestamp".into())),
            ("2001-12-14\t21:59:43", Value::Opaque("a timestamp".into())),
            (
                "2001-12-14T21:59:43+5:3",
                Value::Str("2001-12-14T21:59:43+5:3".into()),
            ),
            (
                "2001-12-14T21:59:43 x",
                Value::Str("2001-12-14T21:59:43 x".into()),
            ),
            (
                "2001-12-14T21:59:43.1.2",
                Value::Str("2001-12-14T21:59:43.1.2".into()),
            ),
            ("2001-12-14T21:59", Value::Str("2001-12-14T21:59".into())),
            (
                "2001-12-14T121:59:43",
                Value::Str("2001-12-14T121:59:43".into()),
            ),
            ("2001-1-1T1:59:43", Value::Opaque("a timestamp".into())),
            (
                "2001-123-1T1:59:43",
                Value::Str("2001-123-1T1:59:43".into()),
            ),
            ("20x1-12-14", Value::Str("20x1-12-14".into())),
            ("2001/12/14", Value::Str("2001/12/14".into())),
        ] {
            assert_eq!(plain(text), want, "{text:?}");
        }
    }

    #[test]
    fn tagged_scalars_take_their_tag() {
        let m = top(
            "a: !!null x\nb: !!bool Yes\nc: !!float 1\nd: ! '12'\ne: !x 12\nf: !!merge x\ng: !!seq [1]\nh: !!map {k: v}\ni: !!seq {k: v}\nj: ! [1]\n",
        );
        assert_eq!(m.get("a"), Some(&Value::Null));
        assert_eq!(m.get("b"), Some(&Value::Bool(true)));
        assert_eq!(m.get("c"), Some(&Value::Float(1.0)));
        assert_eq!(m.get("d"), Some(&Value::Int(12)));
        assert_eq!(m.get("j"), Some(&Value::Seq(vec![Value::Int(1)])));
        assert_eq!(m.get("e"), Some(&Value::Opaque("the tag !x".into())));
        assert_eq!(m.get("f"), Some(&Value::Opaque("the tag !!merge".into())));
        assert_eq!(m.get("g"), Some(&Value::Seq(vec![Value::Int(1)])));
        let Some(Value::Map(h)) = m.get("h") else {
            panic!("{:?}", m.get("h"))
        };
        assert_eq!(h.get("k"), Some(&Value::Str("v".into())));
        assert_eq!(m.get("i"), Some(&Value::Opaque("the tag !!seq".into())));
        let verbatim = top("k: !<tag:example.com,2000:x> 12\nl: !<!> 12\n");
        assert!(
            matches!(verbatim.get("k"), Some(Value::Opaque(_))),
            "{verbatim:?}"
        );
        assert_eq!(verbatim.get("l"), Some(&Value::Int(12)));
        let merged = top("a: {x: 1}\nb:\n  !!merge <<: {y: 2}\n");
        let Some(Value::Map(b)) = merged.get("b") else {
            panic!()
        };
        assert_eq!(b.get("y"), Some(&Value::Int(2)));
    }

    #[test]
    fn keys_are_equal_as_in_a_python_dict() {
        let m = top("1: a\nTrue: b\n1.0: c\n0.5: d\n0.5: e\n2: f\nx: g\nx: h\n");
        let keys: Vec<&(Value, Value)> = m.iter().collect();
        assert_eq!(
            keys,
            [
                &(Value::Int(1), Value::Str("c".into())),
                &(Value::Float(0.5), Value::Str("e".into())),
                &(Value::Int(2), Value::Str("f".into())),
                &(Value::Str("x".into()), Value::Str("h".into())),
            ]
        );
        // Integers beyond f64's precision stay apart, as in Python.
        let big = top("9007199254740992: a\n9007199254740993: b\n");
        assert_eq!(big.iter().count(), 2);
    }

    #[test]
    fn opaque_values_are_found_in_lists_and_keys() {
        let doc = load("remotes:\n  - alias: a\n  - alias: b\n    token: !!binary eA==\n").unwrap();
        let (path, what) = doc.first_opaque().unwrap();
        assert_eq!(
            (path.as_str(), what),
            (".remotes[1].token", "the tag !!binary")
        );
        let key = load("? !!binary eA==\n: v\n").unwrap();
        assert_eq!(key.first_opaque().unwrap().0, ".(key)");
        assert_eq!(load("a: [1, {b: 2}]\n").unwrap().first_opaque(), None);
    }

    /// The node budget counts each value once and an alias as all it expands to.
    #[test]
    fn the_node_budget_is_exact() {
        let doc = |scalars: usize, map_aliases: usize| {
            // root seq, a 1000-value list, a 3-value map, then aliases and plain scalars
            let list = vec!["x"; 999].join(",");
            let mut text = format!("- &l [{list}]\n- &m {{k: v}}\n");
            text += &"- *l\n".repeat(95);
            text += &"- *m\n".repeat(map_aliases);
            text += &"- y\n".repeat(scalars);
            text
        };
        // 1 + 1000 + 3 + 95 * 1000 + 3 * 1000 + 996 = 100_000
        assert!(load(&doc(996, 1000)).is_ok());
        assert!(
            load(&doc(997, 1000))
                .unwrap_err()
                .contains("more than 100000")
        );
    }

    #[test]
    fn merge_keys_merge_like_pyyaml() {
        let m =
            top("b: &b {url: https://b, x: 1}\nc: &c {x: 2, y: 3}\nr:\n  <<: [*b, *c]\n  x: 9\n");
        let Some(Value::Map(r)) = m.get("r") else {
            panic!()
        };
        assert_eq!(r.get("url"), Some(&Value::Str("https://b".into())));
        assert_eq!(r.get("x"), Some(&Value::Int(9)), "own keys win");
        assert_eq!(r.get("y"), Some(&Value::Int(3)));
        let quoted = top("r: {'<<': {a: 1}}\n");
        let Some(Value::Map(r)) = quoted.get("r") else {
            panic!()
        };
        assert!(r.get("<<").is_some(), "a quoted << is a plain key");
    }

    #[test]
    fn tags_are_kept_opaque_or_applied() {
        let m = top(
            "a: !!binary YWJj\nb: !custom {k: v}\nc: !!str 123\nd: !!int '0x10'\ne: !!python/tuple [1, 2]\n",
        );
        assert_eq!(m.get("a"), Some(&Value::Opaque("the tag !!binary".into())));
        assert_eq!(m.get("b"), Some(&Value::Opaque("the tag !custom".into())));
        assert_eq!(m.get("c"), Some(&Value::Str("123".into())));
        assert_eq!(m.get("d"), Some(&Value::Int(16)));
        assert_eq!(
            m.get("e"),
            Some(&Value::Opaque("the tag !!python/tuple".into()))
        );
        let doc = Value::Map(m);
        let (path, what) = doc.first_opaque().unwrap();
        assert_eq!((path.as_str(), what), (".a", "the tag !!binary"));
        assert!(load("a: !!int x\n").is_err());
    }

    #[test]
    fn bombs_and_oddities_fail_fast() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        assert!(load(bomb).unwrap_err().contains("aliases"));
        assert!(load(&"[".repeat(10_000)).is_err());
        assert!(
            load("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .contains("more than one")
        );
        assert!(load("? [a]\n: b\n").is_err());
        assert_eq!(load("").unwrap(), Value::Null);
        assert_eq!(load("# only a comment\n").unwrap(), Value::Null);
    }
}
