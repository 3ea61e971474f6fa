//! Tells when an element (a sentinel under a list) comes near the
//! viewport, for infinite scroll (the gallery, the history).

use leptos::prelude::*;
use leptos::tachys::html::element::Div;

/// Sets `near` to whether `sentinel` is within a screen or so of the
/// viewport, for as long as the calling component lives. Does nothing on
/// the server.
pub fn watch_near_end(sentinel: NodeRef<Div>, near: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let observer = StoredValue::new_local(None::<observer::Observer>);
        Effect::new(move |_| {
            if let Some(element) = sentinel.get() {
                observer.set_value(observer::Observer::watch(&element, near));
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (sentinel, near);
}

#[cfg(feature = "hydrate")]
mod observer {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::js_sys::Array;
    use web_sys::{
        Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit,
    };

    /// An `IntersectionObserver` on one element; disconnects when dropped.
    pub struct Observer {
        observer: IntersectionObserver,
        _callback: Closure<dyn FnMut(Array)>,
    }

    impl Observer {
        pub fn watch(element: &Element, near: RwSignal<bool>) -> Option<Self> {
            let callback = Closure::<dyn FnMut(Array)>::new(move |entries: Array| {
                let latest = entries
                    .iter()
                    .filter_map(|entry| entry.dyn_into::<IntersectionObserverEntry>().ok())
                    .next_back();
                if let Some(entry) = latest {
                    near.try_set(entry.is_intersecting());
                }
            });
            let options = IntersectionObserverInit::new();
            // Start loading a screen before the end comes into view.
            options.set_root_margin("0px 0px 800px 0px");
            let observer =
                IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                    .ok()?;
            observer.observe(element);
            Some(Self {
                observer,
                _callback: callback,
            })
        }
    }

    impl Drop for Observer {
        fn drop(&mut self) {
            self.observer.disconnect();
        }
    }
}
