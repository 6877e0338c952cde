//! The OpenAPI 3 document of the JSON API, served at `/api/v1/openapi.json`. Its paths are
//! generated from [`crate::http::ROUTES`], so a route cannot be missing from it.

use crate::decisions::Action;
use crate::http::ROUTES;
use serde_json::{Value, json};

fn body_schema(method: &str, path: &str) -> Option<Value> {
    let s = match (method, path) {
        ("POST", "/api/v1/login") => {
            json!({"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})
        }
        ("POST", "/api/v1/cases") => {
            json!({"type": "object", "required": ["dir"], "properties": {"dir": {"type": "string", "description": "investigation directory, relative to the server's --import-root"}, "name": {"type": "string"}}})
        }
        ("POST", "/api/v1/decisions") => {
            json!({"type": "object", "required": ["case_id", "target", "action"], "properties": {
            "case_id": {"type": "integer"},
            "target": {"oneOf": [
                {"type": "object", "required": ["network"], "properties": {"network": {"type": "integer", "minimum": 0}}, "additionalProperties": false},
                {"type": "object", "required": ["account"], "properties": {"account": {"type": "string"}}, "additionalProperties": false}
            ]},
            "action": {"type": "string", "enum": Action::ALL.map(|a| a.as_str())},
            "exclusions": {"type": "array", "items": {"type": "string"}},
            "reason": {"type": "string"}}})
        }
        ("POST", p) if p.ends_with("/approve") || p.ends_with("/reject") => {
            json!({"type": "object", "properties": {"note": {"type": "string"}}})
        }
        ("POST", "/api/v1/users") => {
            json!({"type": "object", "required": ["username", "role", "password"], "properties": {"username": {"type": "string"}, "role": {"type": "string", "enum": ["analyst", "reviewer", "admin"]}, "password": {"type": "string"}}})
        }
        ("POST", "/api/v1/ads/screen") => {
            let ad = json!({"type": "object",
                "required": lockstep_ads::input::REQUIRED,
                "properties": {
                    "ad_id": {"type": ["string", "integer"]}, "advertiser": {"type": "string"},
                    "payer": {"type": "string"}, "landing_url": {"type": "string"},
                    "ad_text": {"type": "string"}, "spend": {"type": ["string", "number"]},
                    "currency": {"type": "string", "description": "ISO 4217 code"},
                    "submitted_at": {"type": "string"}, "userid": {"type": ["string", "integer", "null"]},
                    "page_id": {"type": ["string", "integer", "null"]}}});
            json!({"oneOf": [
                ad.clone(),
                {"type": "array", "items": ad.clone(), "minItems": 1, "maxItems": crate::ads::MAX_ADS_PER_REQUEST},
                {"type": "object", "required": ["ads"], "properties": {
                    "ads": {"type": "array", "items": ad, "minItems": 1, "maxItems": crate::ads::MAX_ADS_PER_REQUEST},
                    "case_id": {"type": "integer", "description": "ads by accounts this case judged inauthentic go to review"}}}
            ]})
        }
        _ => return None,
    };
    Some(s)
}

fn query_params(method: &str, path: &str) -> Vec<Value> {
    let int = |name: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "integer"}, "description": d});
    let string = |name: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": d});
    match (method, path) {
        ("GET", "/api/v1/cases/{case}/networks/{network}") => vec![
            string("verdict", "only members with this verdict"),
            string("role", "only members with this role"),
            int("offset", "members to skip"),
            int("limit", "members per page, 1..=1000 (default 100)"),
        ],
        ("GET", "/api/v1/decisions") => vec![
            string("state", "proposed, rejected or applied"),
            int("case_id", "only this case"),
            int("limit", "at most this many (default 100)"),
        ],
        ("GET", "/api/v1/enforcements") | ("GET", "/api/v1/audit") => vec![
            int(
                "after",
                "only entries with a larger id / seq (resume point)",
            ),
            int("limit", "at most this many (default 1000)"),
        ],
        _ => Vec::new(),
    }
}

/// The document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, who) in ROUTES.iter().filter(|(_, p, _)| p.starts_with("/api/")) {
        let mut params: Vec<Value> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let schema = if matches!(name, "account") {
                    json!({"type": "string"})
                } else {
                    json!({"type": "integer"})
                };
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        params.extend(query_params(method, path));
        let mut responses = serde_json::Map::new();
        let ok = match (*method, *path) {
            ("POST", "/api/v1/cases" | "/api/v1/decisions" | "/api/v1/users") => "201",
            ("POST", "/api/v1/logout") => "204",
            _ => "200",
        };
        let ok_body = if ok == "204" {
            json!({"description": "done"})
        } else {
            json!({"description": "success", "content": {"application/json": {"schema": {"type": ["object", "array"]}}}})
        };
        responses.insert(ok.into(), ok_body);
        let err = json!({"description": "refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        for code in ["400", "401", "403", "404", "409", "413", "429"] {
            responses.insert(code.into(), err.clone());
        }
        let mut op = json!({
            "summary": format!("{method} {path}"),
            "description": format!("Who may call it: {who}."),
            "parameters": params,
            "responses": responses,
        });
        if let Some(s) = body_schema(method, path) {
            op["requestBody"] = json!({"required": !path.ends_with("/approve") && !path.ends_with("/reject"), "content": {"application/json": {"schema": s}}});
        }
        if (*method, *path) == ("POST", "/api/v1/cases") {
            op["requestBody"]["content"]["application/x-tar"] = json!({"schema": {"type": "string", "format": "binary", "description": "an investigation directory as a tar archive (files at the top or in one directory); optional query parameter `name`"}});
            if let Some(ps) = op["parameters"].as_array_mut() {
                ps.push(json!({"name": "name", "in": "query", "required": false, "schema": {"type": "string"}, "description": "case name for an uploaded archive (default `upload`)"}));
            }
        }
        if *who == "anyone" {
            op["security"] = json!([]);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Lockstep case server", "version": env!("CARGO_PKG_VERSION"), "description": "Cases, two-person enforcement decisions, the enforcement feed and the audit log (docs/serve.md)."},
        "paths": paths,
        "components": {
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::http::SESSION_COOKIE, "description": "state-changing requests also need the X-CSRF-Token header"},
                "token": {"type": "http", "scheme": "bearer"}
            }
        },
        "security": [{"session": []}, {"token": []}],
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_documented() {
        let d = super::document();
        for (m, p, _) in crate::http::ROUTES
            .iter()
            .filter(|(_, p, _)| p.starts_with("/api/"))
        {
            assert!(
                d["paths"][p][m.to_lowercase()].is_object(),
                "{m} {p} missing"
            );
        }
    }
}
