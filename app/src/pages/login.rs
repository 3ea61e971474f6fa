//! `/login`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::AuthContext;
use crate::api::auth::Login;
use crate::components::form::{
    FormAlert, SubmitButton, TextField, checked_submit, field_error, form_error,
};
use crate::pages::auth_frame::AuthFrame;

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

    let (error, on_submit) = checked_submit(action, |input: &Login| input.form.validate());

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
