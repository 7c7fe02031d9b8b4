//! Checks the port against rich: golden tables, and a differential test against the real library on
//! generated tables.

use super::cells::cell_len;
use super::*;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// Renders every case with rich in one interpreter: JSON list of cases in, JSON list of results out.
const RICH_SCRIPT: &str = r#"
import io, json, sys
from rich.console import Console
from rich.errors import MarkupError
from rich.table import Table

def render(case):
    console = Console(width=case["width"], file=io.StringIO(), force_terminal=False, color_system=None)
    if "page" in case:
        console.print(f"[dim]Page {case['page']}[/dim]")
    else:
        table = Table(show_header=case["show_header"], expand=True)
        for header, ratio, min_width in case["columns"]:
            table.add_column(header, no_wrap=False, overflow="fold", ratio=ratio, min_width=min_width)
        for row in case["rows"]:
            table.add_row(*row)
        console.print(table)
    return console.file.getvalue()

results = []
for case in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    try:
        results.append({"ok": render(case)})
    except MarkupError as error:
        results.append({"err": str(error)})
sys.stdout.buffer.write(json.dumps(results).encode("ascii"))
"#;

/// Cell values shaped like the CLI's data, plus the awkward cases rich handles specially.
const CORPUS: &[&str] = &[
    "someone@myorg.com",
    "first.last+filter@example-company.co.uk",
    "averyveryverylongemailaddressthatkeepsgoing@subdomain.example-company.com",
    "Some One",
    "Jean-Luc Picard",
    "A very long display name with many short words in it",
    "  leading spaces",
    "trailing spaces   ",
    "inner    spaces",
    "tab\tseparated\tvalues",
    "two\nlines",
    "",
    "",
    "Zoë Ångström",
    "José Müller-Lüdenscheidt",
    "名前 テスト",
    "山田太郎",
    "김철수",
    "中文名字很长很长很长很长很长很长很长很长很长",
    "mixed中文abc文字def",
    "ＡＢＣ１２３ fullwidth",
    "emoji 😀 face",
    "family 👨\u{200d}👩\u{200d}👧 here",
    "heart ❤\u{fe0f} ok",
    "combining e\u{301}e\u{301}",
    "zero\u{200b}width",
    "no\u{a0}break\u{a0}space",
    "東京\u{3000}大阪",
    "usr_abc123",
    "usr_0123456789abcdefghijklmnopqrstuvwxyz0123456789",
    "owner",
    "collaborator",
    "readonly",
    "2024-03-01 09:30",
    "1999-12-31 23:59",
    "[bot] deployer",
    "a \\[b] c",
    "[bold]Bold[/bold] name",
    "[link=https://example.com]site[/link]",
    "bell\u{7}char",
    "cr\r\nlf",
];

/// Characters for random cells (no `:`, which would invite emoji codes).
const POOL: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'x', 'y', 'z', 'A', 'Q', '0', '7', '-', '_', '.', '@', ' ', ' ', ' ', 'é', 'ß', '中',
    '文', 'テ', '한', '😀', '\u{301}', '\u{200b}', '\u{3000}', '\t', '[', ']', '(', '\\',
];

/// A deterministic SplitMix64 generator, so every run sees the same tables.
struct Rng(u64);

impl Rng {
    /// Returns the next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Returns a number in `low..=high`.
    fn range(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    /// Returns true with the given percentage.
    fn chance(&mut self, percent: usize) -> bool {
        self.range(1, 100) <= percent
    }
}

/// One rendering to compare with rich.
enum Case {
    Table { columns: Vec<Column>, rows: Vec<Vec<String>>, show_header: bool, width: usize },
    Page { page: usize, width: usize },
}

impl Case {
    /// Describes the case for the Python side.
    fn to_json(&self) -> Value {
        match self {
            Case::Table { columns, rows, show_header, width } => json!({
                "columns": columns.iter().map(|c| json!([c.header, c.ratio, c.min_width])).collect::<Vec<_>>(),
                "rows": rows,
                "show_header": show_header,
                "width": width,
            }),
            Case::Page { page, width } => json!({ "page": page, "width": width }),
        }
    }

    /// Renders the case with this module, errors as rich's message.
    fn render(&self) -> Result<String, String> {
        match self {
            Case::Table { columns, rows, show_header, width } => {
                try_render(columns, rows, *show_header, *width).map_err(|error| error.0)
            }
            Case::Page { page, width } => Ok(page_marker(*page, *width)),
        }
    }
}

/// The five columns of `anyscale user list`.
fn user_columns() -> Vec<Column> {
    [("EMAIL", 3, 20), ("NAME", 2, 12), ("ID", 2, 12), ("ROLE", 1, 10), ("CREATED AT", 1, 14)]
        .iter()
        .map(|(header, ratio, min_width)| Column { header: header.to_string(), ratio: *ratio, min_width: *min_width })
        .collect()
}

/// Builds a cell from the corpus, from random characters, or (rarely) with broken markup.
fn random_cell(rng: &mut Rng) -> String {
    if rng.chance(1) {
        return "x [/] y".to_string();
    }
    if rng.chance(70) {
        return CORPUS[rng.range(0, CORPUS.len() - 1)].to_string();
    }
    (0..rng.range(0, 50)).map(|_| POOL[rng.range(0, POOL.len() - 1)]).collect()
}

/// Builds a column set: mostly the CLI's, sometimes random ratios and minimums.
fn random_columns(rng: &mut Rng) -> Vec<Column> {
    if rng.chance(75) {
        return user_columns();
    }
    let headers = ["EMAIL", "NAME", "ID", "ROLE", "CREATED AT", "X", "名前", "A LONG HEADER TITLE"];
    (0..rng.range(1, 6))
        .map(|_| Column {
            header: headers[rng.range(0, headers.len() - 1)].to_string(),
            ratio: rng.range(0, 3),
            min_width: rng.range(0, 24),
        })
        .collect()
}

/// Builds `count` random cases from a fixed seed.
fn random_cases(count: usize) -> Vec<Case> {
    let mut rng = Rng(0x5eed_7ab1);
    (0..count)
        .map(|_| {
            if rng.chance(8) {
                return Case::Page { page: rng.range(1, 200_000), width: rng.range(0, 12) };
            }
            let columns = random_columns(&mut rng);
            let rows =
                (0..rng.range(0, 6)).map(|_| (0..columns.len()).map(|_| random_cell(&mut rng)).collect()).collect();
            let width = if rng.chance(85) { rng.range(40, 200) } else { rng.range(0, 39) };
            Case::Table { columns, rows, show_header: rng.chance(75), width }
        })
        .collect()
}

/// Renders all cases with rich; fails when the interpreter or rich is missing.
fn run_rich(cases: &[Case]) -> Vec<Result<String, String>> {
    let python = std::env::var("PERMAUDIT_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let mut child = Command::new(&python)
        .args(["-c", RICH_SCRIPT])
        .env_remove("UNICODE_VERSION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {python} (set PERMAUDIT_PYTHON): {error}"));
    let input = Value::Array(cases.iter().map(Case::to_json).collect()).to_string();
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write cases");
    let output = child.wait_with_output().expect("wait for python");
    assert!(output.status.success(), "rich failed: {}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).expect("rich output is JSON");
    results
        .into_iter()
        .map(|result| match (result.get("ok"), result.get("err")) {
            (Some(Value::String(text)), _) => Ok(text.clone()),
            (_, Some(Value::String(message))) => Err(message.clone()),
            _ => panic!("unexpected result {result}"),
        })
        .collect()
}

#[test]
fn matches_rich_on_random_tables() {
    let cases = random_cases(400);
    let expected = run_rich(&cases);
    assert_eq!(expected.len(), cases.len());
    let failures: Vec<String> = cases
        .iter()
        .zip(&expected)
        .filter(|(case, want)| case.render() != **want)
        .map(|(case, want)| format!("{}\nrich:\n{want:?}\nours:\n{:?}", case.to_json(), case.render()))
        .collect();
    assert!(failures.is_empty(), "{} of {} differ; first:\n{}", failures.len(), cases.len(), failures[0]);
}

/// The sample rows used by the golden cases.
fn sample_rows() -> Vec<Vec<String>> {
    let rows = [
        ["someone@myorg.com", "Some One", "usr_abc123", "collaborator", "2024-03-01 09:30"],
        ["averyveryverylongemailaddress@example-company.com", "名前 テスト", "usr_0123456789abcdef", "owner", ""],
    ];
    rows.iter().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
}

#[test]
fn renders_the_user_list_at_80_columns() {
    let expected = "\
┏━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓
┃                         ┃                 ┃                ┃        ┃ CREATE ┃
┃ EMAIL                   ┃ NAME            ┃ ID             ┃ ROLE   ┃ D AT   ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩
│ someone@myorg.com       │ Some One        │ usr_abc123     │ collab │ 2024-0 │
│                         │                 │                │ orator │ 3-01   │
│                         │                 │                │        │ 09:30  │
│ averyveryverylongemaila │ 名前 テスト     │ usr_0123456789 │ owner  │        │
│ ddress@example-company. │                 │ abcdef         │        │        │
│ com                     │                 │                │        │        │
└─────────────────────────┴─────────────────┴────────────────┴────────┴────────┘
";
    assert_eq!(render(&user_columns(), &sample_rows(), true, 80), expected);
}

#[test]
fn renders_without_header_using_the_square_box() {
    let expected = "\
┌──────────────────┬────────────┬────────────┬──────┬──────┐
│ someone@myorg.co │ Some One   │ usr_abc123 │ coll │ 2024 │
│ m                │            │            │ abor │ -03- │
│                  │            │            │ ator │ 01   │
│                  │            │            │      │ 09:3 │
│                  │            │            │      │ 0    │
└──────────────────┴────────────┴────────────┴──────┴──────┘
";
    assert_eq!(render(&user_columns(), &sample_rows()[..1], false, 60), expected);
}

#[test]
fn renders_empty_tables() {
    let with_header = "\
┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━┓
┃                  ┃            ┃            ┃      ┃ CREA ┃
┃                  ┃            ┃            ┃      ┃ TED  ┃
┃ EMAIL            ┃ NAME       ┃ ID         ┃ ROLE ┃ AT   ┃
┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━┩
└──────────────────┴────────────┴────────────┴──────┴──────┘
";
    let without_header = "\
┌──────────────────┬────────────┬────────────┬──────┬──────┐
└──────────────────┴────────────┴────────────┴──────┴──────┘
";
    assert_eq!(render(&user_columns(), &[], true, 60), with_header);
    assert_eq!(render(&user_columns(), &[], false, 60), without_header);
}

#[test]
fn crops_to_a_narrow_console() {
    let expected = "┏━━━━━━━━━━━\n┃ EMAIL     \n┡━━━━━━━━━━━\n│ someone@my\n│           \n└───────────\n";
    assert_eq!(render(&user_columns(), &sample_rows()[..1], true, 12), expected);
    assert_eq!(render(&user_columns(), &sample_rows(), true, 0), "");
}

#[test]
fn prints_page_markers_without_markup() {
    assert_eq!(page_marker(2, 80), "Page 2\n");
    assert_eq!(page_marker(12, 3), "Pag\ne \n12\n");
    assert_eq!(page_marker(7, 0), "");
}

#[test]
fn reports_markup_errors_like_rich() {
    let rows = vec![vec!["x [/] y".to_string()]];
    let columns = vec![Column { header: "A".to_string(), ratio: 1, min_width: 0 }];
    let error = try_render(&columns, &rows, true, 30).expect_err("unmatched closing tag");
    assert_eq!(error.0, "closing tag '[/]' at position 2 has nothing to close");
    assert!(render(&columns, &rows, true, 30).contains("│ x [/] y"));
    let rows = vec![vec!["x [/foo] y".to_string()]];
    let error = try_render(&columns, &rows, true, 30).expect_err("unmatched named tag");
    assert_eq!(error.0, "closing tag '[/foo]' at position 2 doesn't match any open tag");
}

#[test]
fn picks_the_console_width_like_rich() {
    assert_eq!(console_width_with(None, None), 80);
    assert_eq!(console_width_with(Some("132"), None), 132);
    assert_eq!(console_width_with(Some("70"), Some(100)), 70);
    assert_eq!(console_width_with(Some("0"), Some(100)), 0);
    assert_eq!(console_width_with(Some(" 90"), None), 80);
    assert_eq!(console_width_with(Some("abc"), Some(100)), 100);
    assert_eq!(console_width_with(Some(""), Some(0)), 80);
}

#[test]
fn measures_cells_like_rich() {
    let width = |text: &str| cell_len(&text.chars().collect::<Vec<_>>());
    assert_eq!(width("abc"), 3);
    assert_eq!(width("名前"), 4);
    assert_eq!(width("e\u{301}"), 1);
    assert_eq!(width("❤\u{fe0f}"), 2);
    assert_eq!(width("👨\u{200d}👩\u{200d}👧"), 2);
    assert_eq!(width("a\u{7}\u{85}b"), 2);
}
