//! The values the port renders: what the `anyscale` CLI hands to `yaml.dump`, and their conversion
//! from JSON.

use serde_json::Value;

/// A value as the `anyscale` CLI hands it to `yaml.dump`.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlValue {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    /// A datetime with offset, already in Python's `isoformat(' ')` form, e.g. `2026-01-05 00:00:00+00:00`; PyYAML prints it plain (unquoted), as a YAML timestamp.
    Timestamp(String),
    List(Vec<YamlValue>),
    /// Keys in insertion order (sort_keys=False).
    Map(Vec<(String, YamlValue)>),
}

/// Converts a JSON value to the YAML value model, keeping key order.
pub fn yaml_value(value: &Value) -> YamlValue {
    match value {
        Value::Null => YamlValue::Null,
        Value::Bool(flag) => YamlValue::Bool(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => YamlValue::Int(integer),
            None => YamlValue::Str(number.to_string()),
        },
        Value::String(text) => YamlValue::Str(text.clone()),
        Value::Array(items) => YamlValue::List(items.iter().map(yaml_value).collect()),
        Value::Object(map) => YamlValue::Map(map.iter().map(|(key, item)| (key.clone(), yaml_value(item))).collect()),
    }
}
