//! Wrapping for the explorer's panes. Continuation lines hang under the value column of a
//! `label  value` line, and a token (a URL, a purchase id, a long hex or Base64 value) is
//! never broken: one that does not fit where the line stands moves to a line of its own,
//! and one wider than the whole width is cut with `…` (the screen names the key that
//! copies it whole). Widths are terminal columns (`unicode-width`), not bytes or chars.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use super::columns::width as width_of;

/// One logical line and how it wraps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Para {
    pub line: Line<'static>,
    /// Column where continuation lines start (the value column of a `label value` line).
    pub hang: usize,
    /// What the copy key copies while this line is under the cursor.
    pub copy: Option<String>,
}

impl Para {
    /// A line whose continuation lines start under its own leading spaces.
    pub fn plain(line: Line<'static>) -> Para {
        let hang = leading_spaces(&line);
        Para {
            line,
            hang,
            copy: None,
        }
    }

    /// `label` padded to `column`, then `value`: continuation lines start at `column`.
    pub fn kv(label: &str, column: usize, label_style: Style, value: Vec<Span<'static>>) -> Para {
        let used = width_of(label);
        let pad = " ".repeat(column.saturating_sub(used) + 1);
        let mut spans = vec![Span::styled(format!("{label}{pad}"), label_style)];
        spans.extend(value);
        Para {
            line: Line::from(spans),
            hang: column.max(used) + 1,
            copy: None,
        }
    }

    /// The same line, `text` copied by the copy key.
    pub fn copying(mut self, text: impl Into<String>) -> Para {
        self.copy = Some(text.into());
        self
    }
}

impl From<Line<'static>> for Para {
    fn from(line: Line<'static>) -> Para {
        Para::plain(line)
    }
}

/// A wrapped line: its screen lines, and whether a token had to be cut.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Wrapped {
    pub lines: Vec<Line<'static>>,
    pub cut: bool,
}

fn leading_spaces(line: &Line) -> usize {
    let mut n = 0;
    for span in &line.spans {
        let text = span.content.as_ref();
        let spaces = text.chars().take_while(|c| *c == ' ').count();
        n += spaces;
        if spaces < text.chars().count() {
            break;
        }
    }
    n
}

/// One grapheme of a line with its span's style: the unit a line is wrapped and cut in,
/// so a flag or an accented letter is never split across lines or by a `…`.
type Piece<'a> = (&'a str, Style);

/// A run of styled characters being assembled into a screen line.
#[derive(Default)]
struct Builder {
    spans: Vec<Span<'static>>,
    text: String,
    style: Style,
    width: usize,
    /// Whether a word has been placed (a line of only its indent is still empty).
    has_word: bool,
}

impl Builder {
    fn indented(columns: usize) -> Builder {
        Builder {
            text: " ".repeat(columns),
            width: columns,
            ..Builder::default()
        }
    }

    fn push(&mut self, g: &str, style: Style) {
        if style != self.style && !self.text.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.text), self.style));
        }
        self.style = style;
        self.text.push_str(g);
        self.width += width_of(g);
    }

    fn push_all(&mut self, pieces: &[Piece]) {
        for &(g, s) in pieces {
            self.push(g, s);
        }
    }

    fn finish(mut self, line_style: Style) -> Line<'static> {
        if !self.text.is_empty() {
            self.spans.push(Span::styled(self.text, self.style));
        }
        Line::from(self.spans).style(line_style)
    }
}

/// `pieces` cut to `columns` columns, the last one an ellipsis.
fn cut_to<'a>(pieces: &[Piece<'a>], columns: usize) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut used = 0;
    for &(g, s) in pieces {
        let w = width_of(g);
        if used + w + 1 > columns {
            break;
        }
        used += w;
        out.push((g, s));
    }
    let style = pieces.last().map_or(Style::default(), |(_, s)| *s);
    out.push(("…", style));
    out
}

/// Screen lines `para` takes at `width` columns (cheap when it fits on one).
pub fn rows_needed(para: &Para, width: usize) -> usize {
    if width == 0 || para.line.width() <= width {
        1
    } else {
        wrap(para, width).lines.len()
    }
}

/// Wraps `para` to `width` columns.
pub fn wrap(para: &Para, width: usize) -> Wrapped {
    if width == 0 || para.line.width() <= width {
        return Wrapped {
            lines: vec![para.line.clone()],
            cut: false,
        };
    }
    let chars: Vec<Piece> = para
        .line
        .spans
        .iter()
        .flat_map(|s| s.content.graphemes(true).map(move |g| (g, s.style)))
        .collect();
    let base = leading_spaces(&para.line).min(width / 2);
    // A hang that leaves too little room for a value is no help: fall back to the base.
    let hang = if para.hang + 8 > width {
        base
    } else {
        para.hang
    };
    let mut out = Vec::new();
    let mut cut = false;
    let mut line = Builder::default();
    let mut i = 0;
    // The leading spaces belong to the first line only.
    while i < chars.len() && chars[i].0 == " " {
        line.push(chars[i].0, chars[i].1);
        i += 1;
    }
    while i < chars.len() {
        let gap_start = i;
        while i < chars.len() && chars[i].0 == " " {
            i += 1;
        }
        let word_start = i;
        while i < chars.len() && chars[i].0 != " " {
            i += 1;
        }
        if word_start == i {
            break; // trailing spaces
        }
        let gap = &chars[gap_start..word_start];
        let word = &chars[word_start..i];
        let gap_w: usize = gap.iter().map(|(g, _)| width_of(g)).sum();
        let word_w: usize = word.iter().map(|(g, _)| width_of(g)).sum();
        if line.width + gap_w + word_w <= width {
            // A gap before the first word of a continuation line is where it broke.
            if line.has_word || out.is_empty() {
                line.push_all(gap);
            }
            line.push_all(word);
            line.has_word = true;
            continue;
        }
        if line.has_word {
            out.push(std::mem::take(&mut line).finish(para.line.style));
            line = Builder::indented(hang);
        } else {
            // Only an indent so far: the word decides where its line starts.
            line = Builder::indented(line.width.min(hang));
        }
        if line.width + word_w <= width {
            line.push_all(word);
            line.has_word = true;
        } else {
            // Too wide for the hang: a line of its own from the base column, cut when
            // even that is too narrow. The next word starts a fresh line.
            let mut own = Builder::indented(base);
            if base + word_w <= width {
                own.push_all(word);
            } else {
                own.push_all(&cut_to(word, width - base));
                cut = true;
            }
            out.push(own.finish(para.line.style));
            line = Builder::indented(hang);
        }
    }
    if line.has_word || out.is_empty() {
        out.push(line.finish(para.line.style));
    }
    Wrapped { lines: out, cut }
}

/// Every paragraph wrapped to `width`, in order.
pub fn wrap_all(paras: &[Para], width: usize) -> Wrapped {
    let mut all = Wrapped::default();
    for p in paras {
        let w = wrap(p, width);
        all.cut |= w.cut;
        all.lines.extend(w.lines);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(w: &Wrapped) -> Vec<String> {
        w.lines.iter().map(|l| l.to_string()).collect()
    }

    fn kv(label: &str, value: &str) -> Para {
        Para::kv(
            label,
            12,
            Style::default(),
            vec![Span::raw(value.to_string())],
        )
    }

    #[test]
    fn short_lines_are_left_alone() {
        let w = wrap(&kv("status", "PAID"), 40);
        assert_eq!(texts(&w), ["status       PAID"]);
        assert!(!w.cut);
    }

    #[test]
    fn continuation_lines_hang_under_the_value_column() {
        let w = wrap(
            &kv("meaning", "the card was refused by the issuer for a reason"),
            34,
        );
        assert_eq!(
            texts(&w),
            [
                "meaning      the card was refused",
                "             by the issuer for a",
                "             reason",
            ]
        );
    }

    #[test]
    fn wide_graphemes_wrap_and_cut_whole() {
        let flags = "🇩🇪".repeat(30);
        for width in 20..30 {
            let w = wrap(&kv("name", &format!("{flags} and 日本語の名前")), width);
            for line in texts(&w) {
                assert!(width_of(&line) <= width, "{width}: {line}");
                let regional = line
                    .chars()
                    .filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c));
                assert_eq!(regional.count() % 2, 0, "{width}: half a flag in {line}");
            }
            assert!(w.cut, "the flags are one token wider than {width}");
        }
        let w = wrap(
            &kv("note", "e\u{301}te\u{301} 👨\u{200d}👩\u{200d}👧 ok"),
            21,
        );
        assert_eq!(
            texts(&w),
            [
                "note         e\u{301}te\u{301} 👨\u{200d}👩\u{200d}👧",
                "             ok"
            ],
            "a family emoji is one picture two columns wide, an accent none"
        );
    }

    #[test]
    fn a_url_is_never_broken_mid_token() {
        let url = "http://127.0.0.1:41873/api/v1/payment/64bfdb7df63e36669499e82f/";
        let w = wrap(&kv("callback_url", &format!("{url} (opened)")), 78);
        assert_eq!(
            texts(&w),
            [
                format!("callback_url {url}"),
                "             (opened)".into()
            ]
        );
        let w = wrap(&kv("url", &format!("of the page: {url}")), 78);
        assert_eq!(
            texts(&w),
            [
                "url          of the page:".to_string(),
                format!("             {url}")
            ]
        );
        // Too wide for the hang: its own line from the first column.
        let w = wrap(&kv("callback_url", url), 70);
        assert_eq!(texts(&w), ["callback_url".to_string(), url.to_string()]);
        assert!(!w.cut);
    }

    #[test]
    fn a_token_wider_than_the_width_is_cut_with_an_ellipsis() {
        let token = "a".repeat(50);
        let w = wrap(&kv("sign", &format!("{token} end")), 30);
        assert_eq!(
            texts(&w),
            [
                "sign".to_string(),
                format!("{}…", "a".repeat(29)),
                "             end".to_string()
            ]
        );
        assert!(w.cut);
        assert!(w.lines.iter().all(|l| l.width() <= 30));
    }

    #[test]
    fn widths_are_terminal_columns() {
        // Each of these takes two columns: eight of them fill sixteen.
        let wide = "支付支付支付支付";
        let w = wrap(&kv("名", &format!("{wide} {wide}")), 30);
        assert!(w.lines.iter().all(|l| l.width() <= 30), "{:?}", texts(&w));
        assert_eq!(texts(&w)[1].trim(), wide);
    }

    #[test]
    fn styles_survive_wrapping() {
        let red = Style::default().fg(ratatui::style::Color::Red);
        let para = Para::plain(Line::from(vec![
            Span::raw("aaaa "),
            Span::styled("bbbb cccc", red),
        ]));
        let w = wrap(&para, 9);
        assert_eq!(texts(&w), ["aaaa bbbb", "cccc"]);
        assert_eq!(w.lines[1].spans[0].style, red);
    }
}
