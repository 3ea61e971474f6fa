//! The image grid at scale: the engine's own `Images::list` and
//! `Images::count` (the statements users get) against 1,000,000 images of
//! one user beside 100,000 of 50 others.
//!
//! The rows live in a dedicated database, `easel_bench_gallery`, on the
//! embedded cluster (or the `DATABASE_URL` server). It is kept between runs,
//! so seeding (a few minutes) happens once; `--reseed` drops and refills it.
//! Store keys are fake: no files are written.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use easel_domain::gallery::{Aspect, GalleryCursor, ImageQuery, SortOrder};
use easel_engine::images::Images;
use easel_engine::store::LocalStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgPool};
use uuid::Uuid;

use super::percentile;
use crate::database::Database;

/// The bench's own database, kept between runs.
const DATABASE: &str = "easel_bench_gallery";
/// Bumped when the seed changes, so an old database is refilled.
const SEED_VERSION: i32 = 1;
/// The main user's images, and everyone else's.
const MAIN_IMAGES: i64 = 1_000_000;
const OTHER_IMAGES: i64 = 100_000;
const OTHER_USERS: i64 = 50;
/// Rows per seeding statement (one progress line each).
const CHUNK: i64 = 100_000;
/// The grid's page size.
const PAGE: u32 = 48;
/// Page targets (p99) for plain pages, and for searches and filters.
const PAGE_TARGET_MS: f64 = 5.0;
const SEARCH_TARGET_MS: f64 = 50.0;
/// Untimed runs before each measurement.
const WARM_UP: usize = 10;

pub(super) async fn run(
    database: &Database,
    reseed: bool,
    explain: bool,
    runs: usize,
) -> anyhow::Result<()> {
    let (pool, options) = open(database, reseed).await?;
    let result = measure(&pool, &options, explain, runs.max(1)).await;
    pool.close().await;
    result
}

/// Opens (creating, or with `reseed` recreating) the bench database, and
/// seeds it unless a complete seed of this version is already there.
async fn open(database: &Database, reseed: bool) -> anyhow::Result<(PgPool, PgConnectOptions)> {
    // The seed's statements and the rare-word searches are slow on
    // purpose: no slow-statement warnings in the figures.
    let options: PgConnectOptions = database
        .options
        .clone()
        .database(DATABASE)
        .disable_statement_logging();
    if !reseed {
        if let Some(pool) = existing(database, &options).await? {
            if seeded(&pool).await? {
                println!("gallery: {DATABASE} already seeded (--reseed to refill it)");
                return Ok((pool, options));
            }
            pool.close().await;
        }
    }
    sqlx::query(&format!("drop database if exists {DATABASE} with (force)"))
        .execute(&database.pool)
        .await
        .with_context(|| format!("dropping {DATABASE}"))?;
    sqlx::query(&format!("create database {DATABASE}"))
        .execute(&database.pool)
        .await
        .with_context(|| format!("creating {DATABASE}"))?;
    let pool = easel_engine::db::connect(options.clone(), 4).await?;
    easel_engine::db::migrate(&pool).await?;
    seed(&pool).await?;
    Ok((pool, options))
}

/// The bench database migrated, if it exists.
async fn existing(
    database: &Database,
    options: &PgConnectOptions,
) -> anyhow::Result<Option<PgPool>> {
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(DATABASE)
            .fetch_one(&database.pool)
            .await?;
    if !exists {
        return Ok(None);
    }
    let pool = easel_engine::db::connect(options.clone(), 4).await?;
    // New migrations (indexes) apply to the kept rows.
    easel_engine::db::migrate(&pool).await?;
    Ok(Some(pool))
}

async fn seeded(pool: &PgPool) -> anyhow::Result<bool> {
    let marker: Option<String> =
        sqlx::query_scalar("select to_regclass('gallery_bench_seed')::text")
            .fetch_one(pool)
            .await?;
    if marker.is_none() {
        return Ok(false);
    }
    let version: Option<i32> = sqlx::query_scalar("select max(version) from gallery_bench_seed")
        .fetch_one(pool)
        .await?;
    Ok(version == Some(SEED_VERSION))
}

/// Prompt parts: `{subject} {place} at {time}, {style}, {lighting}`.
const SUBJECTS: &[&str] = &[
    "a lighthouse",
    "an old castle",
    "a red fox",
    "a sleeping cat",
    "a samurai",
    "a steam locomotive",
    "a wooden cabin",
    "a giant robot",
    "a hot air balloon",
    "a sailing ship",
    "a dragon",
    "an astronaut",
    "a cozy cafe",
    "a wizard",
    "a vintage car",
    "a koi pond",
    "a snowy owl",
    "a cyberpunk street",
    "a tea house",
    "a waterfall",
    "a windmill",
    "a knight in armor",
    "a field of sunflowers",
    "a grand piano",
    "a floating island",
    "a bonsai tree",
    "a space station",
    "a medieval market",
    "a polar bear",
    "a paper boat",
    "a library",
    "a ballerina",
    "a humpback whale",
    "a desert caravan",
    "a greenhouse",
    "a jazz band",
    "a mountain village",
    "a clockwork bird",
    "a ruined temple",
    "a neon diner",
];
const PLACES: &[&str] = &[
    "on a cliff",
    "in a misty forest",
    "by the sea",
    "in the mountains",
    "in a quiet harbor",
    "on a frozen lake",
    "in the desert",
    "in a bamboo grove",
    "on a rooftop",
    "in a city street",
    "in a meadow",
    "under a bridge",
    "in a canyon",
    "on a tropical beach",
    "in the jungle",
    "on the moon",
    "in a snowy valley",
    "beside a river",
    "in an abandoned factory",
    "in a flower garden",
    "on a hilltop",
    "in a cave",
    "above the clouds",
    "in a small town",
    "on an island",
    "in a train station",
    "near a volcano",
    "in a vineyard",
    "at the edge of a glacier",
    "in a lavender field",
];
const TIMES: &[&str] = &[
    "sunset",
    "dawn",
    "dusk",
    "night",
    "midnight",
    "noon",
    "golden hour",
    "twilight",
    "first light",
    "blue hour",
];
const STYLES: &[&str] = &[
    "oil painting",
    "watercolor",
    "digital art",
    "photorealistic",
    "studio ghibli style",
    "pencil sketch",
    "ukiyo-e woodblock print",
    "concept art",
    "low poly 3d render",
    "pixel art",
    "art nouveau",
    "impressionist painting",
    "cinematic still",
    "35mm film photo",
    "isometric illustration",
    "charcoal drawing",
    "gouache",
    "vaporwave",
    "matte painting",
    "children's book illustration",
    "baroque painting",
    "long exposure photograph",
    "claymation",
    "stained glass",
    "comic book style",
];
const LIGHTING: &[&str] = &[
    "dramatic lighting",
    "soft lighting",
    "volumetric light",
    "rim lighting",
    "neon glow",
    "moody shadows",
    "backlit",
    "warm light",
    "cold light",
    "god rays",
    "candlelight",
    "overcast",
    "high contrast",
    "studio lighting",
    "bioluminescent glow",
];
const EXTRAS: &[&str] = &[
    "",
    "",
    "",
    ", highly detailed",
    ", 8k",
    ", intricate details",
    ", wide angle",
    ", close-up",
    ", bokeh",
    ", award winning",
];
const NEGATIVES: &[&str] = &[
    "",
    "",
    "blurry, low quality",
    "text, watermark",
    "deformed hands, extra fingers",
    "lowres, jpeg artifacts",
];
/// Models of five backends.
const MODELS: &[&str] = &[
    "openai:dall-e-3",
    "openai:gpt-image-1",
    "stability:sd3.5-large",
    "stability:stable-image-core",
    "a1111:sd_xl_base_1.0",
    "a1111:juggernautXL_v9",
    "comfyui:flux1-dev",
    "comfyui:sdxl-turbo",
    "midjourney:v6.1",
];
/// One row in this many carries the rare word.
const RARE_EVERY: i64 = 50_000;
const RARE_WORD: &str = "axolotl";

/// A SQL `array[...]` of text literals.
fn sql_array(words: &[&str]) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "''")))
        .collect();
    format!("array[{}]::text[]", quoted.join(", "))
}

/// `array[...]` subscripted by a fresh random index.
fn pick(words: &[&str]) -> String {
    format!(
        "({})[1 + floor(random() * {})::int]",
        sql_array(words),
        words.len()
    )
}

/// Inserts images `g` in `$2..=$3` of `$4`, spread over the year, owned in
/// turn by the users in `$1`; `$5` salts the ids. Ids are UUIDv7 made from
/// `created_at` (as Easel's are), so the heap is in time order.
fn insert_images_sql() -> String {
    let prompt = format!(
        "{} || ' ' || {} || ' at ' || {} || ', ' || {} || ', ' || {} \
         || case when g % {RARE_EVERY} = 17 then ', with an {RARE_WORD}' else '' end || {}",
        pick(SUBJECTS),
        pick(PLACES),
        pick(TIMES),
        pick(STYLES),
        pick(LIGHTING),
        pick(EXTRAS),
    );
    format!(
        r#"
        insert into generated_images (id, user_id, operation, prompt, negative_prompt, model,
            parameters, image_path, thumbnail_path, thumbnail_large_path, width, height, seed,
            byte_size, created_at, updated_at, starred, deleted_at)
        select
            (lpad(to_hex((extract(epoch from s.ts) * 1000)::bigint), 12, '0') || '7'
                || substr(s.h, 1, 3) || '8' || substr(s.h, 4, 15))::uuid,
            ($1::uuid[])[1 + s.g % cardinality($1::uuid[])],
            'txt2img', s.prompt, s.negative, s.model,
            jsonb_build_object('model', s.model, 'steps', 30, 'cfg_scale', 7,
                               'width', s.width, 'height', s.height),
            'bench/' || s.h || '.png', 'bench/' || s.h || '.256.jpg', 'bench/' || s.h || '.512.jpg',
            s.width, s.height, s.seed, s.byte_size, s.ts, s.ts,
            s.star < 0.05,
            case when s.trash < 0.005 then s.ts + interval '1 day' end
        from (
            select g, r.ts, md5($5 || g::text) as h,
                   {prompt} as prompt,
                   {negative} as negative,
                   {model} as model,
                   (array[1024, 1024, 1024, 1024, 1344, 1344, 1216, 768, 768, 832])[1 + r.shape] as width,
                   (array[1024, 1024, 1024, 1024, 768, 768, 832, 1344, 1344, 1216])[1 + r.shape] as height,
                   floor(random() * 2147483647)::bigint as seed,
                   1200000 + floor(random() * 800000)::bigint as byte_size,
                   random() as star, random() as trash
            from generate_series($2::bigint, $3::bigint) g
            cross join lateral (
                select timestamptz '2025-12-06 00:00:00+00'
                           + (g::float8 / $4::float8) * interval '365 days'
                           + random() * interval '20 seconds' as ts,
                       floor(random() * 10)::int as shape
            ) r
        ) s
        "#,
        negative = pick(NEGATIVES),
        model = pick(MODELS),
    )
}

/// Fills the bench database: users, images, tags, stars, galleries; with
/// the secondary indexes dropped during the load and built again after.
async fn seed(pool: &PgPool) -> anyhow::Result<()> {
    let start = Instant::now();
    let mut conn = pool.acquire().await?;
    for setting in [
        "set synchronous_commit = off",
        "set maintenance_work_mem = '512MB'",
        "select setseed(0.42)",
    ] {
        sqlx::query(setting).execute(&mut *conn).await?;
    }
    // Bulk loading into GIN indexes row by row is the slow part; build
    // them (exactly as the migrations define them) after the load.
    let tables = vec![
        "generated_images".to_owned(),
        "image_tags".to_owned(),
        "gallery_images".to_owned(),
    ];
    let indexes: Vec<(String, String)> = sqlx::query_as(
        r#"select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           from pg_index i join pg_class t on t.oid = i.indrelid
           where t.relname = any($1)
             and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)"#,
    )
    .bind(&tables)
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("drop index {name}"))
            .execute(&mut *conn)
            .await?;
    }

    let main = Uuid::now_v7();
    sqlx::query(
        "insert into users (id, username, username_key, password_hash) values ($1, 'gallery-bench', 'gallery-bench', 'bench')",
    )
    .bind(main)
    .execute(&mut *conn)
    .await?;
    let others: Vec<Uuid> = sqlx::query_scalar(
        r#"insert into users (id, username, username_key, password_hash)
           select gen_random_uuid(), 'gallery-bench-' || lpad(g::text, 2, '0'),
                  'gallery-bench-' || lpad(g::text, 2, '0'), 'bench'
           from generate_series(1, $1) g
           returning id"#,
    )
    .bind(OTHER_USERS as i32)
    .fetch_all(&mut *conn)
    .await?;

    let insert = insert_images_sql();
    let total = MAIN_IMAGES + OTHER_IMAGES;
    let mut done = 0;
    for (owners, rows, salt) in [
        (vec![main], MAIN_IMAGES, "main"),
        (others, OTHER_IMAGES, "others"),
    ] {
        let mut first = 1;
        while first <= rows {
            let last = (first + CHUNK - 1).min(rows);
            sqlx::query(&insert)
                .bind(&owners)
                .bind(first)
                .bind(last)
                .bind(rows)
                .bind(salt)
                .execute(&mut *conn)
                .await
                .context("seeding images")?;
            done += last - first + 1;
            println!(
                "  seeded {done:>9} / {total} images ({:.0} s)",
                start.elapsed().as_secs_f64()
            );
            first = last + 1;
        }
    }

    // Tags: 10 % 'portfolio', and a few others.
    for (tag, share) in [
        ("portfolio", 0.10),
        ("wip", 0.03),
        ("client-work", 0.02),
        ("print", 0.01),
    ] {
        let tagged = sqlx::query(
            "insert into image_tags (image_id, user_id, tag, created_at)
             select id, user_id, $1, created_at from generated_images where random() < $2",
        )
        .bind(tag)
        .bind(share)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        println!("  tagged {tagged} images '{tag}'");
    }

    // Two galleries, 10,000 images: a sample, and lighthouses.
    for (name, slug, filter, size) in [
        ("Best of the year", "best-of-the-year", "true", 6000),
        (
            "Lighthouses",
            "lighthouses",
            "i.prompt like 'a lighthouse %'",
            4000,
        ),
    ] {
        let gallery = Uuid::now_v7();
        sqlx::query(
            "insert into image_galleries (id, user_id, name, slug) values ($1, $2, $3, $4)",
        )
        .bind(gallery)
        .bind(main)
        .bind(name)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
        sqlx::query(&format!(
            "insert into gallery_images (gallery_id, image_id, position)
             select $1, id, 1024 * row_number() over (order by created_at)
             from (select i.id, i.created_at from generated_images i
                   where i.user_id = $2 and i.deleted_at is null and {filter}
                   order by random() limit $3) s"
        ))
        .bind(gallery)
        .bind(main)
        .bind(size as i64)
        .execute(&mut *conn)
        .await?;
    }
    println!(
        "  tags and galleries ({:.0} s)",
        start.elapsed().as_secs_f64()
    );

    for (name, definition) in &indexes {
        let built = Instant::now();
        sqlx::query(definition).execute(&mut *conn).await?;
        println!("  index {name} ({:.1} s)", built.elapsed().as_secs_f64());
    }
    for table in &tables {
        sqlx::query(&format!("vacuum (analyze) {table}"))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("vacuum (analyze) users")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "create table gallery_bench_seed (version integer not null, user_id uuid not null, seeded_at timestamptz not null default now())",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("insert into gallery_bench_seed (version, user_id) values ($1, $2)")
        .bind(SEED_VERSION)
        .bind(main)
        .execute(&mut *conn)
        .await?;
    println!("gallery: seeded in {:.0} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// One measured call.
struct Case {
    name: &'static str,
    user: Uuid,
    query: ImageQuery,
    cursor: Option<GalleryCursor>,
    /// `count` instead of a page.
    count: bool,
    target_ms: f64,
}

async fn measure(
    pool: &PgPool,
    options: &PgConnectOptions,
    explain: bool,
    runs: usize,
) -> anyhow::Result<()> {
    let (main, other): (Uuid, Uuid) = sqlx::query_as(
        "select (select user_id from gallery_bench_seed limit 1),
                (select id from users where username = 'gallery-bench-01')",
    )
    .fetch_one(pool)
    .await?;
    // No files are read: the store only has to exist.
    let dir = tempfile::tempdir()?;
    let store = Arc::new(LocalStore::new(dir.path()));

    let (rows, live): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where deleted_at is null) from generated_images where user_id = $1",
    )
    .bind(main)
    .fetch_one(pool)
    .await?;
    println!(
        "gallery: the main user has {rows} images ({live} live); {runs} runs per query, page {PAGE}"
    );

    let (newest_deep, newest_offset) = deep_cursor(pool, main, SortOrder::Newest, 500_000).await?;
    let (oldest_deep, oldest_offset) = deep_cursor(pool, main, SortOrder::Oldest, 500_000).await?;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let text = |t: &str| ImageQuery {
        text: t.into(),
        ..ImageQuery::default()
    };
    let page = |name, query, cursor| Case {
        name,
        user: main,
        query,
        cursor,
        count: false,
        target_ms: PAGE_TARGET_MS,
    };
    let search = |name, query| Case {
        name,
        user: main,
        query,
        cursor: None,
        count: false,
        target_ms: SEARCH_TARGET_MS,
    };
    let cases = vec![
        page("first page (newest)", ImageQuery::default(), None),
        page(
            "page 500,000 deep (newest)",
            ImageQuery::default(),
            Some(newest_deep),
        ),
        page(
            "starred first, first page",
            ImageQuery {
                sort: SortOrder::Starred,
                ..ImageQuery::default()
            },
            None,
        ),
        page(
            "page 500,000 deep (oldest)",
            ImageQuery {
                sort: SortOrder::Oldest,
                ..ImageQuery::default()
            },
            Some(oldest_deep),
        ),
        search("search 'lighthouse'", text("lighthouse")),
        search("search 'axolotl' (rare)", text(RARE_WORD)),
        search(
            "contains 'on a cliff at'",
            ImageQuery {
                contains: "on a cliff at".into(),
                ..ImageQuery::default()
            },
        ),
        search(
            "contains 'axolotl' (rare)",
            ImageQuery {
                contains: RARE_WORD.into(),
                ..ImageQuery::default()
            },
        ),
        search(
            "comfyui + portrait + Mar-May",
            ImageQuery {
                model: Some("comfyui".into()),
                aspect: Some(Aspect::Portrait),
                from: date(2026, 3, 1),
                to: date(2026, 5, 31),
                ..ImageQuery::default()
            },
        ),
        search(
            "tag portfolio + starred",
            ImageQuery {
                tags: vec!["portfolio".into()],
                starred: true,
                ..ImageQuery::default()
            },
        ),
        Case {
            count: true,
            ..search("count 'lighthouse' (select all)", text("lighthouse"))
        },
        Case {
            user: other,
            ..search("search 'lighthouse', 2k-image user", text("lighthouse"))
        },
    ];

    // Each query gets a fresh one-connection pool, so no query's runs warm
    // another's connection; `first 5` is the slowest of the first five runs
    // on it (cold caches).
    let mut table = Vec::new();
    for case in &cases {
        let case_pool = easel_engine::db::connect(options.clone(), 1).await?;
        let images = Images::new(case_pool.clone(), store.clone());
        let mut samples = Vec::with_capacity(runs);
        let mut first = Duration::ZERO;
        let mut found = 0;
        for i in 0..WARM_UP + runs {
            let started = Instant::now();
            found = if case.count {
                images.count(case.user, &case.query).await? as usize
            } else {
                images
                    .list(case.user, &case.query, case.cursor, PAGE)
                    .await?
                    .items
                    .len()
            };
            let elapsed = started.elapsed();
            if i < 5 {
                first = first.max(elapsed);
            }
            if i >= WARM_UP {
                samples.push(elapsed);
            }
        }
        samples.sort();
        let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
        table.push((case, found, first, samples, mean));
        case_pool.close().await;
    }

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!();
    println!(
        "{:<36} {:>8} {:>10} {:>9} {:>9} {:>9} {:>8}  result",
        "query", "rows", "first 5 ms", "p50 ms", "p99 ms", "mean ms", "target"
    );
    for (case, found, first, samples, mean) in &table {
        let p99 = ms(percentile(samples, 99.0));
        println!(
            "{:<36} {:>8} {:>10.2} {:>9.2} {:>9.2} {:>9.2} {:>6} ms  {}",
            case.name,
            found,
            ms(*first),
            ms(percentile(samples, 50.0)),
            p99,
            ms(*mean),
            case.target_ms,
            if p99 <= case.target_ms {
                "PASS"
            } else {
                "MISS"
            }
        );
    }

    // The peer: the same deep pages read with `OFFSET`, as most galleries
    // page, timed once when the cursors were found.
    println!();
    for (name, offset_time) in [
        ("page 500,000 deep (newest)", newest_offset),
        ("page 500,000 deep (oldest)", oldest_offset),
    ] {
        if let Some((_, _, _, samples, _)) = table.iter().find(|row| row.0.name == name) {
            let keyset = ms(percentile(samples, 50.0));
            println!(
                "{name}: keyset p50 {keyset:.2} ms vs OFFSET 500,000 {:.1} ms: {:.0}x faster",
                ms(offset_time),
                ms(offset_time) / keyset.max(0.001)
            );
        }
    }

    if explain {
        let images = Images::new(pool.clone(), store.clone());
        for case in &cases {
            let limit = (!case.count).then_some(PAGE);
            let plan = images
                .explain(case.user, &case.query, case.cursor, limit)
                .await?;
            println!("\n== {} ==\n{plan}", case.name);
        }
    }
    Ok(())
}

/// The cursor `offset` rows into the user's grid in `sort` order, found
/// once with an offset query (outside the timing), and how long that
/// offset query took.
async fn deep_cursor(
    pool: &PgPool,
    user: Uuid,
    sort: SortOrder,
    offset: i64,
) -> anyhow::Result<(GalleryCursor, Duration)> {
    let order = match sort {
        SortOrder::Oldest => "created_at, id",
        _ => "created_at desc, id desc",
    };
    // The same page the keyset query reads (its columns, 48 rows and the
    // one that tells whether more follow), so the two times compare.
    let started = Instant::now();
    let rows: Vec<(Uuid, String, String, i32, i32, DateTime<Utc>, bool)> =
        sqlx::query_as(&format!(
            "select id, prompt, model, width, height, created_at, starred from generated_images
             where user_id = $1 and deleted_at is null
             order by {order} offset $2 limit $3"
        ))
        .bind(user)
        .bind(offset - 1)
        .bind(i64::from(PAGE) + 1)
        .fetch_all(pool)
        .await
        .context("finding the deep page's cursor")?;
    let took = started.elapsed();
    let (id, _, _, _, _, created_at, starred) = rows
        .into_iter()
        .next()
        .context("the user has too few images")?;
    println!(
        "  page {offset} rows deep ({sort:?}) by OFFSET: {:.1} ms (once, untimed)",
        took.as_secs_f64() * 1000.0
    );
    Ok((
        GalleryCursor {
            created_at,
            id,
            starred,
        },
        took,
    ))
}
