//! [`Font8x8`]: a plotters backend that draws text with font8x8's 8x8 bitmaps, so that captions,
//! axis labels and tick labels work with no system fonts and no font library (plotters' own text
//! needs one of those).
//!
//! It wraps another backend and passes every call through, except text: `draw_text` draws each
//! character's bitmap scaled to the style's size (multiples of 8 pixels), honouring the anchor
//! and the rotation plotters asks for (the y axis label is turned 270 degrees), and
//! `estimate_text_size` reports the size it will draw.

use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// A backend `B` whose text is drawn from font8x8's bitmaps.
///
/// ```
/// use parfor_kernels::cli::plots::Font8x8;
/// use plotters::prelude::*;
/// let mut buf = vec![255u8; 200 * 40 * 3];
/// {
///     let root = Font8x8(BitMapBackend::with_buffer(&mut buf, (200, 40))).into_drawing_area();
///     root.draw_text("parfor", &("sans-serif", 16).into_font().color(&BLACK), (4, 4)).unwrap();
///     root.present().unwrap();
/// }
/// assert!(buf.iter().any(|&b| b == 0), "some pixels are black");
/// ```
pub struct Font8x8<B>(pub B);

/// Pixels per bitmap dot for a font of `size` pixels (at least 1).
fn scale(size: f64) -> i32 {
    ((size / 8.0).round() as i32).max(1)
}

impl<B: DrawingBackend> DrawingBackend for Font8x8<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let k = scale(style.size());
        let (w, h) = (8 * k * text.chars().count() as i32, 8 * k);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Center => -w / 2,
            HPos::Right => -w,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let turn = style.transform();
        for (i, ch) in text.chars().enumerate() {
            let glyph = font8x8::legacy::BASIC_LEGACY
                .get(ch as usize)
                .copied()
                .unwrap_or([0; 8]);
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..8 {
                    if bits & (1 << col) == 0 {
                        continue;
                    }
                    for sy in 0..k {
                        for sx in 0..k {
                            let x = dx + (i as i32 * 8 + col) * k + sx;
                            let y = dy + row as i32 * k + sy;
                            let (x, y) = turn.transform(x, y);
                            self.0.draw_pixel((pos.0 + x, pos.1 + y), color)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let k = scale(style.size()) as u32;
        Ok((8 * k * text.chars().count() as u32, 8 * k))
    }
}
