//! Renderings of the engine's result: the list-permissions document (JSON as the official CLI prints
//! it, and YAML), and the audit reports built on one set of facts: CSV, HTML, explanations and the
//! one-person offboarding review.

pub mod bundle;
pub mod csv;
pub mod explain;
pub mod facts;
pub mod html;
pub mod offboarding;
pub mod permissions;
pub mod pyjson;
pub mod pyyaml;
pub mod richtable;
pub mod summary;
pub mod whatif;

use pyyaml::YamlValue;
use serde_json::Value;

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
