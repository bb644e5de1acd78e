//! Scan a manifest held in memory and print each finding with its line and column.
//!
//! `cargo run -p kordon --example scan_string`

use kordon::{Scanner, Source};

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
";

fn main() {
    let scanner = match Scanner::builder().build() {
        Ok(scanner) => scanner,
        Err(error) => {
            eprintln!("cannot load rules: {error}");
            std::process::exit(2);
        }
    };
    let report = scanner.scan_sources(vec![Source::new("deployment.yaml", MANIFEST)]);
    for finding in &report.findings {
        println!(
            "{}:{}:{}: {} [{}] {}",
            finding.location.file,
            finding.location.start.line,
            finding.location.start.column,
            finding.severity,
            finding.rule_id,
            finding.message
        );
    }
    println!("{}", kordon::report::summary_line(&report));
}
