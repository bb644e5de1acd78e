//! Validates SARIF logs against the official SARIF 2.1.0 schema vendored in
//! `testdata/sarif/`. Shared by the library's and the CLI's tests (included with `#[path]`).

use std::path::PathBuf;
use std::sync::OnceLock;

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

fn schema_path() -> PathBuf {
    // Both including crates sit two levels below the repository root or at it.
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [here.join("testdata"), here.join("../../testdata")]
        .into_iter()
        .map(|d| d.join("sarif/sarif-schema-2.1.0.json"))
        .find(|p| p.exists())
        .expect("testdata/sarif/sarif-schema-2.1.0.json is vendored")
}

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(schema_path()).expect("schema readable");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        let mut compiler = boon::Compiler::new();
        // `uri` formats are checked too: a malformed artifact URI is a real defect.
        compiler.enable_format_assertions();
        compiler
            .add_resource("urn:kordon:sarif-schema-2.1.0", schema)
            .expect("schema added");
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile("urn:kordon:sarif-schema-2.1.0", &mut schemas)
            .expect("the SARIF schema compiles");
        Validator { schemas, index }
    })
}

/// Panics with every schema violation when `sarif` is not a valid SARIF 2.1.0 log.
pub fn assert_valid_sarif(sarif: &serde_json::Value) {
    let validator = validator();
    if let Err(error) = validator.schemas.validate(sarif, validator.index) {
        panic!("SARIF does not match the 2.1.0 schema:\n{error:#}");
    }
}

/// Parses `text` as JSON and validates it; returns the value.
pub fn valid_sarif(text: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(text).expect("SARIF output is JSON");
    assert_valid_sarif(&value);
    value
}
