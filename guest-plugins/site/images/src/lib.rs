//! `images`: each JPEG, PNG or WebP the pattern takes is resized to the
//! `widths` a site asks for and saved as WebP (or JPEG or PNG) beside it,
//! `photos/sea.jpg` → `photos/sea-480.webp`, `photos/sea-960.webp`, ...,
//! never larger than the original. The original's metadata gains `image`
//! (its size, the variants and a ready `srcset`), and a sidecar
//! `photos/sea.jpg.image.json` carries the same for `image-index` to put
//! in the site metadata, where every template can read it.
//!
//! The step is per file, so the host caches each image's result by its
//! content hash across builds: an unchanged photo is never re-encoded.
//! Memory stays within the plugin's limit because a JPEG is decoded no
//! larger than the widest variant needs, and an image whose decoded size
//! would pass `max-megapixels` fails with a message instead of a trap.

mod decode;
mod encode;

use fast_image_resize as resize;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::serde_json::{self, Value, json};
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo};

use decode::{Header, Pixels};
use encode::Output;

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// The images to process.
    pattern: Globs,
    /// The widths to make, in pixels; one wider than the original makes
    /// the original's width instead (images are never enlarged).
    widths: Vec<u32>,
    /// The formats to make each width in: `webp`, `jpeg`, `png`. The first
    /// gives `srcset`; list two for a `<picture>` with a fallback.
    formats: Vec<Output>,
    /// Encoder quality for WebP and JPEG, 1 to 100 [default: 90 for WebP,
    /// 80 for JPEG]. This WebP encoder's scale runs lower than libwebp's:
    /// its 90 looks like cwebp's (and Hugo's) 75.
    quality: Option<u8>,
    /// The resampling filter: `lanczos3`, `catmull-rom`, `mitchell`,
    /// `bilinear` or `box`.
    filter: Filter,
    /// Keep the original file in the output.
    keep_original: bool,
    /// The largest decoded image allowed, in megapixels (a JPEG counts at
    /// the size it is decoded at, which is as small as the widths allow).
    max_megapixels: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pattern: Globs::of(&["**/*.jpg", "**/*.jpeg", "**/*.png", "**/*.webp"]),
            widths: vec![480, 960, 1600],
            formats: vec![Output::Webp],
            quality: None,
            filter: Filter::Lanczos3,
            keep_original: true,
            max_megapixels: 64.0,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
enum Filter {
    Lanczos3,
    CatmullRom,
    Mitchell,
    Bilinear,
    Box,
}

impl Filter {
    fn algorithm(self) -> resize::ResizeAlg {
        let filter = match self {
            Filter::Lanczos3 => resize::FilterType::Lanczos3,
            Filter::CatmullRom => resize::FilterType::CatmullRom,
            Filter::Mitchell => resize::FilterType::Mitchell,
            Filter::Bilinear => resize::FilterType::Bilinear,
            Filter::Box => resize::FilterType::Box,
        };
        resize::ResizeAlg::Convolution(filter)
    }
}

/// The sidecar's suffix, which `image-index` looks for.
const SIDECAR: &str = ".image.json";

struct Images;

impl SiteStep for Images {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        if settings.widths.is_empty() || settings.widths.contains(&0) {
            return Err(site_kit::bad_options(format!(
                "`widths`: {:?} must list at least one width above 0, such as [480, 960, 1600]",
                settings.widths
            )));
        }
        if settings.formats.is_empty() {
            return Err(site_kit::bad_options("`formats`: [] must name at least one of \"webp\", \"jpeg\", \"png\""));
        }
        for (index, format) in settings.formats.iter().enumerate() {
            if let Some(first) = settings.formats[..index].iter().position(|earlier| earlier == format) {
                return Err(site_kit::bad_options(format!(
                    "`formats`: \"{}\" is listed twice (entries {first} and {index}); list each format once",
                    format.name()
                )));
            }
        }
        if let Some(quality) = settings.quality.filter(|quality| !(1..=100).contains(quality)) {
            return Err(site_kit::bad_options(format!("`quality`: {quality} must be from 1 to 100")));
        }
        if settings.max_megapixels.is_nan() || settings.max_megapixels <= 0.0 {
            return Err(site_kit::bad_options(format!(
                "`max-megapixels`: {} must be above 0",
                settings.max_megapixels
            )));
        }
        Ok(StepInfo {
            per_file: true,
            patterns: Some(settings.pattern.to_vec()),
            reads: Vec::new(),
            copies: Vec::new(),
        })
    }

    fn run(site: Site, settings: &Settings) -> Result<Site, Error> {
        let mut files = Vec::new();
        for file in site.files {
            process(file, settings, &mut files)?;
        }
        Ok(Site { files, metadata: site.metadata, reads: site.reads })
    }
}

/// One image to its variants, its sidecar and (when kept) itself.
fn process(file: SiteFile, settings: &Settings, out: &mut Vec<SiteFile>) -> Result<(), Error> {
    let fail = |message: String| Error::InvalidInput(format!("{}: {message}", file.path));
    let header = decode::header(&file.contents).map_err(fail)?;
    let widths = widths(&settings.widths, header.width);
    let widest = widths.last().copied().unwrap_or(header.width);
    check_size(&header, widest, settings.max_megapixels).map_err(fail)?;
    let pixels = decode::decode(&file.contents, &header, widest).map_err(fail)?;

    let (dir, stem) = split(&file.path);
    let mut variants = Vec::new();
    for &width in &widths {
        let height = scaled_height(header.width, header.height, width);
        let resized = resized(&pixels, width, height, settings.filter).map_err(fail)?;
        for &format in &settings.formats {
            let quality = settings.quality.unwrap_or_else(|| format.default_quality());
            let bytes = encode::encode(&resized, format, quality).map_err(fail)?;
            let path = format!("{dir}{stem}-{width}.{}", format.extension());
            variants.push(json!({
                "path": path,
                "url": site_kit::url_for_path(&path),
                "width": width,
                "height": height,
                "format": format.name(),
                "bytes": bytes.len(),
            }));
            out.push(SiteFile {
                path,
                source: file.source.clone(),
                contents: bytes,
                metadata: json!({ "width": width, "height": height }).to_string(),
            });
        }
    }

    let info = describe_image(&file.path, &header, settings, &variants);
    out.push(SiteFile {
        path: format!("{}{SIDECAR}", file.path),
        source: file.source.clone(),
        contents: serde_json::to_vec(&info).map_err(|error| fail(error.to_string()))?,
        metadata: "{}".into(),
    });
    if settings.keep_original {
        let mut metadata = site_kit::metadata(&file)?;
        metadata.insert("image".into(), info);
        out.push(SiteFile { metadata: Value::Object(metadata).to_string(), ..file });
    }
    Ok(())
}

/// What templates see of an image: its size, each variant, a `srcset`
/// in the first format and one per format for `<picture>`'s sources.
fn describe_image(path: &str, header: &Header, settings: &Settings, variants: &[Value]) -> Value {
    let srcset = |format: Output| {
        variants
            .iter()
            .filter(|variant| variant["format"] == format.name())
            .map(|variant| format!("{} {}w", variant["url"].as_str().unwrap_or_default(), variant["width"]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sources: Vec<Value> = settings
        .formats
        .iter()
        .map(|&format| json!({ "format": format.name(), "type": format.media_type(), "srcset": srcset(format) }))
        .collect();
    let largest = variants
        .iter()
        .rev()
        .find(|variant| variant["format"] == settings.formats[0].name())
        .map(|variant| variant["url"].clone())
        .unwrap_or_default();
    json!({
        "path": path,
        "url": site_kit::url_for_path(path),
        "width": header.width,
        "height": header.height,
        "format": header.format.name(),
        "src": if settings.keep_original { Value::String(site_kit::url_for_path(path)) } else { largest },
        "srcset": srcset(settings.formats[0]),
        "sources": sources,
        "variants": variants,
    })
}

/// The widths to make for an image `original` wide: ascending, without
/// repeats, each at most the original's.
fn widths(asked: &[u32], original: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = asked.iter().map(|&width| width.min(original)).collect();
    widths.sort_unstable();
    widths.dedup();
    widths
}

fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let scaled = (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width.max(1));
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

/// Refuses an image whose decoded pixels would not fit `max_megapixels`,
/// counting a JPEG at the scale it will be decoded at.
fn check_size(header: &Header, widest: u32, max_megapixels: f64) -> Result<(), String> {
    let mut divisor = 1;
    if header.format == decode::Format::Jpeg {
        while divisor < 8 && header.width.div_ceil(divisor * 2) >= widest {
            divisor *= 2;
        }
    }
    let pixels = f64::from(header.width.div_ceil(divisor)) * f64::from(header.height.div_ceil(divisor));
    let megapixels = pixels / 1e6;
    if megapixels > max_megapixels {
        return Err(format!(
            "is {}×{} pixels, {megapixels:.0} megapixels to decode, over `max-megapixels` ({max_megapixels}); \
             save a smaller copy, or raise `max-megapixels` and, if the step then runs out of memory, \
             `memory-limit-mib` under [plugins] in workbench.toml",
            header.width, header.height
        ));
    }
    Ok(())
}

fn resized(pixels: &Pixels, width: u32, height: u32, filter: Filter) -> Result<Pixels, String> {
    let pixel_type = if pixels.alpha { resize::PixelType::U8x4 } else { resize::PixelType::U8x3 };
    if (width, height) == (pixels.width, pixels.height) {
        return Ok(Pixels { width, height, alpha: pixels.alpha, data: pixels.data.clone() });
    }
    let source = resize::images::ImageRef::new(pixels.width, pixels.height, &pixels.data, pixel_type)
        .map_err(|error| format!("could not be resized: {error}"))?;
    let mut target = resize::images::Image::new(width, height, pixel_type);
    resize::Resizer::new()
        .resize(&source, &mut target, &resize::ResizeOptions::new().resize_alg(filter.algorithm()))
        .map_err(|error| format!("could not be resized: {error}"))?;
    Ok(Pixels { width, height, alpha: pixels.alpha, data: target.into_vec() })
}

/// `photos/sea.jpg` → (`photos/`, `sea`).
fn split(path: &str) -> (&str, &str) {
    let (dir, name) = match path.rfind('/') {
        Some(slash) => (&path[..=slash], &path[slash + 1..]),
        None => ("", path),
    };
    let stem = name.rfind('.').filter(|&dot| dot > 0).map_or(name, |dot| &name[..dot]);
    (dir, stem)
}

workbench_plugin::export_site_step!(Images);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_pass_the_original_and_do_not_repeat() {
        assert_eq!(widths(&[1600, 480, 960], 4000), [480, 960, 1600]);
        assert_eq!(widths(&[480, 960, 1600], 800), [480, 800]);
        assert_eq!(widths(&[480, 960], 300), [300]);
    }

    #[test]
    fn heights_keep_the_aspect_ratio_and_stay_at_least_one() {
        assert_eq!(scaled_height(4000, 3000, 480), 360);
        assert_eq!(scaled_height(1000, 1, 10), 1);
    }

    #[test]
    fn paths_split_into_folder_and_stem() {
        assert_eq!(split("photos/sea.jpg"), ("photos/", "sea"));
        assert_eq!(split("a.b.png"), ("", "a.b"));
        assert_eq!(split(".hidden"), ("", ".hidden"));
    }

    fn jpeg_header(width: u32, height: u32) -> Header {
        Header { format: decode::Format::Jpeg, width, height, orientation: 1 }
    }

    #[test]
    fn a_jpeg_counts_at_the_scale_it_decodes_at() {
        // 7680×5120 (39 MP) for 1600 wide decodes at 1/4: 1920×1280.
        assert!(check_size(&jpeg_header(7680, 5120), 1600, 3.0).is_ok());
        let error = check_size(&jpeg_header(7680, 5120), 7680, 20.0).unwrap_err();
        assert!(
            error.starts_with("is 7680×5120 pixels, 39 megapixels to decode, over `max-megapixels` (20)"),
            "{error}"
        );
    }
}
