//! `/login`.

use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::web_sys::SubmitEvent;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::components::form::{FormAlert, SubmitButton, TextField, field_error, form_error};
use crate::pages::auth_frame::AuthFrame;
use crate::{AppError, AuthContext};

/// The log-in page. Its fields are the `form[...]` of
/// [`LoginForm`](easel_domain::account::LoginForm). It also works without
/// JavaScript: the form posts to the server function, which redirects.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let action = auth.login;
    let next = use_query_map()
        .with_untracked(|query| query.get("next"))
        .unwrap_or_default();

    // The browser checks the form with the same rules as the server and
    // only sends it when they pass; the server's verdict replaces this one.
    let client_error = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || {
        client_error
            .get()
            .or_else(|| action.value().get().and_then(Result::err))
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match Login::from_event(&ev) {
            Ok(input) => match input.form.validate() {
                Ok(()) => {
                    client_error.set(None);
                    action.dispatch(input);
                }
                Err(invalid) => client_error.set(Some(invalid.into())),
            },
            Err(err) => client_error.set(Some(AppError::BadRequest {
                message: err.to_string(),
            })),
        }
    };

    view! {
        <Title text="Log in" />
        <AuthFrame title="Welcome back" subtitle="Log in to your studio.">
            <form action=Login::url() method="post" novalidate=true on:submit=on_submit class="space-y-5">
                <input type="hidden" name="form[next]" value=next />
                <TextField
                    id="username"
                    name="form[username]"
                    label="User name"
                    autocomplete="username"
                    autofocus=true
                    error=field_error(error, "username")
                />
                <TextField
                    id="password"
                    name="form[password]"
                    label="Password"
                    input_type="password"
                    autocomplete="current-password"
                    error=field_error(error, "password")
                />
                <FormAlert message=form_error(error) />
                <SubmitButton label="Log in" busy_label="Logging in…" busy=action.pending() />
            </form>
            <p class="mt-8 text-center text-sm text-zinc-400">
                "New here? "
                <A href="/register" attr:class="font-semibold text-violet-300 hover:text-violet-200">"Create an account"</A>
            </p>
        </AuthFrame>
    }
}
