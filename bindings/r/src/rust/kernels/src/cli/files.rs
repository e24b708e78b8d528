//! The file formats of `parfor run --out DIR`: CSV with a header line (opened by spreadsheets,
//! pandas and R) and NumPy's `.npy` (opened by `numpy.load`).
//!
//! ```
//! use parfor_kernels::cli::files;
//! let dir = std::env::temp_dir().join(format!("parfor-files-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! files::write_csv(&dir.join("t.csv"), &["mean", "std"], &[&[0.5, 1.5], &[1.0, 2.0]]).unwrap();
//! assert_eq!(std::fs::read_to_string(dir.join("t.csv")).unwrap(), "mean,std\n0.5,1\n1.5,2\n");
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `columns` (all of one length) under the header `names`, one row per index; numbers in
/// Rust's shortest form that reads back to the same bits.
///
/// # Errors
/// When the file cannot be written, or the columns differ in length or in number from `names`.
pub fn write_csv(path: &Path, names: &[&str], columns: &[&[f64]]) -> io::Result<()> {
    let rows = columns.first().map_or(0, |c| c.len());
    if names.len() != columns.len() || columns.iter().any(|c| c.len() != rows) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "write_csv: one name per column, and columns of one length",
        ));
    }
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(w, "{}", names.join(","))?;
    for i in 0..rows {
        for (k, column) in columns.iter().enumerate() {
            let sep = if k + 1 == columns.len() { "\n" } else { "," };
            write!(w, "{}{sep}", column[i])?;
        }
    }
    w.flush()
}

/// Writes `data` as a `.npy` file (format 1.0) of little-endian `uint32` with shape `shape`,
/// row-major (C order).
///
/// # Errors
/// When the file cannot be written, or `shape` does not multiply out to `data.len()`.
///
/// ```
/// use parfor_kernels::cli::files;
/// let path = std::env::temp_dir().join(format!("parfor-npy-doc-{}.npy", std::process::id()));
/// files::write_npy_u32(&path, &[2, 3], &[1, 2, 3, 4, 5, 6]).unwrap();
/// let bytes = std::fs::read(&path).unwrap();
/// assert_eq!(&bytes[..6], b"\x93NUMPY");
/// assert_eq!(bytes.len(), 128 + 6 * 4);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn write_npy_u32(path: &Path, shape: &[usize], data: &[u32]) -> io::Result<()> {
    if shape.iter().product::<usize>() != data.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "write_npy_u32: the shape does not match the data",
        ));
    }
    let mut w = BufWriter::new(File::create(path)?);
    w.write_all(&npy_header("<u4", shape))?;
    for v in data {
        w.write_all(&v.to_le_bytes())?;
    }
    w.flush()
}

/// The `.npy` 1.0 header: magic, version, length, and the dictionary padded with spaces and a
/// newline so that the data starts at a multiple of 64 bytes.
fn npy_header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let shape_text = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut dict =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}");
    const PREAMBLE: usize = 10; // magic (6), version (2), header length (2)
    let unpadded = PREAMBLE + dict.len() + 1;
    dict.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    dict.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    let len = u16::try_from(dict.len()).expect("an .npy header of a few dimensions is short");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_padded_to_64_bytes_and_names_the_shape() {
        let h = npy_header("<u4", &[2000, 3000]);
        assert_eq!(h.len() % 64, 0);
        let text = String::from_utf8_lossy(&h[10..]);
        assert!(
            text.starts_with("{'descr': '<u4', 'fortran_order': False, 'shape': (2000, 3000), }"),
            "{text}"
        );
        assert!(text.ends_with(" \n"));
        assert_eq!(usize::from(u16::from_le_bytes([h[8], h[9]])), h.len() - 10);
        let one = npy_header("<u4", &[5]);
        assert!(String::from_utf8_lossy(&one).contains("'shape': (5,)"));
    }

    #[test]
    fn csv_rejects_columns_of_different_lengths() {
        let path = std::env::temp_dir().join("parfor-csv-bad.csv");
        let e = write_csv(&path, &["a", "b"], &[&[1.0], &[1.0, 2.0]]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }
}
