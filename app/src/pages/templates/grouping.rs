//! Templates grouped for display, and the categories the form suggests.

use easel_domain::library::PromptTemplate;

/// What templates without a category are listed under.
pub const UNCATEGORISED: &str = "Uncategorised";

/// The templates of one category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryGroup {
    /// The category as written ([`UNCATEGORISED`] for none).
    pub name: String,
    /// The user's own first, then others' public ones, each in the order
    /// given.
    pub templates: Vec<PromptTemplate>,
}

/// Groups by category: categories A to Z (ignoring case, and merging
/// spellings that differ only in case), uncategorised last; in each, the
/// user's own before others' public ones.
pub fn group_by_category(templates: Vec<PromptTemplate>) -> Vec<CategoryGroup> {
    let mut groups: Vec<(String, CategoryGroup)> = Vec::new();
    for template in templates {
        let category = template.category.trim();
        let key = category.to_lowercase();
        let at = match groups.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                let name = if category.is_empty() {
                    UNCATEGORISED.to_owned()
                } else {
                    category.to_owned()
                };
                groups.push((
                    key,
                    CategoryGroup {
                        name,
                        templates: Vec::new(),
                    },
                ));
                groups.len() - 1
            }
        };
        groups[at].1.templates.push(template);
    }
    // The empty key sorts last; the sort is stable, so own-before-others
    // survives the partition below.
    groups.sort_by(|(a, _), (b, _)| (a.is_empty(), a).cmp(&(b.is_empty(), b)));
    groups
        .into_iter()
        .map(|(_, mut group)| {
            group.templates.sort_by_key(|t| !t.is_own);
            group
        })
        .collect()
}

/// Every category in use (own and public), once each, A to Z.
pub fn categories(templates: &[PromptTemplate]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for template in templates {
        let category = template.category.trim();
        if !category.is_empty()
            && !found
                .iter()
                .any(|known| known.to_lowercase() == category.to_lowercase())
        {
            found.push(category.to_owned());
        }
    }
    found.sort_by_key(|c| c.to_lowercase());
    found
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use easel_domain::library::TemplateSettings;
    use uuid::Uuid;

    use super::*;

    fn template(name: &str, category: &str, is_own: bool) -> PromptTemplate {
        PromptTemplate {
            id: Uuid::from_u128(name.bytes().fold(0u128, |h, b| h * 31 + u128::from(b))),
            is_own,
            owner: if is_own { "me" } else { "ada" }.into(),
            name: name.into(),
            prompt: "a fox".into(),
            negative_prompt: String::new(),
            settings: TemplateSettings::default(),
            category: category.into(),
            is_public: !is_own,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn names(groups: &[CategoryGroup]) -> Vec<(String, Vec<String>)> {
        groups
            .iter()
            .map(|g| {
                (
                    g.name.clone(),
                    g.templates.iter().map(|t| t.name.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn templates_group_by_category_own_first() {
        // As the server lists them: own first, then public ones.
        let groups = group_by_category(vec![
            template("Mine, loose", "", true),
            template("Portrait", "portraits", true),
            template("Castle", "Scenes", true),
            template("Theirs, loose", "", false),
            template("Their portrait", "Portraits", false),
            template("Another of mine", "Portraits", true),
        ]);
        let expected = [
            (
                "portraits",
                vec!["Portrait", "Another of mine", "Their portrait"],
            ),
            ("Scenes", vec!["Castle"]),
            (UNCATEGORISED, vec!["Mine, loose", "Theirs, loose"]),
        ];
        let expected: Vec<(String, Vec<String>)> = expected
            .into_iter()
            .map(|(name, list)| (name.into(), list.into_iter().map(String::from).collect()))
            .collect();
        assert_eq!(names(&groups), expected);
    }

    #[test]
    fn categories_are_listed_once_a_to_z() {
        let templates = [
            template("a", "Scenes", true),
            template("b", "", true),
            template("c", "animals", false),
            template("d", "scenes ", false),
        ];
        assert_eq!(categories(&templates), ["animals", "Scenes"]);
    }
}
