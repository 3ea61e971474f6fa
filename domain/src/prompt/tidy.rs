//! Tidying an expanded prompt: empty picks leave doubled spaces and stray
//! commas behind.

/// Collapses runs of spaces and tabs into one space, drops spaces before a
/// comma, merges commas with only spaces between (`", ,"` → `","`), and
/// trims spaces and commas from both ends. Line breaks are kept (spaces
/// around them are dropped).
pub fn tidy(text: &str) -> String {
    squeeze(text, true)
}

/// Collapses runs of spaces and tabs into one space and trims the ends;
/// commas are left alone.
pub fn collapse_spaces(text: &str) -> String {
    squeeze(text, false)
}

fn squeeze(text: &str, commas: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match c {
            ' ' | '\t' => space = true,
            // "a , b" → "a, b" and "a, , b" → "a, b".
            ',' if commas => {
                if !out.ends_with(',') {
                    out.push(',');
                }
            }
            '\n' | '\r' => {
                trim_end_spaces(&mut out);
                out.push(c);
                space = false;
            }
            _ => {
                if space && !out.is_empty() && !out.ends_with(['\n', '\r']) {
                    out.push(' ');
                }
                out.push(c);
                space = false;
            }
        }
    }
    let trimmed = if commas {
        out.trim_matches(|c: char| c.is_whitespace() || c == ',')
    } else {
        out.trim()
    };
    trimmed.to_owned()
}

fn trim_end_spaces(out: &mut String) {
    let kept = out.trim_end_matches([' ', '\t']).len();
    out.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::{collapse_spaces, tidy};

    #[test]
    fn collapses_spaces_left_by_empty_picks() {
        assert_eq!(tidy("a  red   fox "), "a red fox");
        assert_eq!(tidy("  fox"), "fox");
    }

    #[test]
    fn merges_commas_left_by_empty_picks() {
        assert_eq!(tidy("fox, , snow"), "fox, snow");
        assert_eq!(tidy("fox ,snow"), "fox, snow");
        assert_eq!(tidy("fox,, snow"), "fox, snow");
        assert_eq!(tidy(", fox, "), "fox");
    }

    #[test]
    fn collapsing_spaces_leaves_commas() {
        assert_eq!(collapse_spaces(" a ,  , b "), "a , , b");
    }

    #[test]
    fn keeps_line_breaks() {
        assert_eq!(tidy("a fox  \n  in snow"), "a fox\nin snow");
    }
}
