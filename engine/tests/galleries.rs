//! Galleries, the access decision, search and filters, keyset pages and
//! bulk actions, against a real Postgres.

mod support;

use std::sync::Arc;

use chrono::{Duration, Utc};
use easel_domain::galleries::{
    BulkAction, GalleryForm, ImageSelection, PublicPage, ShareRequest, SharingOptions,
};
use easel_domain::gallery::{Aspect, GalleryCursor, ImageQuery, SortOrder};
use easel_engine::access::{self, Access, Via};
use easel_engine::galleries::{Galleries, GalleryError};
use easel_engine::images::Images;
use easel_engine::store::LocalStore;
use sqlx::PgPool;
use uuid::Uuid;

/// Inserts an image row (files need not exist for these tests).
async fn image(db: &PgPool, user: Uuid, prompt: &str, size: (i32, i32), minutes_ago: i64) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into generated_images (id, user_id, prompt, negative_prompt, model, parameters,
             image_path, thumbnail_path, thumbnail_large_path, width, height, seed, byte_size, created_at)
         values ($1, $2, $3, 'blurry', 'builtin:easel-sketch', '{}', $4, $4, $4, $5, $6, 7, 10, $7)",
    )
    .bind(id)
    .bind(user)
    .bind(prompt)
    .bind(format!("aa/bb/{}.png", id.simple()))
    .bind(size.0)
    .bind(size.1)
    .bind(Utc::now() - Duration::minutes(minutes_ago))
    .execute(db)
    .await
    .unwrap();
    id
}

/// `Some(parameters shown)` when granted, `None` otherwise.
async fn granted(db: PgPool, viewer: Option<Uuid>, via: Via<'_>) -> Option<bool> {
    match access::decide(&db, viewer, via).await.unwrap() {
        Access::Granted { visibility, .. } => Some(visibility.parameters),
        Access::Expired | Access::Denied => None,
    }
}

fn services(db: &PgPool) -> (Images, Galleries) {
    let store = Arc::new(LocalStore::new(
        std::env::temp_dir().join("easel-galleries-test"),
    ));
    (Images::new(db.clone(), store), Galleries::new(db.clone()))
}

fn form(name: &str) -> GalleryForm {
    GalleryForm {
        name: name.into(),
        description: String::new(),
    }
}

fn query(text: &str) -> ImageQuery {
    ImageQuery {
        text: text.into(),
        ..ImageQuery::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn galleries_are_created_named_ordered_and_private_to_their_owner(db: PgPool) {
    let (_, galleries) = services(&db);
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let sea = galleries.create(alice, &form("Sea & Sky")).await.unwrap();
    assert_eq!(sea.slug, "sea-sky");
    assert!(!sea.is_public && sea.public_token.is_none());
    // Names are unique per user, ignoring case; slugs get a number.
    assert!(matches!(
        galleries.create(alice, &form("sea & sky")).await,
        Err(GalleryError::NameTaken)
    ));
    let second = galleries.create(alice, &form("Sea, Sky")).await.unwrap();
    assert_eq!(second.slug, "sea-sky-2");
    // Bob may use the same name; he cannot see or touch Alice's.
    galleries.create(bob, &form("Sea & Sky")).await.unwrap();
    assert!(matches!(
        galleries.get(bob, sea.id).await,
        Err(GalleryError::NotFound)
    ));
    assert!(matches!(
        galleries.delete(bob, sea.id).await,
        Err(GalleryError::NotFound)
    ));
    assert!(matches!(
        galleries.update(bob, sea.id, &form("mine")).await,
        Err(GalleryError::NotFound)
    ));
    // Empty names are a field error.
    assert!(matches!(
        galleries.create(alice, &form("  ")).await,
        Err(GalleryError::Invalid(e)) if e.field == "name"
    ));
    // Reorder puts the named one first.
    galleries.reorder(alice, &[second.id]).await.unwrap();
    let list = galleries.list(alice).await.unwrap();
    assert_eq!(
        list.iter().map(|g| g.id).collect::<Vec<_>>(),
        vec![second.id, sea.id]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bulk_add_orders_images_and_counts_leave_the_trash_out(db: PgPool) {
    let (images, galleries) = services(&db);
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let a = image(&db, alice, "a red fox", (512, 512), 30).await;
    let b = image(&db, alice, "a blue whale", (768, 512), 20).await;
    let c = image(&db, alice, "a green frog", (512, 768), 10).await;
    let theirs = image(&db, bob, "bob's secret", (512, 512), 5).await;
    let g = galleries.create(alice, &form("Animals")).await.unwrap();
    let added = images
        .apply_bulk(
            alice,
            &ImageSelection::Ids {
                ids: vec![c, a, b, theirs],
            },
            &BulkAction::AddToGallery { gallery_id: g.id },
        )
        .await
        .unwrap();
    assert_eq!(added.affected, 3, "another user's image is never selected");
    let (page, _) = galleries.images(alice, g.id, None, 50).await.unwrap();
    let order: Vec<Uuid> = page.items.iter().map(|i| i.id).collect();
    assert_eq!(order, vec![a, b, c], "oldest first when added together");
    galleries.reorder_images(alice, g.id, &[c]).await.unwrap();
    let (page, _) = galleries.images(alice, g.id, None, 50).await.unwrap();
    assert_eq!(
        page.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![c, a, b]
    );
    // Adding again keeps the position; one image in several galleries.
    let other = galleries.create(alice, &form("Favourites")).await.unwrap();
    images
        .apply_bulk(
            alice,
            &ImageSelection::Ids { ids: vec![a] },
            &BulkAction::AddToGallery {
                gallery_id: other.id,
            },
        )
        .await
        .unwrap();
    assert_eq!(galleries.get(alice, other.id).await.unwrap().image_count, 1);
    // The cover is the first image until one is chosen; it must be a member.
    assert_eq!(
        galleries.get(alice, g.id).await.unwrap().cover_image_id,
        Some(c)
    );
    galleries.set_cover(alice, g.id, Some(b)).await.unwrap();
    assert_eq!(
        galleries.get(alice, g.id).await.unwrap().cover_image_id,
        Some(b)
    );
    assert!(
        galleries
            .set_cover(alice, g.id, Some(theirs))
            .await
            .is_err()
    );
    // Trashing an image hides it from counts, pages and covers.
    images
        .apply_bulk(
            alice,
            &ImageSelection::Ids { ids: vec![b] },
            &BulkAction::Trash,
        )
        .await
        .unwrap();
    let summary = galleries.get(alice, g.id).await.unwrap();
    assert_eq!(summary.image_count, 2);
    assert_eq!(summary.cover_image_id, Some(c));
    // A gallery of another user cannot receive images.
    let bobs = galleries.create(bob, &form("Bob's")).await.unwrap();
    assert!(
        images
            .apply_bulk(
                alice,
                &ImageSelection::Ids { ids: vec![a] },
                &BulkAction::AddToGallery {
                    gallery_id: bobs.id
                }
            )
            .await
            .is_err()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_access_decision_covers_owner_gallery_and_share_links(db: PgPool) {
    let (_, galleries) = services(&db);
    let (images, _) = services(&db);
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let shown = image(&db, alice, "public sunset", (512, 512), 3).await;
    let private = image(&db, alice, "private diary", (512, 512), 2).await;
    let g = galleries.create(alice, &form("Sunsets")).await.unwrap();
    images
        .apply_bulk(
            alice,
            &ImageSelection::Ids { ids: vec![shown] },
            &BulkAction::AddToGallery { gallery_id: g.id },
        )
        .await
        .unwrap();
    // Owner only, by id.
    assert!(
        granted(db.clone(), Some(alice), Via::Owner { image_id: private })
            .await
            .is_some()
    );
    assert!(
        granted(db.clone(), Some(bob), Via::Owner { image_id: private })
            .await
            .is_none()
    );
    assert!(
        granted(db.clone(), None, Via::Owner { image_id: private })
            .await
            .is_none()
    );
    // A private gallery grants nothing; publishing does, for its images only.
    let public = galleries
        .set_sharing(alice, g.id, true, SharingOptions::default())
        .await
        .unwrap();
    let token = public.public_token.clone().unwrap();
    assert_eq!(token.len(), 22);
    assert_eq!(
        granted(
            db.clone(),
            None,
            Via::Gallery {
                token: &token,
                image_id: shown
            }
        )
        .await,
        Some(false)
    );
    assert!(
        granted(
            db.clone(),
            None,
            Via::Gallery {
                token: &token,
                image_id: private
            }
        )
        .await
        .is_none()
    );
    // The page lists the gallery's images and what the owner shows.
    let PublicPage::Live { page } = galleries.public_page(&token).await.unwrap() else {
        panic!("the gallery is public");
    };
    assert_eq!(page.images.len(), 1);
    assert_eq!(page.images[0].prompt.as_deref(), Some("public sunset"));
    assert!(page.images[0].parameters.is_empty());
    assert_eq!(page.owner, None);
    // Hiding prompts removes them from the page.
    galleries
        .set_sharing(
            alice,
            g.id,
            true,
            SharingOptions {
                show_prompts: false,
                ..SharingOptions::default()
            },
        )
        .await
        .unwrap();
    let PublicPage::Live { page } = galleries.public_page(&token).await.unwrap() else {
        panic!("still public, same token");
    };
    assert_eq!(page.images[0].prompt, None);
    // A new link revokes the old one at once; so does going private.
    let renewed = galleries.new_link(alice, g.id).await.unwrap();
    let fresh = renewed.public_token.unwrap();
    assert_ne!(fresh, token);
    assert_eq!(
        galleries.public_page(&token).await.unwrap(),
        PublicPage::Gone
    );
    assert!(
        granted(
            db.clone(),
            None,
            Via::Gallery {
                token: &token,
                image_id: shown
            }
        )
        .await
        .is_none()
    );
    galleries
        .set_sharing(alice, g.id, false, SharingOptions::default())
        .await
        .unwrap();
    assert_eq!(
        galleries.public_page(&fresh).await.unwrap(),
        PublicPage::Gone
    );

    // Share links: live, expired (its own answer), revoked.
    let link = galleries
        .create_share(
            alice,
            &ShareRequest {
                image_id: private,
                show_prompt: false,
                show_parameters: true,
                expires_in_hours: Some(1),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        granted(db.clone(), None, Via::Share { token: &link.token }).await,
        Some(true)
    );
    assert!(
        galleries
            .create_share(
                bob,
                &ShareRequest {
                    image_id: private,
                    show_prompt: true,
                    show_parameters: true,
                    expires_in_hours: None
                }
            )
            .await
            .is_err(),
        "only the owner shares"
    );
    sqlx::query("update image_shares set expires_at = now() - interval '1 minute' where id = $1")
        .bind(link.id)
        .execute(&db)
        .await
        .unwrap();
    assert!(matches!(
        access::decide(&db, None, Via::Share { token: &link.token })
            .await
            .unwrap(),
        Access::Expired
    ));
    assert_eq!(
        galleries.public_share(&link.token).await.unwrap(),
        PublicPage::Expired
    );
    let live = galleries
        .create_share(
            alice,
            &ShareRequest {
                image_id: private,
                show_prompt: true,
                show_parameters: false,
                expires_in_hours: None,
            },
        )
        .await
        .unwrap();
    galleries.revoke_share(alice, live.id).await.unwrap();
    assert!(matches!(
        access::decide(&db, None, Via::Share { token: &live.token })
            .await
            .unwrap(),
        Access::Denied
    ));
    // A trashed image is reachable by its owner only.
    let again = galleries
        .create_share(
            alice,
            &ShareRequest {
                image_id: shown,
                show_prompt: true,
                show_parameters: false,
                expires_in_hours: None,
            },
        )
        .await
        .unwrap();
    images.delete(alice, shown).await.unwrap();
    assert!(matches!(
        access::decide(
            &db,
            None,
            Via::Share {
                token: &again.token
            }
        )
        .await
        .unwrap(),
        Access::Denied
    ));
    assert!(
        granted(db.clone(), Some(alice), Via::Owner { image_id: shown })
            .await
            .is_some()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn search_filters_and_orders(db: PgPool) {
    let (images, _) = services(&db);
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let fox = image(
        &db,
        alice,
        "a red fox jumping over snowy hills",
        (512, 512),
        40,
    )
    .await;
    let foxes = image(&db, alice, "two foxes sleeping", (768, 512), 30).await;
    let whale = image(&db, alice, "whale song in the deep", (512, 768), 20).await;
    image(&db, bob, "a red fox of bob's", (512, 512), 10).await;
    let ids = |page: easel_domain::gallery::GalleryPage| {
        page.items.into_iter().map(|i| i.id).collect::<Vec<_>>()
    };
    // Full text stems words ("foxes" finds "fox") and never reaches Bob's.
    let found = ids(images.list(alice, &query("fox"), None, 50).await.unwrap());
    assert_eq!(found, vec![foxes, fox]);
    // Web-search syntax: exclusion.
    let found = ids(images
        .list(alice, &query("fox -sleeping"), None, 50)
        .await
        .unwrap());
    assert_eq!(found, vec![fox]);
    // Substring, case-insensitive, with LIKE wildcards taken literally.
    let contains = ImageQuery {
        contains: "SNOWY h".into(),
        ..ImageQuery::default()
    };
    assert_eq!(
        ids(images.list(alice, &contains, None, 50).await.unwrap()),
        vec![fox]
    );
    let wildcard = ImageQuery {
        contains: "%".into(),
        ..ImageQuery::default()
    };
    assert!(ids(images.list(alice, &wildcard, None, 50).await.unwrap()).is_empty());
    // Shape, and order.
    let portrait = ImageQuery {
        aspect: Some(Aspect::Portrait),
        ..ImageQuery::default()
    };
    assert_eq!(
        ids(images.list(alice, &portrait, None, 50).await.unwrap()),
        vec![whale]
    );
    let oldest = ImageQuery {
        sort: SortOrder::Oldest,
        ..ImageQuery::default()
    };
    assert_eq!(
        ids(images.list(alice, &oldest, None, 50).await.unwrap()),
        vec![fox, foxes, whale]
    );
    // Tags and stars, through bulk actions on "all matching".
    let matching = ImageSelection::Matching {
        query: query("fox"),
    };
    let tagged = images
        .apply_bulk(
            alice,
            &matching,
            &BulkAction::Tag {
                tag: " Wild  Life ".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(tagged.affected, 2);
    let by_tag = ImageQuery {
        tags: vec!["wild life".into()],
        ..ImageQuery::default()
    };
    assert_eq!(images.count(alice, &by_tag).await.unwrap(), 2);
    images
        .apply_bulk(
            alice,
            &ImageSelection::Ids { ids: vec![whale] },
            &BulkAction::Star,
        )
        .await
        .unwrap();
    let starred_first = ImageQuery {
        sort: SortOrder::Starred,
        ..ImageQuery::default()
    };
    assert_eq!(
        ids(images.list(alice, &starred_first, None, 50).await.unwrap()),
        vec![whale, foxes, fox]
    );
    let only_starred = ImageQuery {
        starred: true,
        ..ImageQuery::default()
    };
    assert_eq!(images.count(alice, &only_starred).await.unwrap(), 1);
    // Date range: nothing from tomorrow on.
    let future = ImageQuery {
        from: Some((Utc::now() + Duration::days(1)).date_naive()),
        ..ImageQuery::default()
    };
    assert_eq!(images.count(alice, &future).await.unwrap(), 0);
    // The trash: out of every view, restorable, and only deletable for good from there.
    images
        .apply_bulk(
            alice,
            &ImageSelection::Ids { ids: vec![fox] },
            &BulkAction::Trash,
        )
        .await
        .unwrap();
    assert_eq!(
        images.count(alice, &ImageQuery::default()).await.unwrap(),
        2
    );
    assert_eq!(
        ids(images.list_trash(alice, None, 50).await.unwrap()),
        vec![fox]
    );
    images
        .apply_bulk(
            alice,
            &ImageSelection::Ids { ids: vec![fox] },
            &BulkAction::Restore,
        )
        .await
        .unwrap();
    assert_eq!(
        images.count(alice, &ImageQuery::default()).await.unwrap(),
        3
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn keyset_pages_skip_nothing_and_repeat_nothing_while_rows_arrive(db: PgPool) {
    let (images, _) = services(&db);
    let alice = support::user(&db, "alice").await;
    let mut expected = Vec::new();
    for n in 0..25 {
        expected.push(image(&db, alice, &format!("image {n}"), (512, 512), 100 - n).await);
    }
    for sort in [SortOrder::Newest, SortOrder::Oldest, SortOrder::Starred] {
        let q = ImageQuery {
            sort,
            ..ImageQuery::default()
        };
        let mut seen = Vec::new();
        let mut cursor: Option<GalleryCursor> = None;
        loop {
            let page = images.list(alice, &q, cursor, 7).await.unwrap();
            seen.extend(page.items.iter().map(|i| i.id));
            // New images arrive between pages: newest first they come
            // before the cursor and are not shown; oldest first they come
            // after and are.
            image(&db, alice, "arrived meanwhile", (512, 512), -1).await;
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: no duplicates");
        for id in &expected {
            assert!(seen.contains(id), "{sort:?}: nothing skipped");
        }
    }
}

/// Every page of `q`, in order, following the cursors.
async fn every_page(images: &Images, user: Uuid, q: &ImageQuery, limit: u32) -> Vec<Uuid> {
    let mut seen = Vec::new();
    let mut cursor: Option<GalleryCursor> = None;
    loop {
        let page = images.list(user, q, cursor, limit).await.unwrap();
        seen.extend(page.items.iter().map(|i| i.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn rare_and_common_words_page_in_the_same_order(db: PgPool) {
    // A word on more than 2,000 images is read by walking the date index,
    // a rarer one by gathering its matches; both must give the grid's
    // exact order, page after page, in every sort.
    let (images, _) = services(&db);
    let alice = support::user(&db, "alice").await;
    sqlx::query(
        "insert into generated_images (id, user_id, prompt, negative_prompt, model, parameters,
             image_path, thumbnail_path, thumbnail_large_path, width, height, seed, byte_size,
             created_at, starred)
         select gen_random_uuid(), $1,
                case when g % 50 = 0 then 'a lighthouse with an axolotl' else 'a lighthouse at dusk' end,
                '', 'builtin:easel-sketch', '{}', 'k/' || g, 'k/' || g, 'k/' || g, 512, 512, g, 10,
                now() - g * interval '1 minute' - (g % 3) * interval '1 second', g % 7 = 0
         from generate_series(1, 2400) g",
    )
    .bind(alice)
    .execute(&db)
    .await
    .unwrap();
    for sort in [SortOrder::Newest, SortOrder::Oldest, SortOrder::Starred] {
        let order = match sort {
            SortOrder::Newest => "created_at desc, id desc",
            SortOrder::Oldest => "created_at, id",
            SortOrder::Starred => "starred desc, created_at desc, id desc",
        };
        for (word, pattern, matches) in [
            ("axolotl", "%axolotl%", 48),
            ("lighthouses", "%lighthouse%", 2400),
        ] {
            let expected: Vec<Uuid> = sqlx::query_scalar(&format!(
                "select id from generated_images where user_id = $1 and prompt like $2 order by {order}"
            ))
            .bind(alice)
            .bind(pattern)
            .fetch_all(&db)
            .await
            .unwrap();
            assert_eq!(expected.len(), matches);
            let q = ImageQuery {
                sort,
                ..query(word)
            };
            let seen = every_page(&images, alice, &q, 37).await;
            assert_eq!(seen, expected, "{word}, {sort:?}");
        }
    }
}
