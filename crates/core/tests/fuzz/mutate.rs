//! Near-valid inputs: a real document (deposit data, key shares, config, an RPC answer) with a
//! few structured mutations applied (a field of the wrong type, removed, duplicated or nested
//! deep; a string truncated, a hex digit flipped, a `0x` added; a number too large for any
//! integer type), then optionally a few text edits (a byte flipped, the text cut). Parsers see
//! mostly what they would from a buggy tool or a hostile file, not only noise.
//!
//! Shared with pool-chain's property tests (`#[path]`), so it depends on proptest and
//! serde_json only.

use proptest::prelude::*;
use serde_json::Value;

/// One structured mutation: the node at pre-order position `at` (modulo the node count) and
/// what happens to it.
#[derive(Debug, Clone)]
pub struct Mutation {
    pub at: usize,
    pub op: Op,
}

#[derive(Debug, Clone)]
pub enum Op {
    /// The node becomes another value (often of another type).
    Replace(Value),
    /// The node becomes raw JSON text that `Value` cannot hold (`1e400`, 20-digit integers,
    /// a lone surrogate escape, 200 nested arrays).
    Raw(String),
    /// The node leaves its object or array.
    Remove,
    /// An array's element is repeated, or an object gains an unknown key.
    Grow(String),
    /// A string node is edited.
    Edit(StringEdit),
}

#[derive(Debug, Clone)]
pub enum StringEdit {
    /// Keep the first `n` chars.
    Truncate(usize),
    /// Replace the char at `i` (modulo the length) with `c`.
    Set(usize, char),
    Insert(usize, char),
    /// Add `0x`, or remove it.
    TogglePrefix,
    /// The string twice (hex of twice the length).
    Double,
}

/// Text edits applied after serialisation: they mostly break the JSON, which must be refused in
/// words, not by a panic.
#[derive(Debug, Clone)]
pub enum TextEdit {
    /// Flip bits of the byte at `i`; the result is read lossily as UTF-8, as a browser would.
    FlipByte(usize, u8),
    Truncate(usize),
    Insert(usize, char),
}

/// Replacement values: every JSON type, the edges of integer types, odd strings.
pub fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![Just(u64::MAX), Just(0), Just(32_000_000_000), Just(1 << 53)]
            .prop_map(Value::from),
        (-1e30f64..1e30).prop_map(Value::from),
        odd_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z_]{0,12}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Strings a parser of hex, numbers and names may trip on.
pub fn odd_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "(0x)?[0-9a-fA-F]{0,200}",
        "[0-9]{0,90}(\\.[0-9]{0,40})?",
        "\\PC{0,40}",
        Just(String::new()),
        Just(" ".into()),
        Just("0x".into()),
        Just("é🦀\u{200b}ß".into()),
        Just("x".repeat(10_000)),
        Just("-1".into()),
        Just("18446744073709551616".into()),
    ]
}

fn raw_json() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e400".to_string()),
        Just("-1e400".to_string()),
        Just("18446744073709551616".to_string()),
        Just("-9223372036854775809".to_string()),
        Just(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
                .to_string()
        ),
        Just("0.0000001".to_string()),
        Just("-0".to_string()),
        Just("\"\\ud800\"".to_string()),
        Just("\"\\u0000\"".to_string()),
        (1usize..300).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        (1usize..300).prop_map(|depth| format!(
            "{}1{}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        )),
    ]
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    let edit = prop_oneof![
        // Empty and one-char strings are where `text[..1]`-style code breaks.
        prop_oneof![Just(0usize), Just(1), 0usize..120].prop_map(StringEdit::Truncate),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| StringEdit::Set(i, c)),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| StringEdit::Insert(i, c)),
        Just(StringEdit::TogglePrefix),
        Just(StringEdit::Double),
    ];
    let op = prop_oneof![
        3 => edit.prop_map(Op::Edit),
        2 => any_value().prop_map(Op::Replace),
        1 => raw_json().prop_map(Op::Raw),
        1 => Just(Op::Remove),
        1 => "[a-z_]{1,10}".prop_map(Op::Grow),
    ];
    (any::<usize>(), op).prop_map(|(at, op)| Mutation { at, op })
}

pub fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(i, bits)| TextEdit::FlipByte(i, bits)),
        any::<usize>().prop_map(TextEdit::Truncate),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| TextEdit::Insert(i, c)),
    ]
}

/// `seed` with one to four mutations, and text edits one time in four.
pub fn near(seed: Value) -> impl Strategy<Value = String> {
    let edits = prop_oneof![
        3 => Just(Vec::new()),
        1 => prop::collection::vec(text_edit(), 1..3),
    ];
    (prop::collection::vec(mutation(), 1..5), edits)
        .prop_map(move |(mutations, edits)| mutated(&seed, &mutations, &edits))
}

/// Applies `mutations` to `seed`, serialises it and applies `edits` to the text.
pub fn mutated(seed: &Value, mutations: &[Mutation], edits: &[TextEdit]) -> String {
    let mut value = seed.clone();
    let mut raws = Vec::new();
    for mutation in mutations {
        let count = node_count(&value);
        let mut counter = 0;
        visit(
            &mut value,
            mutation.at % count,
            &mut counter,
            &mutation.op,
            &mut raws,
        );
    }
    let mut text = value.to_string();
    // A raw mutation left a placeholder string; put the raw JSON in its place.
    for (i, raw) in raws.iter().enumerate() {
        text = text.replacen(&format!("\"{}\"", placeholder(i)), raw, 1);
    }
    edits.iter().fold(text, |text, edit| edit_text(&text, edit))
}

fn placeholder(i: usize) -> String {
    format!("@@raw{i}@@")
}

fn node_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(map) => map.values().map(node_count).sum(),
        _ => 0,
    }
}

/// Walks `value` in pre-order to node `target` and applies `op` there; a removal is done by
/// the parent, which is why children are checked before descending.
fn visit(
    value: &mut Value,
    target: usize,
    counter: &mut usize,
    op: &Op,
    raws: &mut Vec<String>,
) -> bool {
    if *counter == target {
        apply(value, op, raws);
        return true;
    }
    *counter += 1;
    match value {
        Value::Array(items) => {
            for i in 0..items.len() {
                if *counter == target && matches!(op, Op::Remove) {
                    items.remove(i);
                    return true;
                }
                if visit(&mut items[i], target, counter, op, raws) {
                    return true;
                }
            }
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if *counter == target && matches!(op, Op::Remove) {
                    map.remove(&key);
                    return true;
                }
                if visit(
                    map.get_mut(&key).expect("a key just listed"),
                    target,
                    counter,
                    op,
                    raws,
                ) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

fn apply(value: &mut Value, op: &Op, raws: &mut Vec<String>) {
    match op {
        Op::Replace(new) => *value = new.clone(),
        Op::Raw(raw) => {
            *value = Value::String(placeholder(raws.len()));
            raws.push(raw.clone());
        }
        // The root cannot leave its parent: it becomes nothing.
        Op::Remove => *value = Value::Null,
        Op::Grow(key) => match &mut *value {
            Value::Array(items) if !items.is_empty() => items.push(items[items.len() - 1].clone()),
            Value::Object(map) => {
                map.insert(key.clone(), Value::from(1));
            }
            other => *other = Value::Array(vec![other.clone(), other.clone()]),
        },
        Op::Edit(edit) => {
            let text = match &*value {
                Value::String(text) => text.clone(),
                // A number edited as text: "32000000000" becomes "3200000x000".
                other => other.to_string(),
            };
            *value = Value::String(edit_string(&text, edit));
        }
    }
}

fn edit_string(text: &str, edit: &StringEdit) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    match edit {
        StringEdit::Truncate(n) => chars.truncate(*n),
        StringEdit::Set(i, c) if !chars.is_empty() => {
            let at = i % chars.len();
            chars[at] = *c;
        }
        StringEdit::Set(_, c) => chars.push(*c),
        StringEdit::Insert(i, c) => chars.insert(i % (chars.len() + 1), *c),
        StringEdit::TogglePrefix => {
            return match text.strip_prefix("0x") {
                Some(rest) => rest.to_string(),
                None => format!("0x{text}"),
            };
        }
        StringEdit::Double => return format!("{text}{}", text.trim_start_matches("0x")),
    }
    chars.into_iter().collect()
}

fn edit_text(text: &str, edit: &TextEdit) -> String {
    let mut bytes = text.as_bytes().to_vec();
    match edit {
        TextEdit::FlipByte(i, bits) if !bytes.is_empty() => {
            let at = i % bytes.len();
            bytes[at] ^= bits;
        }
        TextEdit::FlipByte(..) => {}
        TextEdit::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
        TextEdit::Insert(i, c) => {
            let mut buffer = [0; 4];
            let at = i % (bytes.len() + 1);
            bytes.splice(at..at, c.encode_utf8(&mut buffer).bytes());
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mutator itself: mutations land where they say, raw JSON replaces its placeholder.
    #[test]
    fn mutations_do_what_they_say() {
        let seed = serde_json::json!({"a": "0xab", "b": [1, 2]});
        // Pre-order: 0 root, 1 "a", 2 "b", 3 1, 4 2.
        let removed = mutated(
            &seed,
            &[Mutation {
                at: 3,
                op: Op::Remove,
            }],
            &[],
        );
        assert_eq!(removed, r#"{"a":"0xab","b":[2]}"#);
        let raw = mutated(
            &seed,
            &[Mutation {
                at: 1,
                op: Op::Raw("1e400".into()),
            }],
            &[],
        );
        assert_eq!(raw, r#"{"a":1e400,"b":[1,2]}"#);
        let edited = mutated(
            &seed,
            &[Mutation {
                at: 1,
                op: Op::Edit(StringEdit::TogglePrefix),
            }],
            &[TextEdit::Truncate(5)],
        );
        assert_eq!(edited, r#"{"a":"#);
    }
}
