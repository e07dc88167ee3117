//! An HTML body as readable lines: the text with its headings, paragraphs, list items and
//! line breaks; form fields and buttons summarised (`[input otp]`, `[button Submit]`);
//! scripts and styles dropped; entities decoded. A small converter rather than a browser
//! engine: the pages an explorer meets (3-D Secure challenges, merchant landings, error
//! pages) are simple, and what matters is what a person would read and could fill in.
//! The lines are not yet safe for a terminal: the caller sanitises them.

/// What a line is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<title>` and `<h1>`…`<h6>`.
    Heading,
    Text,
    /// A form, a field or a button, summarised in brackets.
    Field,
}

/// One readable line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlLine {
    pub kind: Kind,
    pub text: String,
}

/// Elements whose start and end break the text into lines.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "main",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "form",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "blockquote",
    "fieldset",
    "legend",
    "figure",
    "figcaption",
    "body",
    "html",
    "address",
    "details",
    "summary",
];

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "svg", "head"];

struct Tag {
    name: String,
    end: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

#[derive(Default)]
struct Out {
    lines: Vec<HtmlLine>,
    line: String,
    kind: Option<Kind>,
    space: bool,
    pre: usize,
    /// Where the text of an open `<button>` starts in `line`.
    button: Option<usize>,
    /// The `href` of an open link and where its text starts.
    link: Option<(String, usize)>,
    /// Counters of open lists (`None` for `<ul>`).
    lists: Vec<Option<u32>>,
}

impl Out {
    fn text(&mut self, text: &str) {
        if self.pre > 0 {
            for (i, part) in text.split('\n').enumerate() {
                if i > 0 {
                    self.flush_keep_empty();
                }
                self.line.push_str(part);
            }
            return;
        }
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
                self.space = false;
                self.line.push(c);
            }
        }
    }

    /// Inline text that stands apart from its neighbours (a field summary).
    fn word(&mut self, text: &str) {
        if !self.line.is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
        self.line.push_str(text);
        self.space = true;
        if self.kind.is_none() {
            self.kind = Some(Kind::Field);
        }
    }

    fn flush(&mut self) {
        let text = self.line.trim_end().to_string();
        if !text.is_empty() {
            self.lines.push(HtmlLine {
                kind: self.kind.unwrap_or(Kind::Text),
                text,
            });
        }
        self.line.clear();
        self.kind = None;
        self.space = false;
        self.button = None;
    }

    fn flush_keep_empty(&mut self) {
        self.lines.push(HtmlLine {
            kind: self.kind.unwrap_or(Kind::Text),
            text: self.line.trim_end().to_string(),
        });
        self.line.clear();
    }

    /// A field on a line of its own.
    fn field_line(&mut self, text: String) {
        self.flush();
        self.lines.push(HtmlLine {
            kind: Kind::Field,
            text,
        });
    }

    fn start(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        match name {
            "br" => {
                if self.line.is_empty() {
                    self.flush_keep_empty();
                } else {
                    self.flush();
                }
            }
            "hr" => self.field_line("────────".into()),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                self.kind = Some(Kind::Heading);
            }
            "pre" => {
                self.flush();
                self.pre += 1;
            }
            "li" => {
                self.flush();
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "• ".to_string(),
                };
                self.line.push_str(&bullet);
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.push((name == "ol").then_some(0));
            }
            "dt" => self.flush(),
            "td" | "th" if !self.line.is_empty() => self.line.push_str("  "),
            "form" => {
                let method = tag.attr("method").unwrap_or("GET").to_ascii_uppercase();
                let action = tag.attr("action").unwrap_or("(this page)");
                self.field_line(format!("[form {method} {action}]"));
            }
            "input" => {
                let kind = tag.attr("type").unwrap_or("text").to_ascii_lowercase();
                let name = tag.attr("name").or(tag.attr("id")).unwrap_or(&kind);
                let value = tag.attr("value");
                let text = match (kind.as_str(), value) {
                    ("submit" | "button" | "reset", v) => format!("[button {}]", v.unwrap_or(name)),
                    ("hidden", Some(v)) => format!("[hidden {name}={v}]"),
                    ("hidden", None) => format!("[hidden {name}]"),
                    ("checkbox" | "radio", _) => format!("[{kind} {name}]"),
                    ("password", _) => format!("[password {name}]"),
                    (_, Some(v)) => format!("[input {name}={v}]"),
                    (_, None) => format!("[input {name}]"),
                };
                self.word(&text);
            }
            "button" => {
                if !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
                self.button = Some(self.line.len());
                self.space = false;
            }
            "img" => {
                if let Some(alt) = tag.attr("alt") {
                    self.word(&format!("[image {alt}]"));
                }
            }
            "a" => {
                if let Some(href) = tag.attr("href") {
                    self.link = Some((href.to_string(), self.line.len()));
                }
            }
            "meta"
                if tag
                    .attr("http-equiv")
                    .is_some_and(|v| v.eq_ignore_ascii_case("refresh")) =>
            {
                let content = tag.attr("content").unwrap_or("");
                self.field_line(format!("[refresh {content}]"));
            }
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "dd" | "tr" | "p" => self.flush(),
            "pre" => {
                if !self.line.is_empty() {
                    self.flush_keep_empty();
                }
                self.pre = self.pre.saturating_sub(1);
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.pop();
            }
            "dt" => {
                let label = self.line.trim_end().to_string();
                self.line = format!("{label}: ");
                self.space = false;
            }
            "button" => {
                if let Some(start) = self.button.take() {
                    let label = self.line.get(start..).unwrap_or("").trim().to_string();
                    self.line.truncate(start);
                    self.word(&format!("[button {label}]"));
                }
            }
            "a" => {
                if let Some((href, start)) = self.link.take() {
                    let label = self.line.get(start..).unwrap_or("").trim().to_string();
                    if !href.starts_with('#') && label != href {
                        self.line.push_str(&format!(" → {href}"));
                    }
                }
            }
            // Side by side on a page (a flex row, a label before its field): apart here.
            "span" | "label" | "td" | "th" => self.space = true,
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }
}

/// The readable lines of `html`.
pub fn readable(html: &str) -> Vec<HtmlLine> {
    let mut out = Out::default();
    let mut title = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.text(&decode(rest));
            break;
        };
        out.text(&decode(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        let Some((tag, after)) = parse_tag(rest) else {
            // A `<` that opens no tag is text.
            out.text("<");
            rest = &rest[1..];
            continue;
        };
        rest = after;
        if tag.end {
            out.end(&tag.name);
            continue;
        }
        match tag.name.as_str() {
            "title" => {
                let (text, after) = raw_text(rest, "title");
                title = Some(collapse(&decode(text)));
                rest = after;
            }
            "textarea" | "select" => {
                let name = tag.attr("name").or(tag.attr("id")).unwrap_or("");
                out.word(&format!("[{} {name}]", tag.name).replace(" ]", "]"));
                rest = raw_text(rest, &tag.name).1;
            }
            name if HIDDEN.contains(&name) => {
                // The head keeps its title and a refresh; the rest is not shown.
                if name == "head" {
                    let (head, after) = raw_text(rest, "head");
                    title = title.or_else(|| head_title(head));
                    if let Some(refresh) = readable_refresh(head) {
                        out.field_line(refresh);
                    }
                    rest = after;
                } else {
                    rest = raw_text(rest, name).1;
                }
            }
            _ => out.start(&tag),
        }
    }
    out.flush();
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        out.lines.insert(
            0,
            HtmlLine {
                kind: Kind::Heading,
                text: title,
            },
        );
    }
    out.lines
}

fn head_title(head: &str) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let (text, _) = raw_text(&head[open_end..], "title");
    Some(collapse(&decode(text)))
}

fn readable_refresh(head: &str) -> Option<String> {
    let mut rest = head;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        match parse_tag(rest) {
            Some((tag, after)) => {
                if tag.name == "meta"
                    && tag
                        .attr("http-equiv")
                        .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
                {
                    return Some(format!("[refresh {}]", tag.attr("content").unwrap_or("")));
                }
                rest = after;
            }
            None => rest = &rest[1..],
        }
    }
    None
}

/// Whitespace runs as single spaces, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text up to `</name` (any case) and what follows its `>`.
fn raw_text<'a>(text: &'a str, name: &str) -> (&'a str, &'a str) {
    let needle = format!("</{name}");
    let lower = text.to_ascii_lowercase();
    match lower.find(&needle) {
        Some(at) => {
            let after = &text[at..];
            let close = after.find('>').map_or(after.len(), |i| i + 1);
            (&text[..at], &after[close..])
        }
        None => (text, ""),
    }
}

/// `<name attr="v" …>` or `</name>` at the start of `text`, and what follows it.
fn parse_tag(text: &str) -> Option<(Tag, &str)> {
    let bytes = text.as_bytes();
    let mut i = 1;
    let end = bytes.get(i) == Some(&b'/');
    if end {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = text[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'>') => break,
            Some(_) => {}
        }
        let key_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            if bytes[i].is_ascii_whitespace() {
                break;
            }
            i += 1;
        }
        let key = text[key_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let start = i + 1;
                    let close = text[start..].find(q as char)? + start;
                    value = decode(&text[start..close]);
                    i = close + 1;
                }
                Some(_) => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode(&text[start..i]);
                }
                None => return None,
            }
        }
        // An empty name stands only before `=`, whose value was just read: i moved on.
        if !key.is_empty() {
            attrs.push((key, value));
        }
    }
    Some((Tag { name, end, attrs }, &text[i + 1..]))
}

/// Named entities a page is likely to use; anything else is left as written.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("middot", "·"),
    ("bull", "•"),
    ("hellip", "…"),
    ("ndash", "–"),
    ("mdash", "—"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("times", "×"),
    ("rarr", "→"),
    ("larr", "←"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
];

/// Decodes `&amp;`, `&#39;`, `&#x2F;` and the named entities above.
pub fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 12)
            .and_then(|semi| entity(&rest[1..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push_str(&c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        readable(html).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn scripts_comments_and_entities() {
        assert_eq!(
            texts(
                "<p>a &lt;b&gt; &#39;c&#x27; &unknown; &amp</p><script>alert('<p>x</p>')</script>\
                 <!-- <p>hidden</p> --><ul><li>one</li><li>two<br>three</li></ul>\
                 <ol><li>first</ol><a href=\"/next\">go on</a> <img alt=\"logo\">"
            ),
            [
                "a <b> 'c' &unknown; &amp",
                "• one",
                "• two",
                "three",
                "1. first",
                "go on → /next [image logo]",
            ]
        );
    }

    #[test]
    fn broken_markup_never_loops_or_panics() {
        for html in [
            "<",
            "<a",
            "<a href=\"x",
            "</",
            "<p>unclosed",
            "<<>>",
            "<input type=hidden name=t value=abc>",
            "<pre>a\n  b</pre>",
            "&#xffffffff; &#;",
        ] {
            let _ = readable(html);
        }
        assert_eq!(texts("<pre>a\n  b</pre>"), ["a", "  b"]);
        assert_eq!(
            texts("<input type=hidden name=t value=abc>"),
            ["[hidden t=abc]"]
        );
    }
}
