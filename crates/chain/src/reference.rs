//! Test support: the real SSV network ABIs kept in the repository (`contracts/reference/`, copied
//! from the public sources named in its README), to check hand-written signatures against.

/// Signatures (`Name(type,...)`, tuples spelled out) of the `kind` items ("error", "event") of a
/// reference ABI file.
pub fn signatures(file: &str, kind: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../contracts/reference")
        .join(file);
    let abi: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    let items = abi.get("abi").unwrap_or(&abi).as_array().unwrap().clone();
    items
        .iter()
        .filter(|item| item["type"] == kind)
        .map(|item| {
            format!(
                "{}({})",
                item["name"].as_str().unwrap(),
                types(&item["inputs"])
            )
        })
        .collect()
}

fn types(inputs: &serde_json::Value) -> String {
    inputs
        .as_array()
        .unwrap()
        .iter()
        .map(|input| {
            let ty = input["type"].as_str().unwrap();
            match ty.strip_prefix("tuple") {
                Some(suffix) => format!("({}){suffix}", types(&input["components"])),
                None => ty.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
