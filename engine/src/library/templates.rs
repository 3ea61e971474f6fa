//! Prompt templates: a user's own, plus everyone's public ones.

use chrono::{DateTime, Utc};
use easel_domain::library::{PromptTemplate, TemplateInput, TemplateSettings};
use uuid::Uuid;

use super::{Library, LibraryError};

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: Uuid,
    user_id: Uuid,
    owner: String,
    name: String,
    prompt: String,
    negative_prompt: String,
    parameters: serde_json::Value,
    category: String,
    is_public: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TemplateRow {
    fn into_view(self, viewer: Uuid) -> PromptTemplate {
        PromptTemplate {
            id: self.id,
            is_own: self.user_id == viewer,
            owner: self.owner,
            name: self.name,
            prompt: self.prompt,
            negative_prompt: self.negative_prompt,
            settings: serde_json::from_value::<TemplateSettings>(self.parameters)
                .unwrap_or_default(),
            category: self.category,
            is_public: self.is_public,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

const COLUMNS: &str = "t.id, t.user_id, u.username as owner, t.name, t.prompt, t.negative_prompt, \
    t.parameters, t.category, t.is_public, t.created_at, t.updated_at";

fn checked(input: TemplateInput) -> Result<(TemplateInput, serde_json::Value), LibraryError> {
    let input = input.normalized();
    input.validate().map_err(LibraryError::Invalid)?;
    let parameters = serde_json::to_value(&input.settings).unwrap_or_default();
    Ok((input, parameters))
}

impl Library {
    /// The user's templates and everyone's public ones, by category and name.
    pub async fn list_templates(&self, user_id: Uuid) -> Result<Vec<PromptTemplate>, LibraryError> {
        let rows: Vec<TemplateRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from prompt_templates t join users u on u.id = t.user_id \
             where t.user_id = $1 or t.is_public \
             order by (t.user_id = $1) desc, lower(t.category), lower(t.name), t.id"
        ))
        .bind(user_id)
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(|r| r.into_view(user_id)).collect())
    }

    /// One template the user may see (their own, or a public one).
    pub async fn get_template(
        &self,
        user_id: Uuid,
        id: Uuid,
    ) -> Result<PromptTemplate, LibraryError> {
        let row: Option<TemplateRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from prompt_templates t join users u on u.id = t.user_id \
             where t.id = $2 and (t.user_id = $1 or t.is_public)"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_optional(&self.db)
        .await?;
        row.map(|r| r.into_view(user_id))
            .ok_or(LibraryError::NotFound)
    }

    /// Saves a new template of the user's.
    pub async fn create_template(
        &self,
        user_id: Uuid,
        input: TemplateInput,
    ) -> Result<PromptTemplate, LibraryError> {
        let (input, parameters) = checked(input)?;
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into prompt_templates (id, user_id, name, prompt, negative_prompt, parameters, category, is_public) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(user_id)
        .bind(&input.name)
        .bind(&input.prompt)
        .bind(&input.negative_prompt)
        .bind(&parameters)
        .bind(&input.category)
        .bind(input.is_public)
        .execute(&self.db)
        .await?;
        tracing::info!(template_id = %id, "template created");
        self.get_template(user_id, id).await
    }

    /// Changes one of the user's own templates (a public template of
    /// someone else's is not found: only its owner edits it).
    pub async fn update_template(
        &self,
        user_id: Uuid,
        id: Uuid,
        input: TemplateInput,
    ) -> Result<PromptTemplate, LibraryError> {
        let (input, parameters) = checked(input)?;
        let updated = sqlx::query(
            "update prompt_templates set name = $3, prompt = $4, negative_prompt = $5, parameters = $6, \
             category = $7, is_public = $8, updated_at = now() where id = $2 and user_id = $1",
        )
        .bind(user_id)
        .bind(id)
        .bind(&input.name)
        .bind(&input.prompt)
        .bind(&input.negative_prompt)
        .bind(&parameters)
        .bind(&input.category)
        .bind(input.is_public)
        .execute(&self.db)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(LibraryError::NotFound);
        }
        self.get_template(user_id, id).await
    }

    /// Deletes one of the user's own templates.
    pub async fn delete_template(&self, user_id: Uuid, id: Uuid) -> Result<(), LibraryError> {
        let deleted = sqlx::query("delete from prompt_templates where id = $2 and user_id = $1")
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
