//! Fault injection by pointing: the menu of actions on a broker, a replica, a client, a link or
//! a controller. Which actions, and the console command each runs, the lab decides
//! ([`crate::lab::actions`]); this draws them and reports the chosen command.

use crate::lab::actions::actions;
use crate::lab::view::Selection;
use crate::lab::Event as LabEvent;
use crate::sim::view::ViewModel;
use crate::ui::context::LabContext;
use std::rc::Rc;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct MenuProps {
    pub(crate) target: Selection,
    pub(crate) view: Rc<ViewModel>,
}

#[component]
pub(crate) fn ActionMenu(props: &MenuProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with(props.target.clone(), move |_| {
            if let Some(b) = first.cast::<HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let (title, items) = actions(&props.view, &props.target);
    let close = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::Menu(None)))
    };
    let buttons = items.into_iter().enumerate().map(|(i, (label, cmd, why))| {
        let d = ctx.dispatch.clone();
        let c = cmd.clone();
        html! {
            <li key={cmd.clone()}>
                <button type="button" role="menuitem" ref={if i == 0 { first.clone() } else { NodeRef::default() }}
                    onclick={move |_: MouseEvent| d.emit(LabEvent::Command(c.clone()))} data-testid={format!("action-{}", label.to_lowercase().replace(' ', "-").replace(['(', ')'], ""))}>
                    <span class="menu__label">{ label }</span>
                    <code class="menu__cmd">{ cmd }</code>
                    <span class="menu__why">{ why }</span>
                </button>
            </li>
        }
    });
    html! {
        <div class="menu" role="dialog" aria-label={format!("Actions on {title}")} data-testid="action-menu">
            <div class="menu__head">
                <strong>{ title }</strong>
                <button type="button" class="menu__close" aria-label="Close" onclick={close}>{ "✕" }</button>
            </div>
            <ul role="menu">{ for buttons }</ul>
            <p class="menu__foot">{ "Each action runs the console command shown, so you can type it next time." }</p>
        </div>
    }
}
