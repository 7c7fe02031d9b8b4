//! The command line itself: completion scripts and manual pages generated for every command, every
//! `--help` ending with examples and exit codes, the `--org` help, and the wording of common errors.

use crate::support::{demo_org, permaudit, stderr, stdout};
use clap::CommandFactory;
use permaudit::cli::Cli;

/// Returns every command's path under `permaudit` (`["report"]`, `["user", "list"]`, ...), without
/// clap's own `help`.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], paths: &mut Vec<Vec<String>>) {
        for subcommand in command.get_subcommands().filter(|subcommand| subcommand.get_name() != "help") {
            let path: Vec<String> = [prefix, &[subcommand.get_name().to_owned()]].concat();
            paths.push(path.clone());
            walk(subcommand, &path, paths);
        }
    }
    let mut paths = Vec::new();
    walk(&Cli::command(), &[], &mut paths);
    paths
}

fn find<'c>(root: &'c clap::Command, path: &[String]) -> &'c clap::Command {
    path.iter().fold(root, |command, name| command.find_subcommand(name).unwrap())
}

#[test]
fn every_command_is_known_to_the_tests() {
    let names: Vec<String> = command_paths().iter().map(|path| path.join(" ")).collect();
    for expected in ["user", "user batch-create", "user list", "user get", "user list-permissions", "collect"] {
        assert!(names.contains(&expected.to_owned()), "{expected} in {names:?}");
    }
    for expected in ["report", "explain", "generate", "serve", "completions", "man"] {
        assert!(names.contains(&expected.to_owned()), "{expected} in {names:?}");
    }
}

#[test]
fn completion_scripts_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let output = permaudit(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(script.len() > 1000, "{shell}: a whole script");
        for path in command_paths() {
            let name = path.last().unwrap();
            assert!(script.contains(name.as_str()), "the {shell} script completes `{}`", path.join(" "));
        }
        for option in ["org", "out-dir", "user-id", "fail-on-anomalies", "collaborator-type"] {
            let spelled = if shell == "fish" { format!("-l {option}") } else { format!("--{option}") };
            assert!(script.contains(&spelled), "the {shell} script completes --{option}");
        }
    }
    let unknown = permaudit(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_manual_page_lists_every_command() {
    let output = permaudit(&["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.starts_with(".ie") && page.contains(".TH permaudit 1"), "a roff page: {page}");
    for path in command_paths().iter().filter(|path| path.len() == 1) {
        let reference = format!("permaudit\\-{}(1)", path[0].replace('-', "\\-"));
        assert!(page.contains(&reference), "the page lists {reference}");
    }
    assert!(page.contains("Exit codes:"), "the page ends with the exit codes");
}

#[test]
fn man_writes_one_page_per_command() {
    let directory = tempfile::tempdir().unwrap();
    let pages = directory.path().join("man1");
    let output = permaudit(&["man", "--out-dir", pages.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(pages.join("permaudit.1").is_file());
    for path in command_paths() {
        let file = pages.join(format!("permaudit-{}.1", path.join("-")));
        let page = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("{} is written", file.display()));
        assert!(page.contains(".SH SYNOPSIS"), "{}", file.display());
        assert!(page.contains("Exit codes:"), "{} has the exit codes", file.display());
    }
}

#[test]
fn every_help_ends_with_examples_and_exit_codes() {
    let mut root = Cli::command();
    root.build();
    let mut paths = command_paths();
    paths.push(Vec::new());
    for path in paths {
        let help = find(&root, &path).clone().render_help().to_string();
        let name = format!("permaudit {}", path.join(" "));
        let examples = help.find("Examples:").unwrap_or_else(|| panic!("{name} --help has examples:\n{help}"));
        let codes = help.find("Exit codes:").unwrap_or_else(|| panic!("{name} --help has exit codes:\n{help}"));
        assert!(examples < codes, "{name}: examples, then exit codes");
        assert!(help[examples..].contains(&format!("permaudit {}", path.join(" "))), "{name}: an example runs it");
        for code in ["0  ", "2  command-line usage error"] {
            assert!(help[codes..].contains(code), "{name} --help lists exit code {code:?}");
        }
        let longest = help[examples..].lines().map(|line| line.chars().count()).max().unwrap_or(0);
        assert!(longest <= 100, "{name}: the examples fit a terminal ({longest} columns)");
    }
}

#[test]
fn every_org_option_says_that_leaving_it_out_reads_live() {
    let root = Cli::command();
    let mut checked = 0;
    for path in command_paths() {
        let command = find(&root, &path);
        let Some(org) = command.get_arguments().find(|argument| argument.get_id() == "org") else { continue };
        let help = org.get_help().map(ToString::to_string).unwrap_or_default();
        if path == ["serve"] {
            assert!(org.is_required_set(), "serve always serves a file");
            continue;
        }
        assert!(
            help.contains("without it") && help.contains("live") && help.contains("ANYSCALE_CLI_TOKEN"),
            "{path:?}: {help}"
        );
        checked += 1;
    }
    assert!(checked >= 6, "report, explain and the four user commands ({checked})");
}

#[test]
fn user_help_lists_batch_create() {
    let output = permaudit(&["user", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    let commands = &help[help.find("Commands:").unwrap()..help.find("Options:").unwrap()];
    for command in ["batch-create", "list", "get", "list-permissions"] {
        assert!(commands.contains(&format!("  {command} ")), "{command} in\n{commands}");
    }
}

#[test]
fn a_missing_file_names_the_system_error_once() {
    let output = permaudit(&["report", "--org", "/nonexistent/org.json", "--out-dir", "/tmp/never-written"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.matches("No such file or directory").count(), 1, "{message}");
    assert!(message.starts_with("Error: cannot read snapshot `/nonexistent/org.json`"), "{message}");
}

#[test]
fn a_file_that_is_not_json_is_not_called_truncated() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("users.yaml");
    std::fs::write(&path, "create_users:\n  - name: Ada\n").unwrap();
    let output = permaudit(&["explain", "--org", path.to_str().unwrap(), "--user", "ada"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("is not JSON") && message.contains("line 1 column 1"), "{message}");
    assert!(!message.contains("truncated"), "{message}");
    let cut = directory.path().join("cut.json");
    let text = std::fs::read_to_string(demo_org()).unwrap();
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let output = permaudit(&["explain", "--org", cut.to_str().unwrap(), "--user", "usr_alice"]);
    let message = stderr(&output);
    assert!(message.contains("ends before the JSON does") && message.contains("truncated"), "{message}");
}

#[test]
fn writing_into_a_missing_folder_names_the_folder() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("missing/dir/org.json");
    let output = permaudit(
        &["generate", "--members", "3", "--groups", "1", "--clouds", "1", "--projects", "1"]
            .into_iter()
            .chain(["--grants", "3", "--out", out.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    let folder = directory.path().join("missing/dir");
    assert!(message.contains(&format!("folder `{}` does not exist", folder.display())), "{message}");
    assert!(!message.contains(".permaudit-"), "no temporary file: {message}");
    assert_eq!(message.matches("No such file").count(), 0, "{message}");
}

#[test]
fn counts_agree_with_their_nouns() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("one.json");
    let generated = permaudit(
        &["generate", "--members", "1", "--groups", "1", "--group-size", "1", "--clouds", "1"]
            .into_iter()
            .chain(["--projects", "1", "--grants", "1", "--out", org.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let report = directory.path().join("report");
    let output = permaudit(&["report", "--org", org.to_str().unwrap(), "--out-dir", report.to_str().unwrap()]);
    let anomalies = std::fs::read_to_string(report.join("anomalies.csv")).unwrap().lines().count() - 1;
    let message = stderr(&output);
    if anomalies == 1 {
        assert!(message.contains("1 anomaly in the report"), "{message}");
    }
    let output = permaudit(&["user", "list-permissions", "--org", demo_org().to_str().unwrap()]);
    let message = stderr(&output);
    assert!(
        !message.contains(" 1 anomalies") && !message.contains("(1 members") && !message.contains(" 1 grants"),
        "{message}"
    );
    for (count, noun, words) in [(1, ("cloud", "clouds"), "1 cloud"), (2, ("cloud", "clouds"), "2 clouds")] {
        assert_eq!(permaudit::plural::count(count, noun.0, noun.1), words);
    }
}
