//! Images in, pixels out: JPEG, PNG and WebP to 8-bit RGB or RGBA, the
//! way a browser shows them (EXIF orientation applied, 16-bit and palette
//! PNGs expanded). A JPEG is decoded no larger than the largest size asked
//! for needs, and every image is measured from its header before any
//! pixel is decoded, so a picture too big for plugin memory fails with a
//! message instead of an out-of-memory trap.

use std::io::Cursor;

/// Decoded pixels, row by row, 3 or 4 bytes each.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn channels(&self) -> usize {
        if self.alpha { 4 } else { 3 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }
}

/// An image as its header describes it, before decoding.
pub struct Header {
    pub format: Format,
    /// As displayed: after EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 (as stored) to 8.
    pub orientation: u32,
}

pub fn header(bytes: &[u8]) -> Result<Header, String> {
    let format = Format::sniff(bytes).ok_or("is not a JPEG, PNG or WebP image (by its first bytes)")?;
    let (width, height, orientation) = match format {
        Format::Jpeg => {
            let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
            decoder.read_info().map_err(|error| format!("is not a JPEG this step can read: {error}"))?;
            let info = decoder.info().ok_or("has no JPEG frame")?;
            (u32::from(info.width), u32::from(info.height), orientation(bytes))
        }
        Format::Png => {
            let reader = png::Decoder::new(Cursor::new(bytes))
                .read_info()
                .map_err(|error| format!("is not a PNG this step can read: {error}"))?;
            let info = reader.info();
            (info.width, info.height, 1)
        }
        Format::Webp => {
            let decoder = image_webp::WebPDecoder::new(Cursor::new(bytes))
                .map_err(|error| format!("is not a WebP this step can read: {error}"))?;
            let (width, height) = decoder.dimensions();
            (width, height, 1)
        }
    };
    let (width, height) = if orientation >= 5 { (height, width) } else { (width, height) };
    Ok(Header { format, width, height, orientation })
}

/// The EXIF Orientation of a JPEG, 1 when it has none.
fn orientation(bytes: &[u8]) -> u32 {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else { return 1 };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|field| field.value.get_uint(0))
        .filter(|value| (1..=8).contains(value))
        .unwrap_or(1)
}

/// Decodes `bytes`, a JPEG at the smallest of its 1/1, 1/2, 1/4 or 1/8
/// scales that is still at least `min_width` wide as displayed. The
/// result is oriented as displayed.
pub fn decode(bytes: &[u8], header: &Header, min_width: u32) -> Result<Pixels, String> {
    let stored = match header.format {
        Format::Jpeg => jpeg(bytes, header, min_width)?,
        Format::Png => png(bytes)?,
        Format::Webp => webp(bytes)?,
    };
    Ok(orient(stored, header.orientation))
}

fn jpeg(bytes: &[u8], header: &Header, min_width: u32) -> Result<Pixels, String> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    // The scale is asked in stored axes: a rotated photo's display width
    // is its stored height.
    let min_width = min_width.min(header.width);
    let min_height = (u64::from(min_width) * u64::from(header.height)).div_ceil(u64::from(header.width.max(1)));
    let min_height = u32::try_from(min_height).unwrap_or(header.height).min(header.height);
    let (want_w, want_h) = if header.orientation >= 5 { (min_height, min_width) } else { (min_width, min_height) };
    let (width, height) = decoder
        .scale(u16::try_from(want_w).unwrap_or(u16::MAX), u16::try_from(want_h).unwrap_or(u16::MAX))
        .map_err(|error| format!("is not a JPEG this step can read: {error}"))?;
    let data = decoder.decode().map_err(|error| format!("is not a JPEG this step can read: {error}"))?;
    let info = decoder.info().ok_or("has no JPEG frame")?;
    let data = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&v| [v, v, v]).collect(),
        jpeg_decoder::PixelFormat::L16 => data.chunks_exact(2).flat_map(|v| [v[0], v[0], v[0]]).collect(),
        jpeg_decoder::PixelFormat::CMYK32 => {
            return Err("is a CMYK JPEG (made for print), which browsers show unreliably: save it as RGB".into());
        }
    };
    Ok(Pixels { width: u32::from(width), height: u32::from(height), alpha: false, data })
}

fn png(bytes: &[u8]) -> Result<Pixels, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|error| format!("is not a PNG this step can read: {error}"))?;
    let size = reader.output_buffer_size().ok_or("is a PNG too large to decode")?;
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).map_err(|error| format!("is not a PNG this step can read: {error}"))?;
    buffer.truncate(frame.buffer_size());
    let (alpha, data) = match frame.color_type {
        png::ColorType::Rgb => (false, buffer),
        png::ColorType::Rgba => (true, buffer),
        png::ColorType::Grayscale => (false, buffer.iter().flat_map(|&v| [v, v, v]).collect()),
        png::ColorType::GrayscaleAlpha => {
            (true, buffer.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect())
        }
        png::ColorType::Indexed => return Err("is a palette PNG the decoder did not expand".into()),
    };
    Ok(Pixels { width: frame.width, height: frame.height, alpha, data })
}

fn webp(bytes: &[u8]) -> Result<Pixels, String> {
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes))
        .map_err(|error| format!("is not a WebP this step can read: {error}"))?;
    let (width, height) = decoder.dimensions();
    let alpha = decoder.has_alpha();
    let size = decoder.output_buffer_size().ok_or("is a WebP too large to decode")?;
    let mut data = vec![0; size];
    decoder.read_image(&mut data).map_err(|error| format!("is not a WebP this step can read: {error}"))?;
    Ok(Pixels { width, height, alpha, data })
}

/// Turns stored pixels the way EXIF `orientation` says a viewer shows
/// them (TIFF 6.0's eight cases: four rotations, each maybe mirrored).
fn orient(pixels: Pixels, orientation: u32) -> Pixels {
    if orientation <= 1 || orientation > 8 {
        return pixels;
    }
    let (w, h) = (pixels.width as usize, pixels.height as usize);
    let channels = pixels.channels();
    let transposed = orientation >= 5;
    let (out_w, out_h) = if transposed { (h, w) } else { (w, h) };
    let (width, height) = if transposed { (pixels.height, pixels.width) } else { (pixels.width, pixels.height) };
    let mut data = vec![0; pixels.data.len()];
    for y in 0..out_h {
        for x in 0..out_w {
            // Where the displayed pixel (x, y) is stored.
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let from = (sy * w + sx) * channels;
            let to = (y * out_w + x) * channels;
            data[to..to + channels].copy_from_slice(&pixels.data[from..from + channels]);
        }
    }
    Pixels { width, height, alpha: pixels.alpha, data }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 image whose pixels are numbered 0..6 in the red channel.
    fn numbered() -> Pixels {
        Pixels { width: 3, height: 2, alpha: false, data: (0..6).flat_map(|v| [v, 0, 0]).collect() }
    }

    fn reds(pixels: &Pixels) -> Vec<u8> {
        pixels.data.chunks(3).map(|p| p[0]).collect()
    }

    #[test]
    fn orientations_turn_stored_pixels_as_viewers_show_them() {
        // Stored:  0 1 2
        //          3 4 5
        assert_eq!(reds(&orient(numbered(), 1)), [0, 1, 2, 3, 4, 5]);
        assert_eq!(reds(&orient(numbered(), 2)), [2, 1, 0, 5, 4, 3]);
        assert_eq!(reds(&orient(numbered(), 3)), [5, 4, 3, 2, 1, 0]);
        assert_eq!(reds(&orient(numbered(), 4)), [3, 4, 5, 0, 1, 2]);
        assert_eq!(reds(&orient(numbered(), 5)), [0, 3, 1, 4, 2, 5]);
        // 6 is "rotate 90° clockwise to view": the bottom-left comes first.
        let six = orient(numbered(), 6);
        assert_eq!((six.width, six.height), (2, 3));
        assert_eq!(reds(&six), [3, 0, 4, 1, 5, 2]);
        assert_eq!(reds(&orient(numbered(), 7)), [5, 2, 4, 1, 3, 0]);
        assert_eq!(reds(&orient(numbered(), 8)), [2, 5, 1, 4, 0, 3]);
    }

    #[test]
    fn formats_are_known_by_their_first_bytes() {
        assert_eq!(Format::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Format::Jpeg));
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Format::Png));
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(Format::sniff(b"GIF89a"), None);
    }
}
