//! Files from a drop or a file picker: their bytes, and an upload to
//! `POST /images/upload` through `XMLHttpRequest`, the one browser API that
//! reports upload progress.

use easel_domain::gallery::upload::{UPLOAD_PATH, UploadResponse};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{File, FileList, FormData, ProgressEvent, XmlHttpRequest};

/// The files of a `FileList` (from a drop or an `<input type=file>`).
pub fn list_files(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// A file's bytes.
pub async fn read_bytes(file: &File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("Could not read {}.", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Uploads `files` in one multipart request, calling `on_progress` with
/// the fraction sent (0 to 1). The answer lists each file's outcome, also
/// when some failed (the status is then that of the first failure).
pub async fn upload(
    files: &[File],
    on_progress: impl Fn(f64) + 'static,
) -> Result<UploadResponse, String> {
    let form = FormData::new().map_err(|_| "The browser cannot build the upload.".to_owned())?;
    for file in files {
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| format!("Could not add {} to the upload.", file.name()))?;
    }
    let request = XmlHttpRequest::new().map_err(|_| "The browser cannot upload.".to_owned())?;
    request
        .open("POST", UPLOAD_PATH)
        .map_err(|_| "The browser cannot upload.".to_owned())?;
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            on_progress(event.loaded() / event.total());
        }
    });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // Resolved by `loadend`, which fires after success, error and abort.
    let finished = js_sys::Promise::new(&mut |resolve, _reject| {
        request.set_onloadend(Some(&resolve));
    });
    request
        .send_with_opt_form_data(Some(&form))
        .map_err(|_| "The upload could not start.".to_owned())?;
    let _ = wasm_bindgen_futures::JsFuture::from(finished).await;
    drop(progress);
    let status = request.status().unwrap_or(0);
    let body = request.response_text().ok().flatten().unwrap_or_default();
    if status == 0 {
        return Err("Could not reach the server. Check your connection and try again.".to_owned());
    }
    serde_json::from_str::<UploadResponse>(&body).or_else(|_| {
        // Not a per-file answer: an error of the whole request (log-in,
        // body too large, …), in the server functions' JSON.
        Err(serde_json::from_str::<crate::AppError>(&body)
            .map(|err| err.to_string())
            .unwrap_or_else(|_| format!("The upload failed ({status}).")))
    })
}
