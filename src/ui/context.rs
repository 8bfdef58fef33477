//! What every component shares: the one callback that reports to the lab, and tab completion.
//! The lab itself lives outside the component tree (`crate::lab`); components draw its
//! [`LabView`](crate::lab::LabView) and send [`Event`]s.

use crate::console::complete::Completion;
use crate::lab::Event;
use yew::prelude::*;

/// Shared by every component: how to report to the lab, and how to ask the console for tab
/// completions. Never changes after the app starts, so it causes no re-renders.
#[derive(Clone, PartialEq)]
pub(crate) struct LabContext {
    pub(crate) dispatch: Callback<Event>,
    pub(crate) complete: Callback<String, Completion>,
}

/// A lab string as a Yew attribute value.
pub(crate) fn attr(s: &Option<std::rc::Rc<str>>) -> Option<AttrValue> {
    s.as_ref().map(|s| AttrValue::from(s.clone()))
}
