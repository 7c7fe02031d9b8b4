//! Writing a long list rendered on every core: windows of chunks are rendered in parallel while the
//! previous window is written, so that rendering and the system's copying of the bytes into the file
//! overlap, and only two windows are held in memory at a time. The bytes are those of rendering the
//! items one after another.

use rayon::prelude::*;
use std::io;

/// Renders `items` in chunks of `chunk` items through `render`, `window` chunks at a time, and hands the
/// rendered chunks to `write` in order; `write` runs on the calling thread.
pub(crate) fn render_and_write<T: Sync>(
    items: &[T],
    chunk: usize,
    window: usize,
    render: impl Fn(&[T]) -> io::Result<Vec<u8>> + Sync,
    mut write: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let chunk = chunk.max(1);
    let mut ready: Vec<io::Result<Vec<u8>>> = Vec::new();
    for items in items.chunks(chunk * window.max(1)) {
        let previous = std::mem::take(&mut ready);
        ready = std::thread::scope(|scope| {
            let rendering = scope.spawn(|| items.par_chunks(chunk).map(&render).collect());
            let written = write_each(&mut write, previous);
            let next = rendering.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            written.map(|()| next)
        })?;
    }
    write_each(&mut write, ready)
}

fn write_each(write: &mut impl FnMut(&[u8]) -> io::Result<()>, chunks: Vec<io::Result<Vec<u8>>>) -> io::Result<()> {
    chunks.into_iter().try_for_each(|chunk| write(&chunk?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_are_those_of_rendering_one_item_after_another() {
        let items: Vec<u32> = (0..10_000).collect();
        let render = |chunk: &[u32]| -> io::Result<Vec<u8>> {
            Ok(chunk.iter().flat_map(|item| format!("{item},").into_bytes()).collect())
        };
        let expected = render(&items).expect("rendered");
        for (chunk, window) in [(1, 1), (7, 3), (256, 16), (20_000, 2)] {
            let mut out = Vec::new();
            render_and_write(&items, chunk, window, render, |bytes| {
                out.extend_from_slice(bytes);
                Ok(())
            })
            .expect("written");
            assert_eq!(out, expected, "chunk {chunk}, window {window}");
        }
    }

    #[test]
    fn the_first_error_stops_the_writing() {
        let items: Vec<u32> = (0..100).collect();
        let render = |chunk: &[u32]| -> io::Result<Vec<u8>> {
            match chunk.contains(&50) {
                true => Err(io::Error::other("item 50")),
                false => Ok(vec![b'x'; chunk.len()]),
            }
        };
        let mut written = 0;
        let result = render_and_write(&items, 10, 2, render, |bytes| {
            written += bytes.len();
            Ok(())
        });
        assert_eq!(result.map_err(|error| error.to_string()), Err("item 50".to_owned()));
        assert_eq!(written, 50);
    }
}
