//! A quick measure of how deeply a YAML text nests flow collections (`[` and `{`), taken before the
//! text is parsed. libyaml's scanner does work in proportion to the flow nesting for every token, so
//! 100,000 `[` take half a minute to be refused by the parser; this scan, linear, refuses them at once.
//!
//! The scan follows the scanner's rules for what it models (indentation, `- ` entries, `key:` values,
//! plain and quoted scalars, comments, flow collections, document markers). It needs to be right
//! only up to the parser's first error, since the parser reads nothing after it. Where a text uses
//! what the scan does not model (block scalars, anchors, aliases, tags, explicit keys, directives),
//! it stops measuring the depth and bounds instead the number of `[` and `{` that follow, which bounds
//! the depth too.

/// The deepest flow nesting accepted: the parser's own recursion limit, so that no text it would
/// accept is refused here.
pub const MAX_DEPTH: usize = 128;

/// The most `[` and `{` accepted after a construct the scan does not model; at this depth the parser
/// still refuses a text in a fraction of a second.
pub const MAX_UNMEASURED: usize = 10_000;

/// Where a text nests too deeply, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// The flow nesting passes [`MAX_DEPTH`] at this position.
    TooDeep { line: usize, column: usize },
    /// More than [`MAX_UNMEASURED`] `[` and `{` follow line `since`; the last one is at this position.
    TooMany { line: usize, column: usize, since: usize },
}

/// Checks that `text` nests flow collections no deeper than the parser accepts.
pub fn check(text: &str) -> Result<(), Nesting> {
    let mut scan = Scan::new(text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes());
    match scan.run() {
        Ok(()) | Err(Stop::ParserError) => Ok(()),
        Err(Stop::Unmodelled) => scan.count_the_rest(),
        Err(Stop::TooDeep) => Err(Nesting::TooDeep { line: scan.line + 1, column: scan.column + 1 }),
    }
}

/// Why the scan stopped before the end.
enum Stop {
    /// The parser stops here too, so nothing after matters.
    ParserError,
    /// A construct the scan does not model.
    Unmodelled,
    TooDeep,
}

struct Scan<'t> {
    bytes: &'t [u8],
    position: usize,
    /// 0-based line and column (in characters) of `position`.
    line: usize,
    column: usize,
    depth: usize,
    /// The block indentation levels, as the scanner keeps them (-1 at the top).
    indents: Vec<isize>,
    /// The column of the last scalar or outermost flow collection: a key, if `:` follows.
    token_column: usize,
    /// The indentation a line needs to continue the plain scalar the last line ended in.
    plain_continues_at: Option<isize>,
}

impl<'t> Scan<'t> {
    fn new(bytes: &'t [u8]) -> Scan<'t> {
        Scan {
            bytes,
            position: 0,
            line: 0,
            column: 0,
            depth: 0,
            indents: vec![-1],
            token_column: 0,
            plain_continues_at: None,
        }
    }

    fn run(&mut self) -> Result<(), Stop> {
        loop {
            let new_line = self.skip_to_token()?;
            if self.position >= self.bytes.len() {
                return Ok(());
            }
            match self.plain_continues_at.take() {
                Some(threshold) if new_line && self.continues_plain(threshold) => self.plain(threshold),
                _ => {
                    if new_line && self.depth == 0 {
                        self.start_block_line()?;
                    }
                    self.token()?;
                }
            }
        }
    }

    /// Counts the `[` and `{` from here on, refusing more than [`MAX_UNMEASURED`].
    fn count_the_rest(&mut self) -> Result<(), Nesting> {
        let since = self.line + 1;
        let mut count = self.depth;
        while let Some(byte) = self.peek(0) {
            if byte == b'[' || byte == b'{' {
                count += 1;
                if count > MAX_UNMEASURED {
                    return Err(Nesting::TooMany { line: self.line + 1, column: self.column + 1, since });
                }
            }
            self.advance();
        }
        Ok(())
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.position + offset).copied()
    }

    /// Returns the length of the line break at `position`, counting the three Unicode ones.
    fn line_break(&self) -> usize {
        self.line_break_at(self.position)
    }

    fn line_break_at(&self, at: usize) -> usize {
        let byte = |offset: usize| self.bytes.get(at + offset).copied();
        match (byte(0), byte(1), byte(2)) {
            (Some(b'\r'), Some(b'\n'), _) => 2,
            (Some(b'\r' | b'\n'), _, _) => 1,
            (Some(0xc2), Some(0x85), _) => 2,
            (Some(0xe2), Some(0x80), Some(0xa8 | 0xa9)) => 3,
            _ => 0,
        }
    }

    /// Returns true when the byte `offset` ahead is a blank, a line break or the end of the text.
    fn is_blank_or_end(&self, offset: usize) -> bool {
        match self.peek(offset) {
            None | Some(b' ' | b'\t') => true,
            Some(_) => self.line_break_at(self.position + offset) > 0,
        }
    }

    fn advance(&mut self) {
        let breaks = self.line_break();
        if breaks > 0 {
            self.position += breaks;
            self.line += 1;
            self.column = 0;
            return;
        }
        self.position += 1;
        // Continuation bytes of UTF-8 do not start a character.
        if self.peek(0).is_none_or(|byte| byte & 0xc0 != 0x80) {
            self.column += 1;
        }
    }

    /// Skips blanks, comments and line breaks; returns true when a line break was crossed.
    fn skip_to_token(&mut self) -> Result<bool, Stop> {
        let mut new_line = self.position == 0;
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t') => self.advance(),
                Some(b'#') => {
                    while self.peek(0).is_some() && self.line_break() == 0 {
                        self.advance();
                    }
                }
                Some(_) if self.line_break() > 0 => {
                    self.advance();
                    new_line = true;
                }
                _ => return Ok(new_line),
            }
        }
    }

    /// Returns true when the line a plain scalar's last line gave way to continues it.
    fn continues_plain(&self, threshold: isize) -> bool {
        let blocked = self.depth == 0 && (self.column as isize) < threshold;
        !blocked && self.peek(0) != Some(b'#') && !self.at_document_marker()
    }

    fn at_document_marker(&self) -> bool {
        let marker = self.bytes.get(self.position..self.position + 3);
        self.column == 0 && matches!(marker, Some(b"---" | b"...")) && self.is_blank_or_end(3)
    }

    /// Handles the first token of a line in block context: document markers, directives, and the
    /// indentation levels the line closes.
    fn start_block_line(&mut self) -> Result<(), Stop> {
        if self.at_document_marker() {
            self.indents.truncate(1);
            (0..3).for_each(|_| self.advance());
            let _ = self.skip_to_token()?;
            return Ok(());
        }
        if self.column == 0 && self.peek(0) == Some(b'%') {
            return Err(Stop::Unmodelled);
        }
        let column = self.column as isize;
        while self.indents.last().is_some_and(|&indent| indent > column) {
            self.indents.pop();
        }
        Ok(())
    }

    /// Opens a block collection at `column` when it is deeper than the current one.
    fn roll(&mut self, column: usize) {
        if self.indents.last().is_some_and(|&indent| indent < column as isize) {
            self.indents.push(column as isize);
        }
    }

    fn token(&mut self) -> Result<(), Stop> {
        let Some(byte) = self.peek(0) else { return Ok(()) };
        let in_flow = self.depth > 0;
        match byte {
            b'[' | b'{' => {
                if !in_flow {
                    self.token_column = self.column;
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(Stop::TooDeep);
                }
                self.advance();
            }
            b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                self.advance();
            }
            b',' => self.advance(),
            b'-' if self.is_blank_or_end(1) => {
                if !in_flow {
                    self.roll(self.column);
                }
                self.advance();
            }
            b':' if in_flow || self.is_blank_or_end(1) => {
                if !in_flow {
                    self.roll(self.token_column);
                }
                self.advance();
            }
            b'?' if in_flow || self.is_blank_or_end(1) => return Err(Stop::Unmodelled),
            b'*' | b'&' | b'!' => return Err(Stop::Unmodelled),
            b'|' | b'>' if !in_flow => return Err(Stop::Unmodelled),
            b'\'' | b'"' => {
                if !in_flow {
                    self.token_column = self.column;
                }
                self.quoted(byte);
            }
            b'%' | b'@' | b'`' | b'|' | b'>' => return Err(Stop::ParserError),
            _ => {
                if !in_flow {
                    self.token_column = self.column;
                }
                let threshold = self.indents.last().copied().unwrap_or(-1) + 1;
                self.plain(threshold);
            }
        }
        Ok(())
    }

    /// Skips a quoted scalar, which may span lines; `''` and `\"` do not close it.
    fn quoted(&mut self, quote: u8) {
        self.advance();
        while let Some(byte) = self.peek(0) {
            if quote == b'"' && byte == b'\\' {
                self.advance();
                self.advance();
                continue;
            }
            if byte == quote {
                self.advance();
                if quote == b'\'' && self.peek(0) == Some(b'\'') {
                    self.advance();
                    continue;
                }
                return;
            }
            self.advance();
        }
    }

    /// Skips the rest of a plain scalar's line; when the line ends inside it, the next line may
    /// continue it (`threshold` is the indentation that takes, in block context).
    fn plain(&mut self, threshold: isize) {
        let in_flow = self.depth > 0;
        while let Some(byte) = self.peek(0) {
            if self.line_break() > 0 {
                self.plain_continues_at = Some(threshold);
                return;
            }
            match byte {
                b' ' | b'\t' => {
                    while matches!(self.peek(0), Some(b' ' | b'\t')) {
                        self.advance();
                    }
                    if self.peek(0) == Some(b'#') {
                        return;
                    }
                    continue;
                }
                b':' if self.is_blank_or_end(1) => return,
                b':' if in_flow && matches!(self.peek(1), Some(b',' | b'?' | b'[' | b']' | b'{' | b'}')) => return,
                b',' | b'[' | b']' | b'{' | b'}' if in_flow => return,
                _ => self.advance(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: &str = "create_users:
  - name: O'Brien [the first]
    email: a@x.com # a comment with [[[ and '
    password: \"p[[[\\\"\"
    is_sso_user: false
  - {name: N, email: 'b@x.com', password: null, is_sso_user: true}
";

    fn nested(depth: usize) -> String {
        format!("create_users: {}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn ordinary_files_pass() {
        assert_eq!(check(USERS), Ok(()));
        assert_eq!(check(&nested(MAX_DEPTH)), Ok(()));
        assert_eq!(check(&"- {a: [1, {b: c}]}\n".repeat(50_000)), Ok(()));
    }

    #[test]
    fn deep_flow_nesting_is_refused_where_it_passes_the_limit() {
        assert_eq!(check(&nested(100_000)), Err(Nesting::TooDeep { line: 1, column: 15 + MAX_DEPTH }));
        let braces = format!("create_users:\n  - {}", "{a: ".repeat(50_000));
        assert_eq!(check(&braces), Err(Nesting::TooDeep { line: 2, column: 5 + 4 * MAX_DEPTH }));
        let lines = format!("create_users:\n{}", "[\n".repeat(1000));
        assert_eq!(check(&lines), Err(Nesting::TooDeep { line: 2 + MAX_DEPTH, column: 1 }));
    }

    #[test]
    fn text_that_only_looks_like_nesting_is_not_counted() {
        let quoted = format!("name: '{}'\ntitle: \"{}\"\n", "[".repeat(1000), "{".repeat(1000));
        assert_eq!(check(&quoted), Ok(()));
        let plain = format!("name: a {}\nnote: b\n  {}\n", "[".repeat(1000), "[".repeat(1000));
        assert_eq!(check(&plain), Ok(()), "a plain scalar and its continuation line hold text");
        let comment = format!("a: 1 # {}\n", "[".repeat(1000));
        assert_eq!(check(&comment), Ok(()));
    }

    #[test]
    fn quotes_inside_plain_scalars_do_not_hide_nesting() {
        let attacks = [
            format!("k: a [ 'x\nj: {}\n'", "[".repeat(1000)),
            format!("k: a\n  'x\n{}: v\n'", "[".repeat(1000)),
            format!("[a\n'b\n{}", "[".repeat(1000)),
            format!("k: a\u{2028}{}", "[".repeat(1000)),
        ];
        for attack in attacks {
            assert!(matches!(check(&attack), Err(Nesting::TooDeep { .. })), "{:?}", &attack[..20]);
        }
    }

    #[test]
    fn after_an_unmodelled_construct_the_brackets_are_counted() {
        let block = format!("title: |\n  text\nk: {}", "[".repeat(MAX_UNMEASURED + 1));
        assert!(matches!(check(&block), Err(Nesting::TooMany { since: 1, .. })), "{:?}", check(&block));
        let anchored = format!("a: &x [1]\nb: *x\n{}", "- {k: v}\n".repeat(100));
        assert_eq!(check(&anchored), Ok(()));
    }

    /// Returns `text` with a few characters that matter to YAML inserted or replaced at random.
    fn mutate(text: &str, random: &mut crate::synth::SplitMix64) -> String {
        const PIECES: [&str; 22] = [
            "[", "]", "{", "}", "'", "\"", "#", ": ", "- ", ",", "\n", "\n  ", " ", "|", "&a ", "*a", "!t ", "? ",
            "---\n", "\\", "[[[[", "\u{2028}",
        ];
        let mut characters: Vec<String> = text.chars().map(String::from).collect();
        for _ in 0..1 + random.below(4) {
            let at = random.below(characters.len() + 1);
            let piece = PIECES[random.below(PIECES.len())].to_owned();
            if random.chance(0.5) && at < characters.len() {
                characters[at] = piece;
            } else {
                characters.insert(at, piece);
            }
        }
        characters.concat()
    }

    #[test]
    fn no_text_the_parser_accepts_is_refused() {
        let mut random = crate::synth::SplitMix64::new(7);
        let mut accepted = 0;
        let deep = format!("- {}x{}\n- {{a: 'b'}}\n", "[".repeat(124), "]".repeat(124));
        for case in 0..3000 {
            let text = mutate(if case % 2 == 0 { USERS } else { &deep }, &mut random);
            if serde_norway::from_str::<serde_norway::Value>(&text).is_ok() {
                accepted += 1;
                assert_eq!(check(&text), Ok(()), "{text}");
            }
        }
        assert!(accepted > 300, "enough mutants parse to mean something: {accepted}");
    }
}
