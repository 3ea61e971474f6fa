-- Galleries, public pages, share links, tags, stars, the trash, and search.

-- Substring search on prompts. Trusted since PostgreSQL 13: a database
-- owner may create it without being a superuser.
create extension if not exists pg_trgm;

alter table generated_images
    -- Starred by its owner.
    add column starred     boolean not null default false,
    -- In the trash since then; purged after the retention period.
    add column deleted_at  timestamptz,
    -- The original file's format when it is not a PNG (imports keep theirs).
    add column media_type  text not null default 'image/png',
    -- Full-text search over both prompts: the prompt weighs more.
    add column search      tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, prompt), 'A')
        || setweight(to_tsvector('english'::regconfig, negative_prompt), 'B')
    ) stored,
    add constraint generated_images_media_type_check
        check (media_type in ('image/png', 'image/jpeg', 'image/webp'));

-- The grid only ever shows live images (the trash is its own view), newest
-- or oldest first, or starred first; one index serves each order.
drop index generated_images_user_created_idx;
create index generated_images_live_created_idx
    on generated_images (user_id, created_at desc, id desc) where deleted_at is null;
create index generated_images_live_starred_idx
    on generated_images (user_id, starred desc, created_at desc, id desc) where deleted_at is null;
create index generated_images_trash_idx
    on generated_images (user_id, deleted_at) where deleted_at is not null;
create index generated_images_purge_idx
    on generated_images (deleted_at) where deleted_at is not null;
create index generated_images_search_idx on generated_images using gin (search);
create index generated_images_prompt_trgm_idx on generated_images using gin (prompt gin_trgm_ops);
create index generated_images_user_model_idx
    on generated_images (user_id, model, created_at desc, id desc) where deleted_at is null;

-- A user's own labels on their images.
create table image_tags (
    image_id    uuid not null references generated_images (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    tag         varchar(64) not null,
    created_at  timestamptz not null default now(),
    primary key (image_id, tag),
    constraint image_tags_tag_check check (tag <> '' and tag = lower(tag))
);
create index image_tags_user_tag_idx on image_tags (user_id, tag, image_id);

create table image_galleries (
    id              uuid primary key,
    user_id         uuid not null references users (id) on delete cascade,
    name            varchar(100) not null,
    description     text not null default '',
    -- A readable URL segment, unique per user.
    slug            varchar(120) not null,
    cover_image_id  uuid references generated_images (id) on delete set null,
    -- The owner's order of their galleries.
    position        integer not null default 0,
    is_public       boolean not null default false,
    -- The public page's token: 128 random bits, base64url. Null while
    -- private; a new one revokes the old URL at once.
    public_token    varchar(32),
    -- What the public page shows.
    show_prompts    boolean not null default true,
    show_parameters boolean not null default false,
    show_owner      boolean not null default false,
    allow_indexing  boolean not null default false,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint image_galleries_public_token_unique unique (public_token),
    constraint image_galleries_slug_unique unique (user_id, slug),
    constraint image_galleries_public_check check (not is_public or public_token is not null),
    constraint image_galleries_name_check check (length(btrim(name)) > 0)
);
create unique index image_galleries_name_unique on image_galleries (user_id, lower(name));
create index image_galleries_user_position_idx on image_galleries (user_id, position, created_at);

create table gallery_images (
    gallery_id  uuid not null references image_galleries (id) on delete cascade,
    image_id    uuid not null references generated_images (id) on delete cascade,
    -- The owner's order within the gallery (ascending).
    position    bigint not null,
    created_at  timestamptz not null default now(),
    primary key (gallery_id, image_id)
);
create index gallery_images_order_idx on gallery_images (gallery_id, position, image_id);
create index gallery_images_image_idx on gallery_images (image_id);

-- Single-image share links.
create table image_shares (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    image_id         uuid not null references generated_images (id) on delete cascade,
    -- 128 random bits, base64url.
    token            varchar(32) not null,
    show_prompt      boolean not null default true,
    show_parameters  boolean not null default false,
    expires_at       timestamptz,
    revoked_at       timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint image_shares_token_unique unique (token)
);
create index image_shares_image_idx on image_shares (image_id);
