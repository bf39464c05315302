//! `rswappalyzer-bench FILE...`: rswappalyzer's detection over each file as
//! an HTTP response body (no headers), printing how many technologies it
//! found in total, so the work cannot be optimized away.

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let detector = pollster::block_on(rswappalyzer::TechDetector::new(rswappalyzer::RuleConfig::default()))
        .expect("rswappalyzer loads its embedded rules");
    let headers = http::HeaderMap::new();
    let mut found = 0;
    for file in &files {
        let body = std::fs::read(file).expect("read page");
        let url = format!("https://example.com/{file}");
        let result = detector.detect(&headers, &[url.as_str()], &body).expect("detect");
        found += result.tech_list().len();
    }
    println!("{} pages, {found} technologies", files.len());
}
