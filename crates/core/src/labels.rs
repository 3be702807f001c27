//! The label set: what each label means and how it is drawn.

use serde::{Deserialize, Serialize};

/// One label of the label set. The colour is a CSS colour for the highlight's
/// background; text on it is always dark, and every default colour keeps a contrast ratio
/// above 4.5:1 with black text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelDef {
    pub name: String,
    pub color: String,
    pub description: String,
}

impl LabelDef {
    fn new(name: &str, color: &str, description: &str) -> LabelDef {
        LabelDef { name: name.into(), color: color.into(), description: description.into() }
    }
}

/// The default label set, companies first.
pub fn default_labels() -> Vec<LabelDef> {
    vec![
        LabelDef::new("COMPANY", "#ffd166", "a company or corporate unit"),
        LabelDef::new("ORG", "#9bd7ff", "a non-company organisation: a government body, institute, lab, alliance, team"),
        LabelDef::new("PERSON", "#ffadc6", "a person's name"),
        LabelDef::new("LOC", "#a8e6a1", "a place: country, city, district, zone, lake"),
        LabelDef::new("DATE", "#d7c4ff", "a calendar date or period"),
        LabelDef::new("MONEY", "#ffc299", "an amount of money with its unit"),
        LabelDef::new("PERCENT", "#c9f0e8", "a percentage or a range of them"),
    ]
}

#[cfg(test)]
mod tests {
    /// WCAG relative luminance of a #rrggbb colour.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn default_colours_contrast_with_black_text() {
        for label in super::default_labels() {
            let ratio = (luminance(&label.color) + 0.05) / 0.05;
            assert!(ratio >= 4.5, "{} has contrast {ratio:.2}", label.name);
        }
    }
}
