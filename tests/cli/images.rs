//! `images` and `image-index` end to end: photos resized to WebP beside
//! them, their sizes and srcset reaching templates, EXIF orientation, the
//! step cache skipping unchanged photos, and a 40-megapixel JPEG under the
//! default plugin limits.

use crate::support::Test;

/// A JPEG of `width`×`height` (a colour ramp, so it compresses like a
/// photo's smooth parts), with an EXIF Orientation tag when asked.
fn jpeg(width: u16, height: u16, orientation: Option<u16>) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for y in 0..u32::from(height) {
        for x in 0..u32::from(width) {
            let r = u8::try_from(x * 255 / u32::from(width)).unwrap();
            let g = u8::try_from(y * 255 / u32::from(height)).unwrap();
            pixels.extend([r, g, 128]);
        }
    }
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 85);
    if let Some(orientation) = orientation {
        encoder.add_app_segment(1, exif_orientation(orientation)).unwrap();
    }
    encoder.encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb).unwrap();
    bytes
}

/// An APP1 payload: "Exif", then a big-endian TIFF header and one IFD
/// holding only Orientation (tag 0x0112, one SHORT).
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend(value.to_be_bytes());
    exif.extend([0, 0, 0, 0, 0, 0]);
    exif
}

/// A WebP's width and height from its first chunk: lossy `VP8 `, or the
/// extended `VP8X` header a picture with alpha gets.
fn webp_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 30 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP", "not a WebP");
    match &bytes[12..16] {
        b"VP8 " => {
            assert_eq!(&bytes[23..26], [0x9d, 0x01, 0x2a], "a VP8 key frame");
            let side = |at: usize| u32::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]) & 0x3fff);
            (side(26), side(28))
        }
        b"VP8X" => {
            let side = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], 0]) + 1;
            (side(24), side(27))
        }
        other => panic!("unexpected first chunk {other:?}"),
    }
}

fn photo_site(images_options: &str) -> Test {
    Test::new()
        .file(
            "workbench.toml",
            format!(
                r#"[site]
steps = [
  {{ plugin = "images", options = {images_options} }},
  "image-index",
  {{ plugin = "in-place", options = {{ pattern = ["**/*.html"] }} }},
]
"#
            ),
        )
        .file(
            "site/index.html",
            r#"{% set sea = images["photos/sea.jpg"] %}<img src="{{ sea.src }}" srcset="{{ sea.srcset }}" width="{{ sea.width }}" height="{{ sea.height }}">"#,
        )
}

fn read(test: &Test, path: &str) -> Vec<u8> {
    std::fs::read(test.dir().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

#[test]
fn photos_become_webp_at_each_width_and_templates_get_their_srcset() {
    let test = photo_site("{ widths = [40, 80, 500] }").file("site/photos/sea.jpg", jpeg(200, 100, None));
    test.run_with(["build"]).code(0).stderr_has("wrote 5 files");
    let page = String::from_utf8(read(&test, "build/index.html")).unwrap();
    assert_eq!(
        page,
        r#"<img src="/photos/sea.jpg" srcset="/photos/sea-40.webp 40w, /photos/sea-80.webp 80w, /photos/sea-200.webp 200w" width="200" height="100">"#
    );
    assert_eq!(webp_size(&read(&test, "build/photos/sea-40.webp")), (40, 20));
    assert_eq!(webp_size(&read(&test, "build/photos/sea-80.webp")), (80, 40));
    assert_eq!(webp_size(&read(&test, "build/photos/sea-200.webp")), (200, 100), "never enlarged");
    assert_eq!(read(&test, "build/photos/sea.jpg"), jpeg(200, 100, None), "the original is kept as it was");
    assert!(!test.dir().join("build/photos/sea.jpg.image.json").exists(), "image-index removes the sidecars");
}

#[test]
fn a_phone_photo_turned_by_exif_comes_out_upright() {
    // Stored 120×60, shown turned 90° clockwise (Orientation 6): 60×120.
    let test = photo_site("{ widths = [30] }").file("site/photos/sea.jpg", jpeg(120, 60, Some(6)));
    test.run_with(["build"]).code(0);
    let page = String::from_utf8(read(&test, "build/index.html")).unwrap();
    assert!(page.contains(r#"width="60" height="120""#), "{page}");
    assert_eq!(webp_size(&read(&test, "build/photos/sea-30.webp")), (30, 60));
}

#[test]
fn an_unchanged_photo_is_not_encoded_again() {
    let test = photo_site("{ widths = [32] }")
        .file("site/photos/sea.jpg", jpeg(64, 48, None))
        .file("site/photos/hill.jpg", jpeg(64, 48, Some(3)));
    // Two photos and the page that shows them.
    test.run_with(["-v", "build"]).code(0).stderr_has("step cache: 0 hits, 3 misses");
    test.run_with(["-v", "build"]).code(0).stderr_has("step cache: 3 hits, 0 misses");
    // The changed photo, and the page, whose site metadata changed with it.
    std::fs::write(test.dir().join("site/photos/hill.jpg"), jpeg(64, 40, None)).unwrap();
    test.run_with(["-v", "build"]).code(0).stderr_has("step cache: 1 hits, 2 misses");
    assert_eq!(webp_size(&read(&test, "build/photos/hill-32.webp")), (32, 20));
}

#[test]
fn a_file_that_is_not_an_image_is_named_with_what_to_do() {
    photo_site("{ widths = [32] }")
        .file("site/photos/sea.jpg", "not a photo")
        .args(["build"])
        .run()
        .code(3)
        .stderr_has("step 1 (`images`): invalid input: photos/sea.jpg: is not a JPEG, PNG or WebP image");
}

/// A 40-megapixel photo (a 7728×5152 camera's) under the default memory
/// and time limits: the default widths decode it at a quarter size. A
/// full-size WebP of it takes this encoder longer than a call's default
/// time, and the message says so and what to raise.
#[test]
fn a_40_megapixel_jpeg_builds_under_the_default_limits() {
    let big = jpeg(7728, 5152, None);
    let test = photo_site("{ widths = [480, 960, 1600] }").file("site/photos/sea.jpg", &big);
    test.run_with(["build"]).code(0);
    assert_eq!(webp_size(&read(&test, "build/photos/sea-1600.webp")), (1600, 1067));

    photo_site("{ widths = [7728] }")
        .file("site/photos/sea.jpg", &big)
        .args(["build"])
        .run()
        .code(3)
        .stderr_has("step 1 (`images`) failed on photos/sea.jpg: plugin `images` failed in `site-step.run`: exceeded its time limit of 5s")
        .stderr_has("raise `time-limit-ms` under [plugins] in workbench.toml");
}
