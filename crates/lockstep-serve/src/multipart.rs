//! `multipart/form-data` bodies (RFC 7578), as a browser sends a form with a file input: the
//! upload form of the cases page. Only what such a form sends is read: each part's
//! `Content-Disposition` name and filename and its bytes; anything malformed is a 400 naming
//! what is wrong.

use crate::error::{Result, ServeError};

/// One field of the form.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The field name.
    pub name: String,
    /// The file name, for a file input.
    pub filename: Option<String>,
    /// The field's bytes.
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type, or `None` for another type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

fn bad(what: &str) -> ServeError {
    ServeError::BadRequest(format!("multipart/form-data body: {what}"))
}

/// Splits a body into its parts.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>> {
    let b = boundary(content_type).ok_or_else(|| bad("no boundary in the Content-Type"))?;
    let delim = format!("--{b}");
    let next_delim = format!("\r\n--{b}");
    let mut at =
        find(body, delim.as_bytes(), 0).ok_or_else(|| bad("no opening boundary"))? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err(bad("a boundary is not followed by a line break"));
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at)
            .ok_or_else(|| bad(&format!("part {}: headers not ended", parts.len() + 1)))?;
        let head = std::str::from_utf8(&body[at..head_end])
            .map_err(|_| bad(&format!("part {}: headers are not UTF-8", parts.len() + 1)))?;
        let end = find(body, next_delim.as_bytes(), head_end + 4)
            .ok_or_else(|| bad(&format!("part {}: no closing boundary", parts.len() + 1)))?;
        let (name, filename) = disposition(head)
            .ok_or_else(|| bad(&format!("part {}: no form-data name", parts.len() + 1)))?;
        parts.push(Part {
            name,
            filename,
            data: body[head_end + 4..end].to_vec(),
        });
        at = end + next_delim.len();
    }
}

/// `name` and `filename` of a part's `Content-Disposition: form-data; name="…"; filename="…"`.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.split("\r\n").find(|l| {
        l.split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, v) = line.split_once(':')?;
    let mut fields = v.split(';');
    if !fields.next()?.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    let mut name = None;
    let mut filename = None;
    for f in fields {
        let Some((k, v)) = f.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "filename" => filename = Some(v),
            _ => {}
        }
    }
    Some((name?, filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=----x7";

    #[test]
    fn a_browser_form_with_a_file_is_split_into_its_fields() {
        let body = b"------x7\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n------x7\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"inv.tar\"\r\nContent-Type: application/x-tar\r\n\r\n\x00\r\n--\x01bytes\r\n------x7--\r\n";
        let parts = parse(CT, body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), &parts[0].data[..]),
            ("csrf", &b"tok"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("inv.tar"));
        assert_eq!(parts[1].data, b"\x00\r\n--\x01bytes");
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        for (ct, body, says) in [
            ("multipart/form-data", &b"x"[..], "no boundary"),
            (CT, b"nothing", "no opening boundary"),
            (
                CT,
                b"------x7\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
                "no closing boundary",
            ),
            (
                CT,
                b"------x7\r\nContent-Type: text/plain\r\n\r\nv\r\n------x7--",
                "no form-data name",
            ),
            (
                CT,
                b"------x7\r\nContent-Disposition: form-data; name=\"a\"",
                "headers not ended",
            ),
        ] {
            let e = parse(ct, body).unwrap_err();
            assert_eq!(e.status(), 400);
            assert!(e.to_string().contains(says), "{e}");
        }
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(
            boundary("multipart/form-data; boundary=\"ab\""),
            Some("ab".into())
        );
    }
}
