//! Renders values exactly as PyYAML's `yaml.dump(value, sort_keys=False)` does (PyYAML 6 defaults).
//!
//! This is a faithful port of the parts of PyYAML's `Representer`, `Serializer`, `Resolver` and
//! `Emitter` that this value model can reach (default `Dumper`, `default_flow_style=False`,
//! `allow_unicode=False`, indent 2, width 80): block collections with the un-indented
//! `key:\n- item` sequence style, flow `[]`/`{}` for empty collections, the plain /
//! single-quoted / double-quoted scalar choice (including the implicit resolvers that force
//! quotes on `'true'`, `'1_000'`, `'2024-01-01'`, ...), PyYAML's escapes, line folding at width
//! 80, `? key` complex keys for empty, multi-line or long keys (123+ characters, since PyYAML
//! counts the unwritten `!!str` tag against its 128 limit), and the `...`
//! document end marker after a plain top-level scalar.
//!
//! Deliberately not reproduced, because the value model cannot express it: anchors and aliases
//! (PyYAML emits `&id001`/`*id001` only when one Python list or dict object appears twice),
//! floats, binary data, literal/folded block styles (never chosen by `yaml.dump` without
//! `default_style`), and duplicate keys (a Python dict cannot hold them; every entry given here is
//! printed in order).

mod chars;
mod emitter;
mod pattern;
mod resolver;
mod scalar;
#[cfg(test)]
mod tests;
mod value;

pub use value::{yaml_value, YamlValue};

use emitter::Emitter;

/// Returns the document as `yaml.dump(value, sort_keys=False)` prints it (it ends with a newline).
pub fn to_pyyaml_string(value: &YamlValue) -> String {
    let mut emitter = Emitter::default();
    emitter.emit_document(value);
    emitter.out
}
