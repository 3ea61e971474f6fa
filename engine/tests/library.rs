//! The prompt library against a real PostgreSQL: templates (own, public,
//! and other users' private ones), styles, wildcards, history search, and
//! submissions that expand into several jobs.

mod support;

use std::sync::Arc;

use easel_domain::generation::{GenerationRequest, Seed};
use easel_domain::library::{
    Expansion, HistoryQuery, StyleInput, Submission, TemplateInput, TemplateSettings, WildcardList,
};
use easel_engine::generation::{Generation, GenerationError, GenerationLimits};
use easel_engine::hub::ProgressHub;
use easel_engine::library::{Library, LibraryError};
use easel_engine::providers::ProviderRegistry;
use easel_engine::providers::builtin::BuiltinProvider;
use easel_engine::providers::instant::InstantProvider;
use sqlx::PgPool;

fn template(name: &str, public: bool) -> TemplateInput {
    TemplateInput {
        name: name.into(),
        prompt: "portrait of {subject=a fox}, {soft|hard} light".into(),
        negative_prompt: "blurry".into(),
        settings: TemplateSettings {
            steps: Some(30),
            styles: vec!["watercolor".into()],
            ..TemplateSettings::default()
        },
        category: "Portraits".into(),
        is_public: public,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn templates_are_private_unless_public_and_only_their_owner_edits_them(db: PgPool) {
    let library = Library::new(db.clone());
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let private = library
        .create_template(alice, template("Mine", false))
        .await
        .unwrap();
    let public = library
        .create_template(alice, template("Shared", true))
        .await
        .unwrap();
    assert_eq!(private.settings.steps, Some(30));
    assert_eq!(private.settings.styles, ["watercolor"]);

    let seen_by_bob = library.list_templates(bob).await.unwrap();
    assert_eq!(seen_by_bob.len(), 1);
    assert_eq!(seen_by_bob[0].id, public.id);
    assert!(!seen_by_bob[0].is_own);
    assert_eq!(seen_by_bob[0].owner, "alice");
    assert!(matches!(
        library.get_template(bob, private.id).await,
        Err(LibraryError::NotFound)
    ));
    // Bob can read Alice's public template but not change or delete it.
    assert!(matches!(
        library
            .update_template(bob, public.id, template("Hijacked", true))
            .await,
        Err(LibraryError::NotFound)
    ));
    assert!(matches!(
        library.delete_template(bob, public.id).await,
        Err(LibraryError::NotFound)
    ));
    assert_eq!(
        library.get_template(alice, public.id).await.unwrap().name,
        "Shared"
    );

    let edited = library
        .update_template(
            alice,
            private.id,
            TemplateInput {
                name: "Renamed".into(),
                ..template("x", false)
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.name, "Renamed");
    assert!(edited.updated_at >= edited.created_at);
    assert!(matches!(
        library
            .create_template(alice, template("Renamed", false))
            .await,
        Err(LibraryError::NameTaken)
    ));
    library.delete_template(alice, private.id).await.unwrap();
    assert!(matches!(
        library.get_template(alice, private.id).await,
        Err(LibraryError::NotFound)
    ));
    assert_eq!(library.list_templates(alice).await.unwrap().len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_templates_are_refused_field_by_field(db: PgPool) {
    let library = Library::new(db.clone());
    let alice = support::user(&db, "alice").await;
    let bad = TemplateInput {
        name: String::new(),
        prompt: "a {broken".into(),
        ..TemplateInput::default()
    };
    match library.create_template(alice, bad).await {
        Err(LibraryError::Invalid(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["name", "prompt"]);
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    let sql = TemplateInput {
        name: "'; drop table prompt_templates; --".into(),
        prompt: "robert'; delete from users where '1'='1'; --".into(),
        ..TemplateInput::default()
    };
    let saved = library.create_template(alice, sql).await.unwrap();
    assert_eq!(saved.name, "'; drop table prompt_templates; --");
    assert_eq!(library.list_templates(alice).await.unwrap().len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn styles_and_wildcards_belong_to_their_user(db: PgPool) {
    let library = Library::new(db.clone());
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    let style = library
        .create_style(
            alice,
            StyleInput {
                name: "Dusk".into(),
                category: String::new(),
                positive: "{prompt}, purple dusk light".into(),
                negative: "noon".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(style.category, "Mine");
    assert!(library.list_styles(bob).await.unwrap().is_empty());
    assert!(
        library
            .styles_by_id(bob, &[style.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        library.delete_style(bob, style.id).await,
        Err(LibraryError::NotFound)
    ));
    assert!(matches!(
        library
            .create_style(
                alice,
                StyleInput {
                    name: "Bad".into(),
                    positive: "{unclosed".into(),
                    ..StyleInput::default()
                }
            )
            .await,
        Err(LibraryError::Invalid(_))
    ));

    let list = WildcardList {
        name: "animal".into(),
        entries: vec!["fox".into(), "owl".into()],
    };
    library.save_wildcards(alice, list.clone()).await.unwrap();
    // Saving under the same name replaces the entries.
    let replaced = WildcardList {
        entries: vec!["heron".into()],
        ..list
    };
    library.save_wildcards(alice, replaced).await.unwrap();
    let lists = library.list_wildcards(alice).await.unwrap();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].entries, ["heron"]);
    assert!(library.list_wildcards(bob).await.unwrap().is_empty());
    assert!(matches!(
        library.delete_wildcards(bob, "animal").await,
        Err(LibraryError::NotFound)
    ));
    library.delete_wildcards(alice, "animal").await.unwrap();
    assert!(library.list_wildcards(alice).await.unwrap().is_empty());
}

fn generation(db: &PgPool) -> Generation {
    let providers = ProviderRegistry::new()
        .with(Arc::new(BuiltinProvider::new(1)))
        .with(Arc::new(InstantProvider::new(1)));
    Generation::new(
        db.clone(),
        ProgressHub::new(db.clone()),
        Arc::new(providers),
        support::quick_settings(),
        GenerationLimits {
            max_active_jobs: 10,
        },
    )
}

fn submission(prompt: &str) -> Submission {
    Submission {
        request: GenerationRequest {
            seed: Seed::Fixed(5),
            ..support::request("builtin:easel-sketch", prompt)
        },
        styles: Vec::new(),
        variables: Default::default(),
        expansion: Expansion::Random,
        prompts: 1,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dynamic_submission_queues_one_job_per_prompt_and_lands_in_history(db: PgPool) {
    let generation = generation(&db);
    let library = Library::new(db.clone());
    let alice = support::user(&db, "alice").await;
    library
        .save_wildcards(
            alice,
            WildcardList {
                name: "animal".into(),
                entries: vec!["fox".into(), "owl".into()],
            },
        )
        .await
        .unwrap();
    let mut sub = submission("a (red:1.4) __animal__ on a {hill|boat}");
    sub.expansion = Expansion::Combinatorial;
    sub.prompts = 10;
    sub.styles = vec!["watercolor".into()];
    let outcome = generation.submit_batch(alice, sub).await.unwrap();
    assert_eq!(outcome.jobs.len(), 4);
    let prompts: Vec<&str> = outcome.jobs.iter().map(|j| j.prompt.as_str()).collect();
    for expected in [
        "a red fox on a hill",
        "a red fox on a boat",
        "a red owl on a hill",
        "a red owl on a boat",
    ] {
        assert!(
            prompts.iter().any(|p| p.contains(expected)),
            "{expected} missing from {prompts:?}"
        );
    }
    // The built-in engine does not read weights, and the style wrapped it.
    assert!(prompts.iter().all(|p| !p.contains("(red:1.4)")));
    assert!(
        prompts
            .iter()
            .all(|p| p.to_lowercase().contains("watercolo")),
        "{prompts:?}"
    );
    assert!(outcome.jobs.iter().all(|j| !j.negative_prompt.is_empty()));
    assert!(outcome.jobs.iter().all(|j| j.seed == 5));

    let page = library
        .search_history(alice, &HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    let entry = &page.entries[0];
    assert_eq!(Some(entry.id), outcome.history_id);
    assert_eq!(entry.prompt, "a (red:1.4) __animal__ on a {hill|boat}");
    assert_eq!(entry.expanded.len(), 4);
    assert_eq!(entry.job_ids.len(), 4);
    assert_eq!(entry.submission.styles, ["watercolor"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_submissions_queue_nothing(db: PgPool) {
    let generation = generation(&db);
    let alice = support::user(&db, "alice").await;
    let cases = [
        (submission("a {fox|cat"), "prompt"),
        (submission("a __nobody__"), "prompt"),
        (
            Submission {
                styles: vec!["no-such-style".into()],
                ..submission("a fox")
            },
            "styles",
        ),
        (
            Submission {
                styles: vec![format!("user:{}", uuid::Uuid::nil())],
                ..submission("a fox")
            },
            "styles",
        ),
        (submission("portrait of {subject}"), "prompt"),
    ];
    for (sub, field) in cases {
        match generation.submit_batch(alice, sub).await {
            Err(GenerationError::Invalid(errors)) => {
                assert_eq!(errors[0].field, field, "{errors:?}")
            }
            other => panic!("expected an invalid {field}, got {other:?}"),
        }
    }
    // Too many prompts for the active-job limit (10).
    let mut big = submission("{a|b|c|d} {e|f|g|h}");
    big.expansion = Expansion::Combinatorial;
    big.prompts = 16;
    assert!(matches!(
        generation.submit_batch(alice, big).await,
        Err(GenerationError::TooManyActiveJobs { limit: 10 })
    ));
    let jobs: i64 = sqlx::query_scalar("select count(*) from generation_jobs")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
    let history: i64 = sqlx::query_scalar("select count(*) from prompt_history")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(history, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn variables_fill_templates_and_user_styles_apply(db: PgPool) {
    let generation = generation(&db);
    let library = Library::new(db.clone());
    let alice = support::user(&db, "alice").await;
    let style = library
        .create_style(
            alice,
            StyleInput {
                name: "Night".into(),
                positive: "{prompt} at night, starry sky".into(),
                ..StyleInput::default()
            },
        )
        .await
        .unwrap();
    let mut sub = submission("a {animal=cat} by a {place}");
    sub.variables.insert("place".into(), "lake".into());
    sub.styles = vec![format!("user:{}", style.id)];
    let outcome = generation.submit_batch(alice, sub).await.unwrap();
    assert_eq!(outcome.jobs.len(), 1);
    assert_eq!(
        outcome.jobs[0].prompt,
        "a cat by a lake at night, starry sky"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn history_searches_words_and_substrings_stars_and_pages(db: PgPool) {
    let generation = generation(&db);
    let library = Library::new(db.clone());
    let alice = support::user(&db, "alice").await;
    let bob = support::user(&db, "bob").await;
    for prompt in [
        "a lighthouse at dusk",
        "three birds over hills",
        "a lighthouse in fog",
    ] {
        let mut sub = submission(prompt);
        sub.request.model = "instant:noop".into();
        sub.request.steps = None;
        generation.submit_batch(alice, sub).await.unwrap();
    }
    let search = |text: &str, starred_only: bool| HistoryQuery {
        text: text.into(),
        starred_only,
        ..HistoryQuery::default()
    };
    let words = library
        .search_history(alice, &search("lighthouse", false))
        .await
        .unwrap();
    assert_eq!(words.entries.len(), 2);
    assert_eq!(
        words.entries[0].prompt, "a lighthouse in fog",
        "newest first"
    );
    let substring = library
        .search_history(alice, &search("ghthou", false))
        .await
        .unwrap();
    assert_eq!(substring.entries.len(), 2);
    let wildcard_chars = library
        .search_history(alice, &search("%", false))
        .await
        .unwrap();
    assert!(
        wildcard_chars.entries.is_empty(),
        "LIKE wildcards are escaped"
    );
    assert!(
        library
            .search_history(bob, &search("", false))
            .await
            .unwrap()
            .entries
            .is_empty()
    );

    let birds = &library
        .search_history(alice, &search("birds", false))
        .await
        .unwrap()
        .entries[0];
    library.star_history(alice, birds.id, true).await.unwrap();
    assert!(matches!(
        library.star_history(bob, birds.id, true).await,
        Err(LibraryError::NotFound)
    ));
    let starred = library
        .search_history(alice, &search("", true))
        .await
        .unwrap();
    assert_eq!(starred.entries.len(), 1);
    assert!(starred.entries[0].starred);

    let first = library
        .search_history(
            alice,
            &HistoryQuery {
                limit: 2,
                ..HistoryQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.entries.len(), 2);
    let rest = library
        .search_history(
            alice,
            &HistoryQuery {
                limit: 2,
                before: first.next,
                ..HistoryQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.entries.len(), 1);
    assert_eq!(rest.next, None);
    assert_eq!(rest.entries[0].prompt, "a lighthouse at dusk");

    assert!(matches!(
        library.delete_history(bob, birds.id).await,
        Err(LibraryError::NotFound)
    ));
    library.delete_history(alice, birds.id).await.unwrap();
    assert_eq!(
        library
            .search_history(alice, &search("", false))
            .await
            .unwrap()
            .entries
            .len(),
        2
    );
}
