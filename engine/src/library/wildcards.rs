//! Wildcard lists, used in prompts as `__name__`.

use easel_domain::library::WildcardList;
use uuid::Uuid;

use super::{Library, LibraryError};

impl Library {
    /// The user's lists, by name.
    pub async fn list_wildcards(&self, user_id: Uuid) -> Result<Vec<WildcardList>, LibraryError> {
        let rows: Vec<(String, Vec<String>)> = sqlx::query_as(
            "select name, entries from wildcard_lists where user_id = $1 order by name",
        )
        .bind(user_id)
        .fetch_all(&self.db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(name, entries)| WildcardList { name, entries })
            .collect())
    }

    /// Creates or replaces one of the user's lists (by name).
    pub async fn save_wildcards(
        &self,
        user_id: Uuid,
        list: WildcardList,
    ) -> Result<WildcardList, LibraryError> {
        let list = list.normalized();
        list.validate().map_err(LibraryError::Invalid)?;
        sqlx::query(
            "insert into wildcard_lists (id, user_id, name, entries) values ($1, $2, $3, $4) \
             on conflict on constraint wildcard_lists_user_name_unique \
             do update set entries = excluded.entries, updated_at = now()",
        )
        .bind(Uuid::now_v7())
        .bind(user_id)
        .bind(&list.name)
        .bind(&list.entries)
        .execute(&self.db)
        .await?;
        Ok(list)
    }

    /// Deletes one of the user's lists.
    pub async fn delete_wildcards(&self, user_id: Uuid, name: &str) -> Result<(), LibraryError> {
        let deleted = sqlx::query("delete from wildcard_lists where user_id = $1 and name = $2")
            .bind(user_id)
            .bind(name)
            .execute(&self.db)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(LibraryError::NotFound);
        }
        Ok(())
    }
}
