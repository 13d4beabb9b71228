//! Templates to emails. minijinja renders in a sandbox: no loader (nothing to include
//! or import), a fuel budget and a recursion limit (no endless loops), an output cap.
//! A template is checked when it is saved, so a send never meets a broken one:
//! every variable it names must be one of [`VARIABLES`], its syntax must parse, and a
//! trial render against sample data must succeed. The rendered HTML is then sanitised
//! (ammonia: no scripts, no event handlers, no `javascript:` links), and gets its
//! plain-text part.

use kite_shared::FieldError;
use kite_shared::marketing::templates::{MAX_SUBJECT_CHARS, VARIABLES};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde_json::{Value, json};
use std::borrow::Cow;

/// Instructions one render may run: far more than any real email needs.
const FUEL: u64 = 100_000;
const RECURSION_LIMIT: usize = 16;
/// The most HTML one render may produce.
const MAX_OUTPUT_BYTES: usize = 1024 * 1024;
/// Functions a template may call besides its variables.
const GLOBALS: [&str; 3] = ["range", "dict", "namespace"];
const SUBJECT: &str = "subject";
const BODY: &str = "body_html";

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{0:?}")]
    Invalid(Vec<FieldError>),
}

impl From<RenderError> for crate::CoreError {
    fn from(error: RenderError) -> Self {
        match error {
            RenderError::Invalid(errors) => crate::CoreError::Validation(errors),
        }
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    // A contact without a title prints nothing (and `default()` applies); naming a
    // variable that does not exist is caught when the template is saved.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(|name| {
        if name == BODY {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// Line and column (1-based, in characters) of a byte offset.
fn position(source: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

fn engine_error(field: &str, source: &str, error: &minijinja::Error) -> FieldError {
    let (code, what) = match error.kind() {
        ErrorKind::SyntaxError => ("template_syntax", "Syntax error"),
        ErrorKind::TemplateNotFound => ("include_not_allowed", "Templates cannot include other templates"),
        ErrorKind::OutOfFuel => (
            "template_too_costly",
            "The template runs for too long (a loop too large?)",
        ),
        ErrorKind::InvalidOperation if error.to_string().contains("recursion") => {
            ("template_too_deep", "The template nests or recurses too deeply")
        }
        ErrorKind::UnknownFilter => ("unknown_filter", "Unknown filter"),
        ErrorKind::UnknownFunction => ("unknown_function", "Unknown function"),
        ErrorKind::UnknownTest => ("unknown_test", "Unknown test"),
        _ => ("template_error", "The template cannot be rendered"),
    };
    let detail = error.detail().map(|d| format!(": {d}")).unwrap_or_default();
    let (line, column) = match (error.range(), error.line()) {
        (Some(range), _) => position(source, range.start),
        (None, Some(line)) => (u32::try_from(line).unwrap_or(u32::MAX), 1),
        (None, None) => (1, 1),
    };
    FieldError::new(field, code, format!("{what}{detail} (line {line}, column {column}).")).at(line, column)
}

/// `{% include %}`, `{% import %}`, `{% from %}` and `{% extends %}` name other
/// templates, which a sandboxed email has none of.
fn loads_templates(source: &str) -> Option<usize> {
    source.match_indices("{%").find_map(|(at, _)| {
        let rest = source.get(at + 2..)?.trim_start_matches(['-', '+']).trim_start();
        let word: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        matches!(word.as_str(), "include" | "import" | "from" | "extends").then_some(at)
    })
}

fn allowed_variable(name: &str) -> bool {
    if GLOBALS.contains(&name) {
        return true;
    }
    VARIABLES.iter().any(|(known, _)| {
        *known == name
            || known.split('.').next() == Some(name)
            || name.strip_prefix(known).is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Everything wrong with one field's template, each error with its line and column.
fn check_source(field: &str, source: &str) -> Vec<FieldError> {
    if let Some(at) = loads_templates(source) {
        let (line, column) = position(source, at);
        return vec![
            FieldError::new(
                field,
                "include_not_allowed",
                format!("Templates cannot include or import other templates (line {line}, column {column})."),
            )
            .at(line, column),
        ];
    }
    let env = environment();
    let template = match env.template_from_named_str(field_name(field), source) {
        Ok(template) => template,
        Err(error) => return vec![engine_error(field, source, &error)],
    };
    let mut unknown: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|name| !allowed_variable(name))
        .collect();
    unknown.sort();
    let mut errors: Vec<FieldError> = unknown
        .iter()
        .map(|name| {
            let at = source
                .find(name.as_str())
                .or_else(|| source.find(name.split('.').next().unwrap_or(name)))
                .unwrap_or(0);
            let (line, column) = position(source, at);
            FieldError::new(
                field,
                "unknown_variable",
                format!("Unknown variable `{name}` (line {line}, column {column})."),
            )
            .at(line, column)
        })
        .collect();
    if errors.is_empty()
        && let Err(error) = render_one(&env, field, source, &sample_context())
    {
        errors.push(error);
    }
    errors
}

/// The template names the engine sees: the body is escaped as HTML, the subject not.
fn field_name(field: &str) -> &'static str {
    if field == BODY { BODY } else { SUBJECT }
}

fn render_one(env: &Environment<'_>, field: &str, source: &str, context: &Value) -> Result<String, FieldError> {
    let template = env
        .template_from_named_str(field_name(field), source)
        .map_err(|e| engine_error(field, source, &e))?;
    let mut out = Capped::default();
    template.render_captured_to(context, &mut out).map_err(|e| {
        if out.overflowed {
            FieldError::new(
                field,
                "output_too_large",
                format!("The email would be larger than {} KiB.", MAX_OUTPUT_BYTES / 1024),
            )
        } else {
            engine_error(field, source, &e)
        }
    })?;
    String::from_utf8(out.bytes).map_err(|_| FieldError::new(field, "template_error", "The output is not text."))
}

/// A writer that refuses to grow past the output cap.
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("output too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks a subject and body as they would be saved.
pub fn check(subject: &str, body_html: &str) -> Result<(), RenderError> {
    let mut errors = check_source(SUBJECT, subject);
    errors.extend(check_source(BODY, body_html));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RenderError::Invalid(errors))
    }
}

/// What the preview shows when no contact is picked.
pub fn sample_context() -> Value {
    json!({
        "contact": {
            "first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace",
            "email": "ada@example.com", "phone": "+44 20 7946 0000", "title": "Head of Engineering",
            "lifecycle_stage": "lead",
        },
        "company": {"name": "Analytical Engines Ltd", "domain": "engines.example", "industry": "Machinery", "website": "https://engines.example"},
        "deal": {"title": "Difference engine", "value": "12,000.00 EUR", "stage": "Proposal"},
        "sender": {"name": "Sam Sender", "email": "sam@example.com"},
        "organization": {"name": "Kite"},
        "unsubscribe_url": "https://example.com/unsubscribe",
    })
}

/// How links of a sent email are rewritten, and what is added to it.
pub struct Tracking {
    /// Turns a link into its tracked redirect.
    pub click_url: std::sync::Arc<dyn Fn(&str) -> String + Send + Sync>,
    pub open_pixel_url: String,
    pub unsubscribe_url: String,
    /// Marketing email gets an unsubscribe link when its template has none; a
    /// person-to-person email does not.
    pub unsubscribe_footer: bool,
}

/// A rendered email: the subject, the sanitised HTML and its text part.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

const STYLE_PROPERTIES: [&str; 30] = [
    "background",
    "background-color",
    "border",
    "border-bottom",
    "border-collapse",
    "border-color",
    "border-left",
    "border-radius",
    "border-right",
    "border-top",
    "color",
    "display",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "height",
    "letter-spacing",
    "line-height",
    "margin",
    "max-width",
    "padding",
    "text-align",
    "text-decoration",
    "text-transform",
    "vertical-align",
    "white-space",
    "width",
    "word-break",
];

fn cleaner<'a>() -> ammonia::Builder<'a> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["style", "align", "valign", "width", "height", "bgcolor", "dir"])
        .add_tag_attributes("table", ["border", "cellpadding", "cellspacing"])
        .add_tag_attributes("font", ["color", "face", "size"])
        .add_tags(["font", "center"])
        .filter_style_properties(STYLE_PROPERTIES.into_iter().collect())
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    builder
}

/// HTML someone sent us, safe to show: the same rules as a template's body.
pub fn sanitize(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// ammonia's filters return a value borrowed from the attribute they are given.
fn attribute_filter<F>(filter: F) -> F
where
    F: for<'u> Fn(&str, &str, &'u str) -> Option<Cow<'u, str>> + Send + Sync + 'static,
{
    filter
}

/// Renders a checked template for one recipient. `tracking` is None for previews.
pub fn render(
    subject: &str,
    body_html: &str,
    context: &Value,
    tracking: Option<&Tracking>,
) -> Result<Rendered, RenderError> {
    let env = environment();
    let subject = render_one(&env, SUBJECT, subject, context).map_err(|e| RenderError::Invalid(vec![e]))?;
    let subject: String = subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_SUBJECT_CHARS)
        .collect();
    let raw = render_one(&env, BODY, body_html, context).map_err(|e| RenderError::Invalid(vec![e]))?;
    let mut html = match tracking {
        Some(tracking) => {
            let unsubscribe = tracking.unsubscribe_url.clone();
            let click_url = tracking.click_url.clone();
            let rewrite = attribute_filter(move |element, attribute, value| {
                if element == "a"
                    && attribute == "href"
                    && (value.starts_with("http://") || value.starts_with("https://"))
                    && value != unsubscribe
                {
                    return Some(Cow::Owned(click_url(value)));
                }
                Some(Cow::Borrowed(value))
            });
            let mut builder = cleaner();
            builder.attribute_filter(rewrite);
            builder.clean(&raw).to_string()
        }
        None => cleaner().clean(&raw).to_string(),
    };
    if let Some(tracking) = tracking {
        if tracking.unsubscribe_footer && !body_html.contains("unsubscribe_url") {
            html.push_str(&format!(
                r#"<p style="font-size:12px;color:#6b7280">Don't want these emails? <a href="{}">Unsubscribe</a>.</p>"#,
                tracking.unsubscribe_url
            ));
        }
        html.push_str(&format!(
            r#"<img src="{}" width="1" height="1" alt="" style="display:none">"#,
            tracking.open_pixel_url
        ));
    }
    let text = html2text::from_read(html.as_bytes(), 78).unwrap_or_default();
    Ok(Rendered { subject, html, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(subject: &str, body: &str) -> Vec<FieldError> {
        match check(subject, body) {
            Ok(()) => Vec::new(),
            Err(RenderError::Invalid(errors)) => errors,
        }
    }

    #[test]
    fn a_known_variable_with_a_default_and_a_conditional_passes() {
        assert!(
            errors(
                "Hi {{ contact.first_name | default(\"there\") }}",
                "{% if company.name %}<p>{{ company.name }}</p>{% endif %}<a href=\"{{ unsubscribe_url }}\">x</a>"
            )
            .is_empty()
        );
    }

    #[test]
    fn an_unknown_variable_is_named_with_its_line_and_column() {
        let found = errors("Hello", "<p>Hi</p>\n  <p>{{ contact.shoe_size }}</p>");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "body_html");
        assert_eq!(found[0].code, "unknown_variable");
        assert_eq!((found[0].line, found[0].column), (Some(2), Some(9)));
    }

    #[test]
    fn an_unknown_variable_in_a_branch_not_taken_is_still_found() {
        let found = errors("Hello", "{% if not contact.title %}{{ bogus }}{% endif %}");
        assert_eq!(found[0].code, "unknown_variable", "{found:?}");
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let found = errors("Hello {{ contact.first_name", "<p>ok</p>");
        assert_eq!(found[0].field, "subject");
        assert_eq!(found[0].code, "template_syntax");
        assert_eq!(found[0].line, Some(1));
    }

    #[test]
    fn includes_are_refused() {
        let found = errors("Hi", "<p>x</p>\n{% include \"secrets.html\" %}");
        assert_eq!(found[0].code, "include_not_allowed");
        assert_eq!(found[0].line, Some(2));
    }

    #[test]
    fn an_endless_loop_runs_out_of_fuel() {
        let found = errors(
            "Hi",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        );
        assert!(
            found
                .iter()
                .any(|e| e.code == "template_too_costly" || e.code == "output_too_large"),
            "{found:?}"
        );
    }

    #[test]
    fn recursion_is_bounded() {
        let found = errors("Hi", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        assert!(!found.is_empty());
    }

    #[test]
    fn a_missing_value_prints_the_default() {
        let context = json!({"contact": {"last_name": "Lovelace"}});
        let rendered = render(
            "Hi {{ contact.first_name | default(\"there\") }}",
            "<p>{{ deal.title }}</p>",
            &context,
            None,
        )
        .expect("renders");
        assert_eq!(rendered.subject, "Hi there");
        assert_eq!(rendered.html, "<p></p>");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let body = r#"<p onclick="steal()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src=x onerror="alert(1)">"#;
        let rendered = render("s", body, &sample_context(), None).expect("renders");
        for bad in ["<script", "onclick", "onerror", "javascript:"] {
            assert!(!rendered.html.contains(bad), "{bad} left in {}", rendered.html);
        }
        assert!(rendered.html.contains("<p>Hi</p>"));
    }

    #[test]
    fn values_are_escaped_in_the_body_but_not_in_the_subject() {
        let context = json!({"contact": {"first_name": "<b>Bo</b> & co"}});
        let rendered = render(
            "Hi {{ contact.first_name }}",
            "<p>{{ contact.first_name }}</p>",
            &context,
            None,
        )
        .expect("renders");
        assert_eq!(rendered.subject, "Hi <b>Bo</b> & co");
        assert!(
            rendered.html.contains("&lt;b&gt;Bo&lt;/b&gt; &amp; co"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn tracking_rewrites_links_adds_the_pixel_and_an_unsubscribe_link() {
        let tracking = Tracking {
            click_url: std::sync::Arc::new(|url: &str| format!("https://kite.test/t/c/{}", url.len())),
            open_pixel_url: "https://kite.test/t/o/abc".into(),
            unsubscribe_url: "https://kite.test/u/xyz".into(),
            unsubscribe_footer: true,
        };
        let rendered = render(
            "s",
            r#"<a href="https://example.com/pricing">Pricing</a> <a href="mailto:a@b.c">mail</a>"#,
            &sample_context(),
            Some(&tracking),
        )
        .expect("renders");
        assert!(
            rendered.html.contains(r#"href="https://kite.test/t/c/27""#),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains(r#"href="mailto:a@b.c""#));
        assert!(rendered.html.contains("https://kite.test/u/xyz"));
        assert!(rendered.html.contains("https://kite.test/t/o/abc"));
        assert!(rendered.text.contains("Pricing"));
    }
}
