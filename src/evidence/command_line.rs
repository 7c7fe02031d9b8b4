//! The command line as a manifest records it: the program named `permaudit` (its path could name the
//! person who ran it), the value of every option that carries a secret replaced, and in a redacted
//! report every argument that names a person (or, with `resources`, a resource) replaced by its
//! pseudonym. Key files are named by their paths, which hold no secret.

use crate::redact::{Named, Redactor};
use crate::untrusted::REDACTED;

/// Options whose value is a secret, by a part of their name.
const SECRET_WORDS: [&str; 3] = ["token", "password", "secret"];

/// Options whose value names something a redaction may hide, and what it names.
const NAMING_OPTIONS: [(&str, Named); 8] = [
    ("--user", Named::Member),
    ("--user-id", Named::Member),
    ("--id", Named::Member),
    ("--email", Named::Member),
    ("--name", Named::MemberName),
    ("--cloud", Named::Cloud),
    ("--project", Named::Project),
    ("--group", Named::Group),
];

/// Returns `arguments` (the program first) as the manifest records them.
pub fn sanitize(arguments: &[String], redactor: Option<&Redactor>) -> Vec<String> {
    let mut sanitized = Vec::with_capacity(arguments.len());
    let mut pending: Option<Treatment> = None;
    for (position, argument) in arguments.iter().enumerate() {
        if position == 0 {
            sanitized.push("permaudit".to_owned());
            continue;
        }
        if let Some(treatment) = pending.take() {
            sanitized.push(treatment.apply(argument, redactor));
            continue;
        }
        match argument.split_once('=') {
            Some((option, value)) if option.starts_with("--") => match treatment_of(option) {
                Some(treatment) => sanitized.push(format!("{option}={}", treatment.apply(value, redactor))),
                None => sanitized.push(argument.clone()),
            },
            _ => {
                pending = if argument.starts_with("--") { treatment_of(argument) } else { None };
                sanitized.push(argument.clone());
            }
        }
    }
    sanitized
}

/// What happens to an option's value.
#[derive(Clone, Copy)]
enum Treatment {
    Secret,
    Names(Named),
}

impl Treatment {
    fn apply(self, value: &str, redactor: Option<&Redactor>) -> String {
        match (self, redactor) {
            (Treatment::Secret, _) => REDACTED.to_owned(),
            (Treatment::Names(named), Some(redactor)) => redactor.argument(value, named),
            (Treatment::Names(_), None) => value.to_owned(),
        }
    }
}

fn treatment_of(option: &str) -> Option<Treatment> {
    let lowered = option.to_ascii_lowercase();
    if SECRET_WORDS.iter().any(|word| lowered.contains(word)) {
        return Some(Treatment::Secret);
    }
    NAMING_OPTIONS.iter().find(|(name, _)| *name == option).map(|&(_, named)| Treatment::Names(named))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::{RedactKey, RedactKinds};

    fn line(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn secrets_are_removed_and_key_files_keep_their_paths() {
        let sanitized = sanitize(
            &line(
                "/home/ann/.cargo/bin/permaudit serve --token sss_1 --org o.json --password=hunter2 --sign-key k.key",
            ),
            None,
        );
        assert_eq!(
            sanitized,
            line("permaudit serve --token <redacted> --org o.json --password=<redacted> --sign-key k.key")
        );
        let kept = line("permaudit report --redact-key-file r.key --user alice@example.com");
        assert_eq!(sanitize(&kept, None), kept, "without redaction, people stay named");
    }

    #[test]
    fn a_redacted_command_line_names_pseudonyms() {
        let key = RedactKey::from_bytes(vec![9; 32], "test").unwrap();
        let redactor = Redactor::new(&key, RedactKinds::PEOPLE);
        let sanitized = sanitize(
            &line("permaudit explain --user alice@example.com --cloud prod --user-id=usr_bob"),
            Some(&redactor),
        );
        let expected = format!(
            "permaudit explain --user {} --cloud prod --user-id={}",
            redactor.email("alice@example.com"),
            redactor.id("usr_bob")
        );
        assert_eq!(sanitized.join(" "), expected);
    }
}
