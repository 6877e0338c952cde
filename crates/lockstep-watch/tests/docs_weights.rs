//! docs/watch.md's re-registration weight table and bias are the constants the code uses.

use lockstep_watch::reregistration::{BIAS, WEIGHTS};

#[test]
fn the_documented_weights_are_the_code_s() {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/watch.md");
    let doc = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let start = doc
        .find("| evidence | weight (log-odds) |")
        .unwrap_or_else(|| panic!("{p}: no re-registration weight table"));
    let mut documented = Vec::new();
    for line in doc[start..].lines().skip(2) {
        if !line.starts_with('|') {
            break;
        }
        let cell = line.trim_end_matches('|').rsplit('|').next().unwrap_or("");
        for part in cell.split('/') {
            let num: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            documented.push(
                num.parse::<f64>()
                    .unwrap_or_else(|_| panic!("{p}: weight cell `{cell}`")),
            );
        }
    }
    let w = &WEIGHTS;
    let code = [
        w.partner,
        w.amplify,
        w.amplify_many,
        w.template,
        w.template_many,
        w.suspended_stem,
        w.generated_handle,
        w.created_after_suspension,
        w.creation_burst,
        w.client,
        w.device_or_ip,
    ];
    assert_eq!(
        documented, code,
        "{p}: the weight table differs from reregistration::WEIGHTS"
    );
    let bias = format!("(bias −{}", -BIAS);
    assert!(
        doc.contains(&bias),
        "{p}: the bias is not documented as `{bias}`"
    );
}
