//! Byte-for-byte emulations of Python libraries, for output identical to the official `anyscale` CLI:
//! Python's `json.dumps` ([`pyjson`]), PyYAML's `yaml.dump` ([`pyyaml`]) and rich's `Table`
//! ([`richtable`]).
//!
//! These are leaves: they know nothing of the permission model or the reports, and take only plain
//! values (serde values, [`pyyaml::YamlValue`], strings).

pub mod pyjson;
pub mod pyyaml;
pub mod richtable;
