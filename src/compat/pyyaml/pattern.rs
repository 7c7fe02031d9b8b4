//! A tiny regular-expression engine for the resolver's patterns: a pattern tree, its builders, and a
//! matcher that tracks sets of positions, with the semantics of Python's `re.match('^(?:pat)$', text)`.

/// A tiny regular-expression tree, just enough to express the resolver's patterns exactly.
#[derive(Debug, Clone)]
pub(super) enum Pat {
    Lit(&'static str),
    Class(fn(char) -> bool),
    Seq(Vec<Pat>),
    Alt(Vec<Pat>),
    Opt(Box<Pat>),
    Star(Box<Pat>),
    Plus(Box<Pat>),
}

/// Builds a literal pattern.
pub(super) fn lit(s: &'static str) -> Pat {
    Pat::Lit(s)
}

/// Builds a one-character class pattern.
pub(super) fn class(f: fn(char) -> bool) -> Pat {
    Pat::Class(f)
}

/// Builds a concatenation.
pub(super) fn seq<const N: usize>(parts: [Pat; N]) -> Pat {
    Pat::Seq(parts.into())
}

/// Builds an alternation.
pub(super) fn alt<const N: usize>(parts: [Pat; N]) -> Pat {
    Pat::Alt(parts.into())
}

/// Builds `p?`.
pub(super) fn opt(p: Pat) -> Pat {
    Pat::Opt(Box::new(p))
}

/// Builds `p*`.
pub(super) fn star(p: Pat) -> Pat {
    Pat::Star(Box::new(p))
}

/// Builds `p+`.
pub(super) fn plus(p: Pat) -> Pat {
    Pat::Plus(Box::new(p))
}

/// Builds an alternation of literals.
pub(super) fn words(list: &[&'static str]) -> Pat {
    Pat::Alt(list.iter().map(|w| lit(w)).collect())
}

/// Returns every end position reachable by matching `pat` from any marked start position.
///
/// Tracking sets of positions (rather than backtracking) gives exact regex semantics for
/// these backreference-free patterns.
fn step(pat: &Pat, text: &[char], starts: &[bool]) -> Vec<bool> {
    let mut ends = vec![false; starts.len()];
    match pat {
        Pat::Lit(s) => {
            let want: Vec<char> = s.chars().collect();
            for (i, _) in starts.iter().enumerate().filter(|(_, &on)| on) {
                if text.get(i..i + want.len()) == Some(&want[..]) {
                    ends[i + want.len()] = true;
                }
            }
        }
        Pat::Class(f) => {
            for (i, _) in starts.iter().enumerate().filter(|(_, &on)| on) {
                if text.get(i).is_some_and(|&c| f(c)) {
                    ends[i + 1] = true;
                }
            }
        }
        Pat::Seq(parts) => {
            ends = starts.to_vec();
            for part in parts {
                ends = step(part, text, &ends);
            }
        }
        Pat::Alt(parts) => {
            for part in parts {
                union_into(&mut ends, &step(part, text, starts));
            }
        }
        Pat::Opt(p) => {
            ends = starts.to_vec();
            union_into(&mut ends, &step(p, text, starts));
        }
        Pat::Star(p) => ends = closure(p, text, starts.to_vec()),
        Pat::Plus(p) => ends = closure(p, text, step(p, text, starts)),
    }
    ends
}

/// Adds the positions of `other` to `acc`.
fn union_into(acc: &mut [bool], other: &[bool]) {
    for (a, &o) in acc.iter_mut().zip(other) {
        *a |= o;
    }
}

/// Repeats `p` zero or more times from `reached` until no new position appears.
fn closure(p: &Pat, text: &[char], mut reached: Vec<bool>) -> Vec<bool> {
    let mut frontier = reached.clone();
    loop {
        let next = step(p, text, &frontier);
        let fresh: Vec<bool> = next.iter().zip(&reached).map(|(&n, &r)| n && !r).collect();
        if !fresh.contains(&true) {
            return reached;
        }
        union_into(&mut reached, &fresh);
        frontier = fresh;
    }
}

/// Reports whether `re.match('^(?:pat)$', text)` succeeds in Python.
///
/// Python's `$` also matches just before a final newline, so that case is accepted too.
pub(super) fn full_match(pat: &Pat, text: &[char]) -> bool {
    let mut starts = vec![false; text.len() + 1];
    starts[0] = true;
    let ends = step(pat, text, &starts);
    let n = text.len();
    ends[n] || (text.last() == Some(&'\n') && ends[n - 1])
}
