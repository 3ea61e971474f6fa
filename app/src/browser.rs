//! Code that only runs in the browser (the `hydrate` build): reading
//! dropped or picked files, and uploading them with progress.

pub mod files;
