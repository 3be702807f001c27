//! YAML front matter: a `---` line, YAML, then a `---` (or `...`) line, before the body.
//! Blog engines (Jekyll, Hugo, Hexo) and crawlers write articles this way.

use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

use crate::document::Diagnostic;

/// Splits `text` into its front matter fields and the body after it. Text without front
/// matter comes back whole with no fields; front matter that is not valid YAML is dropped
/// from the body with a diagnostic.
pub(super) fn split<'a>(text: &'a str, diagnostics: &mut Vec<Diagnostic>) -> (Map<String, Value>, &'a str) {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(after_open) = trimmed.strip_prefix("---") else { return (Map::new(), text) };
    let Some(after_open) = after_open.strip_prefix("\r\n").or_else(|| after_open.strip_prefix('\n')) else {
        return (Map::new(), text);
    };
    // Find the closing line.
    let mut offset = 0;
    let mut close = None;
    for line in after_open.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare == "---" || bare == "..." {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = close else {
        diagnostics.push(Diagnostic::new("the front matter has no closing '---' line; read it as part of the text"));
        return (Map::new(), text);
    };
    let yaml = &after_open[..yaml_end];
    let body = &after_open[body_start..];
    match YamlLoader::load_from_str(yaml) {
        Ok(docs) => match docs.into_iter().next().map(to_json) {
            Some(Value::Object(map)) => (map, body),
            None | Some(Value::Null) => (Map::new(), body),
            Some(_) => {
                diagnostics.push(Diagnostic::new("the front matter is not a list of fields; it was left out"));
                (Map::new(), body)
            }
        },
        Err(err) => {
            diagnostics.push(Diagnostic::new(format!("the front matter is not valid YAML ({err}); it was left out")));
            (Map::new(), body)
        }
    }
}

fn to_json(yaml: Yaml) -> Value {
    match yaml {
        Yaml::Real(s) => s.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::String(s), Value::Number),
        Yaml::Integer(i) => Value::from(i),
        Yaml::String(s) => Value::String(s),
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Yaml::Hash(hash) => Value::Object(
            hash.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) | Yaml::Real(s) => s,
                        Yaml::Integer(i) => i.to_string(),
                        Yaml::Boolean(b) => b.to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_returns_the_body() {
        let mut d = Vec::new();
        let (meta, body) = split("---\ntitle: '标题'\ncategories:\n - 金融\ncomments: false\n---\n\n<p>正文</p>", &mut d);
        assert_eq!(meta["title"], "标题");
        assert_eq!(meta["categories"][0], "金融");
        assert_eq!(meta["comments"], false);
        assert_eq!(body.trim(), "<p>正文</p>");
        assert!(d.is_empty());
    }

    #[test]
    fn text_without_front_matter_is_untouched() {
        let mut d = Vec::new();
        let (meta, body) = split("<p>---</p>", &mut d);
        assert!(meta.is_empty());
        assert_eq!(body, "<p>---</p>");
    }

    #[test]
    fn broken_yaml_is_a_diagnostic() {
        let mut d = Vec::new();
        let (meta, body) = split("---\ntitle: [unclosed\n---\nbody", &mut d);
        assert!(meta.is_empty());
        assert_eq!(body, "body");
        assert_eq!(d.len(), 1);
    }
}
