-- Prompt engineering: templates, the user's own style presets, wildcard
-- lists, and the history of every submitted prompt.

create extension if not exists pg_trgm;

create table prompt_templates (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    name             varchar(255) not null,
    prompt           text not null,
    negative_prompt  text not null default '',
    -- Saved Studio settings (model, size, steps, styles ...), all optional.
    parameters       jsonb not null default '{}',
    category         varchar(100) not null default '',
    is_public        boolean not null default false,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint prompt_templates_name_check check (length(btrim(name)) between 1 and 255),
    constraint prompt_templates_user_name_unique unique (user_id, name)
);

-- A user's templates, by category then name; public ones for everyone.
create index prompt_templates_user_idx on prompt_templates (user_id, category, name);
create index prompt_templates_public_idx on prompt_templates (category, name) where is_public;

create table style_presets (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    name             varchar(60) not null,
    category         varchar(60) not null default 'Mine',
    -- A template around {prompt}; without it, appended after ", ".
    positive         text not null,
    negative         text not null default '',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint style_presets_name_check check (length(btrim(name)) between 1 and 60),
    constraint style_presets_user_name_unique unique (user_id, name)
);

create index style_presets_user_idx on style_presets (user_id, name);

create table wildcard_lists (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    -- Used in prompts as __name__.
    name             varchar(64) not null,
    entries          text[] not null default '{}',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint wildcard_lists_name_check check (name ~ '^[A-Za-z0-9_/-]{1,64}$'),
    constraint wildcard_lists_user_name_unique unique (user_id, name)
);

create table prompt_history (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    -- What the user wrote (before templates, wildcards and styles).
    prompt           text not null,
    negative_prompt  text not null default '',
    model            varchar(200) not null,
    -- The whole submission: request, styles, variables, expansion mode.
    parameters       jsonb not null,
    -- The prompts it expanded to, and the jobs it queued.
    expanded         text[] not null default '{}',
    job_ids          uuid[] not null default '{}',
    starred          boolean not null default false,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    search           tsvector generated always as (
        to_tsvector('simple', prompt || ' ' || negative_prompt)
    ) stored
);

-- Newest first (keyset), starred first, full-text and substring search.
create index prompt_history_user_created_idx on prompt_history (user_id, created_at desc, id desc);
create index prompt_history_user_starred_idx on prompt_history (user_id, created_at desc) where starred;
create index prompt_history_search_idx on prompt_history using gin (search);
create index prompt_history_prompt_trgm_idx on prompt_history using gin (prompt gin_trgm_ops);
