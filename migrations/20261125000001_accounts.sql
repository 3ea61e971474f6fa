-- Accounts, sessions and the log of log-in attempts.

create table users (
    id            uuid primary key,
    -- The name as typed (NFC-normalised), for display.
    username      text not null,
    -- The name's identity (NFKC, lowercased): unique, and what log-in looks up.
    username_key  text not null,
    -- An argon2id PHC string.
    password_hash text not null,
    role          text not null default 'member',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint users_username_key_unique unique (username_key),
    constraint users_role_check check (role in ('admin', 'member'))
);

create table sessions (
    -- SHA-256 of the cookie's random token: a leaked table logs nobody in.
    token_hash  bytea primary key,
    user_id     uuid not null references users (id) on delete cascade,
    created_at  timestamptz not null default now(),
    -- Last time the session was seen (refreshed at most once per hour).
    updated_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    ip          inet,
    user_agent  text,
    constraint sessions_token_hash_length check (octet_length(token_hash) = 32)
);

create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

-- Append-only: one row per log-in attempt, read by the rate limiter and
-- pruned by the maintenance task. Rows are never updated, so there is no
-- updated_at.
create table login_attempts (
    id            bigint generated always as identity primary key,
    username_key  text not null,
    ip            inet not null,
    succeeded     boolean not null,
    created_at    timestamptz not null default now()
);

-- The limiter counts an account's failures since its last success, and an
-- address's failures, within a window.
create index login_attempts_username_idx on login_attempts (username_key, created_at);
create index login_attempts_ip_failures_idx on login_attempts (ip, created_at) where not succeeded;
create index login_attempts_created_at_idx on login_attempts (created_at);
