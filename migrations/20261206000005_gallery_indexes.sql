-- Full-text search inside one owner's live images in a single GIN scan.
--
-- Every grid statement is `user_id = $1 and deleted_at is null and ...`.
-- With only the global `generated_images_search_idx`, a plan that starts
-- from the index has to AND it with the user's keyset index, and reading
-- the keyset index of a user with a million images costs ~80 ms; that is
-- the plan PostgreSQL caches for a prepared search after a rare word (and
-- the plan for every user with few images). btree_gin puts the owner in
-- the GIN key, so the same search reads only the owner's matching entries
-- (`easel bench gallery`: a rare word 60 ms -> 1 ms once cached, a common
-- word for a 2,000-image user 6 ms -> 0.5 ms).
--
-- btree_gin is trusted since PostgreSQL 13, like pg_trgm.
create extension if not exists btree_gin;

create index generated_images_live_user_search_idx
    on generated_images using gin (user_id, search) where deleted_at is null;
