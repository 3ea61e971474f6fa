//! `/register`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::AuthContext;
use crate::api::auth::Register;
use crate::components::form::{
    FormAlert, SubmitButton, TextField, checked_submit, field_error, form_error,
};
use crate::pages::auth_frame::AuthFrame;

/// The registration page. The first account on a new server becomes its
/// admin.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let auth = expect_context::<AuthContext>();
    let action = auth.register;
    let (error, on_submit) =
        checked_submit(action, |input: &Register| input.form.validate().map(drop));

    view! {
        <Title text="Create an account" />
        <AuthFrame title="Create your account" subtitle="It takes ten seconds. The first account on a new server is its admin.">
            <form action=Register::url() method="post" novalidate=true on:submit=on_submit class="space-y-5">
                <TextField
                    id="username"
                    name="form[username]"
                    label="User name"
                    autocomplete="username"
                    autofocus=true
                    hint=NAME_HINT
                    error=field_error(error, "username")
                />
                <TextField
                    id="password"
                    name="form[password]"
                    label="Password"
                    input_type="password"
                    autocomplete="new-password"
                    hint=PASSWORD_HINT
                    error=field_error(error, "password")
                />
                <TextField
                    id="confirm"
                    name="form[confirm]"
                    label="Confirm password"
                    input_type="password"
                    autocomplete="new-password"
                    error=field_error(error, "confirm")
                />
                <FormAlert message=form_error(error) />
                <SubmitButton label="Create account" busy_label="Creating account…" busy=action.pending() />
            </form>
            <p class="mt-8 text-center text-sm text-zinc-400">
                "Already have an account? "
                <A href="/login" attr:class="font-semibold text-violet-300 hover:text-violet-200">"Log in"</A>
            </p>
        </AuthFrame>
    }
}

// Kept in step with the domain's limits by the test below.
const NAME_HINT: &str = "3 to 32 letters or digits; “_”, “-” and “.” are allowed.";
const PASSWORD_HINT: &str = "At least 8 characters. Spaces and any script are fine.";

#[cfg(test)]
mod tests {
    use super::*;
    use easel_domain::account::{PASSWORD_MIN_CHARS, USERNAME_MAX_CHARS, USERNAME_MIN_CHARS};

    #[test]
    fn hints_match_the_domain_rules() {
        assert!(NAME_HINT.starts_with(&format!("{USERNAME_MIN_CHARS} to {USERNAME_MAX_CHARS} ")));
        assert!(PASSWORD_HINT.starts_with(&format!("At least {PASSWORD_MIN_CHARS} ")));
    }
}
