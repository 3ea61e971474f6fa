//! The user's own style presets (the built-in library is in the domain).

use easel_domain::library::{StyleInput, UserStyle};
use easel_domain::prompt::styles::validate_style;
use uuid::Uuid;

use super::{Library, LibraryError};

#[derive(sqlx::FromRow)]
struct StyleRow {
    id: Uuid,
    name: String,
    category: String,
    positive: String,
    negative: String,
}

impl From<StyleRow> for UserStyle {
    fn from(row: StyleRow) -> Self {
        UserStyle {
            id: row.id,
            name: row.name,
            category: row.category,
            positive: row.positive,
            negative: row.negative,
        }
    }
}

fn checked(input: StyleInput) -> Result<StyleInput, LibraryError> {
    let input = StyleInput {
        name: input.name.trim().to_owned(),
        category: match input.category.trim() {
            "" => "Mine".to_owned(),
            category => category.chars().take(60).collect(),
        },
        positive: input.positive.trim().to_owned(),
        negative: input.negative.trim().to_owned(),
    };
    validate_style(&input.name, &input.positive, &input.negative).map_err(LibraryError::Invalid)?;
    Ok(input)
}

impl Library {
    /// The user's style presets, by name.
    pub async fn list_styles(&self, user_id: Uuid) -> Result<Vec<UserStyle>, LibraryError> {
        let rows: Vec<StyleRow> = sqlx::query_as(
            "select id, name, category, positive, negative from style_presets \
             where user_id = $1 order by lower(name), id",
        )
        .bind(user_id)
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(UserStyle::from).collect())
    }

    /// The user's presets among `ids` (others' and unknown ids are left out).
    pub async fn styles_by_id(
        &self,
        user_id: Uuid,
        ids: &[Uuid],
    ) -> Result<Vec<UserStyle>, LibraryError> {
        let rows: Vec<StyleRow> = sqlx::query_as(
            "select id, name, category, positive, negative from style_presets \
             where user_id = $1 and id = any($2)",
        )
        .bind(user_id)
        .bind(ids)
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(UserStyle::from).collect())
    }

    /// Saves a new preset of the user's.
    pub async fn create_style(
        &self,
        user_id: Uuid,
        input: StyleInput,
    ) -> Result<UserStyle, LibraryError> {
        let input = checked(input)?;
        let row: StyleRow = sqlx::query_as(
            "insert into style_presets (id, user_id, name, category, positive, negative) \
             values ($1, $2, $3, $4, $5, $6) returning id, name, category, positive, negative",
        )
        .bind(Uuid::now_v7())
        .bind(user_id)
        .bind(&input.name)
        .bind(&input.category)
        .bind(&input.positive)
        .bind(&input.negative)
        .fetch_one(&self.db)
        .await?;
        Ok(row.into())
    }

    /// Changes one of the user's presets.
    pub async fn update_style(
        &self,
        user_id: Uuid,
        id: Uuid,
        input: StyleInput,
    ) -> Result<UserStyle, LibraryError> {
        let input = checked(input)?;
        let row: Option<StyleRow> = sqlx::query_as(
            "update style_presets set name = $3, category = $4, positive = $5, negative = $6, updated_at = now() \
             where id = $2 and user_id = $1 returning id, name, category, positive, negative",
        )
        .bind(user_id)
        .bind(id)
        .bind(&input.name)
        .bind(&input.category)
        .bind(&input.positive)
        .bind(&input.negative)
        .fetch_optional(&self.db)
        .await?;
        row.map(UserStyle::from).ok_or(LibraryError::NotFound)
    }

    /// Deletes one of the user's presets.
    pub async fn delete_style(&self, user_id: Uuid, id: Uuid) -> Result<(), LibraryError> {
        let deleted = sqlx::query("delete from style_presets where id = $2 and user_id = $1")
            .bind(user_id)
            .bind(id)
            .execute(&self.db)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(LibraryError::NotFound);
        }
        Ok(())
    }
}
