//! Pixels out as files: WebP (lossy, with alpha where the image has it),
//! JPEG (transparency on white, as it has none) or PNG.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decode::Pixels;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Output {
    Webp,
    Jpeg,
    Png,
}

impl Output {
    pub fn extension(self) -> &'static str {
        match self {
            Output::Webp => "webp",
            Output::Jpeg => "jpg",
            Output::Png => "png",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Output::Webp => "webp",
            Output::Jpeg => "jpeg",
            Output::Png => "png",
        }
    }

    /// Where each encoder's output is hard to tell from the original at a
    /// glance on photos and smooth gradients (see bench/README.md).
    pub fn default_quality(self) -> u8 {
        match self {
            Output::Webp => 90,
            Output::Jpeg | Output::Png => 80,
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Output::Webp => "image/webp",
            Output::Jpeg => "image/jpeg",
            Output::Png => "image/png",
        }
    }
}

pub fn encode(pixels: &Pixels, output: Output, quality: u8) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    match output {
        Output::Webp => {
            let mut encoder = image_webp::WebPEncoder::new(&mut bytes);
            let mut params = image_webp::EncoderParams::default();
            params.use_lossy = true;
            params.lossy_quality = quality;
            encoder.set_params(params);
            let color = if pixels.alpha { image_webp::ColorType::Rgba8 } else { image_webp::ColorType::Rgb8 };
            encoder
                .encode(&pixels.data, pixels.width, pixels.height, color)
                .map_err(|error| format!("could not be encoded as WebP: {error}"))?;
        }
        Output::Jpeg => {
            let (width, height) = (dimension(pixels.width)?, dimension(pixels.height)?);
            let opaque;
            let data = if pixels.alpha {
                opaque = on_white(&pixels.data);
                &opaque
            } else {
                &pixels.data
            };
            let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
            encoder.set_progressive(true);
            encoder
                .encode(data, width, height, jpeg_encoder::ColorType::Rgb)
                .map_err(|error| format!("could not be encoded as JPEG: {error}"))?;
        }
        Output::Png => {
            let mut encoder = png::Encoder::new(&mut bytes, pixels.width, pixels.height);
            encoder.set_color(if pixels.alpha { png::ColorType::Rgba } else { png::ColorType::Rgb });
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().map_err(|error| format!("could not be encoded as PNG: {error}"))?;
            writer.write_image_data(&pixels.data).map_err(|error| format!("could not be encoded as PNG: {error}"))?;
            writer.finish().map_err(|error| format!("could not be encoded as PNG: {error}"))?;
        }
    }
    Ok(bytes)
}

/// JPEG's sides are 16-bit.
fn dimension(side: u32) -> Result<u16, String> {
    u16::try_from(side).map_err(|_| format!("is {side} pixels on a side, more than JPEG's 65535"))
}

/// RGBA over white, to RGB.
fn on_white(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let blend = |c: u8| u8::try_from((u16::from(c) * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX);
            [blend(p[0]), blend(p[1]), blend(p[2])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_becomes_white_for_jpeg() {
        assert_eq!(on_white(&[10, 20, 30, 255, 10, 20, 30, 0]), [10, 20, 30, 255, 255, 255]);
    }
}
