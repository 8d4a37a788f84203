//! Importing the key ceremony's files: by picker or drop, several at once; every file and every
//! validator with its verdict and each reason; the accepted entries added to the registry in
//! batches, with progress, resumable.

use leptos::prelude::*;
use pool_chain::client::OperatorProblem;
use pool_core::ceremony::{FileKind, ImportReport, Verdict};
use wasm_bindgen::JsCast;

use crate::components::errors::describe_chain;
use crate::components::tx_status::TxStatus;
use crate::state::chain::Chain;
use crate::state::console::Console;
use crate::state::console::checker::CheckerError;
use crate::state::console::import::{Import, ImportFailure, ImportState};
use crate::state::console::submit::{Plan, StopReason, Submit, SubmitState};
use pool_chain::client::planner::PlanRefusal;

#[component]
pub fn ImportPanel() -> impl IntoView {
    let chain = expect_context::<Chain>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let import = Import::new(chain);
    let submit = Submit::new(chain);
    let owner = chain.with_config(|c| c.pool_manager);
    let is_operator = move || reading.with(|r| r.as_ref().is_some_and(|r| r.roles.operator));
    let dragging = RwSignal::new(false);
    let on_pick = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(list) = input.as_ref().and_then(|i| i.files()) {
            import.add(list);
        }
        // The same file picked again (after a fix) must fire again.
        if let Some(input) = input {
            input.set_value("");
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
            import.add(list);
        }
    };
    let check = move |_| {
        if let Some(r) = reading.get_untracked() {
            import.check(r);
        }
    };
    view! {
        <section class="card" data-testid="import-panel">
            <h2>"Import validators"</h2>
            <Resume submit/>
            <p>"The key ceremony's files: deposit_data-*.json from the staking deposit CLI and the key shares JSON from ssv-keys or ssv-dkg, for owner "
                <code>{owner.to_string()}</code> ". Every key is checked in your browser before anything is sent."</p>
            <label class="dropzone" class:dragging=move || dragging.get() data-testid="dropzone"
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true) }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                "Drop files here, or choose them: "
                <input type="file" accept=".json,application/json" multiple data-testid="import-files" on:change=on_pick/>
            </label>
            <ul class="files" data-testid="import-file-list">
                {move || import.files().get().into_iter().map(|f| view! { <li>{f.name}</li> }).collect_view()}
            </ul>
            <div class="row">
                <button class="secondary" data-testid="import-check" on:click=check
                    disabled=move || import.files().with(Vec::is_empty) || reading.with(Option::is_none)
                        || matches!(import.state().get(), ImportState::Checking)>"Check"</button>
                <button class="secondary" on:click=move |_| import.clear()
                    disabled=move || import.files().with(Vec::is_empty)>"Clear"</button>
            </div>
            {move || match import.state().get() {
                ImportState::Checking => view! { <p data-testid="import-checking">"Checking every key (signatures, roots, shares) in background workers…"</p> }.into_any(),
                ImportState::Failed(failure) => view! { <p class="error" role="alert" data-testid="import-failed">{failure_words(&failure)}</p> }.into_any(),
                ImportState::Checked(report, problems) => {
                    let blocked = !problems.is_empty();
                    view! {
                        <Findings report=report.clone()/>
                        <ul class="files" data-testid="operator-problems">
                            {problems.into_iter().map(|(id, p)| view! { <li class="error">{operator_problem(id, p)}</li> }).collect_view()}
                        </ul>
                        <Show when=is_operator>
                            <SubmitButton report=report.clone() submit blocked/>
                        </Show>
                    }.into_any()
                }
                ImportState::Empty | ImportState::Files => ().into_any(),
            }}
            <Progress submit/>
        </section>
    }
}

/// Accepted validators listed one by one (refused ones are always all listed).
const SHOWN_ACCEPTED: usize = 50;

/// Why registering with operator `id` would revert, in words.
fn operator_problem(id: u64, problem: OperatorProblem) -> String {
    match problem {
        OperatorProblem::NotFound => format!(
            "Operator {id} does not exist on the SSV network: nothing can be registered with it."
        ),
        OperatorProblem::Inactive => format!(
            "Operator {id} was removed from the SSV network: registrations with it revert. A new ceremony with other operators is needed."
        ),
        OperatorProblem::PrivateToOthers => format!(
            "Operator {id} is private and does not whitelist the pool: registrations with it revert until it does."
        ),
        OperatorProblem::AtValidatorLimit { count, limit } => format!(
            "Operator {id} runs {count} validators of the network's limit of {limit}: these would not fit."
        ),
    }
}

/// Every file's and every validator's verdict, with each reason.
#[component]
fn Findings(report: ImportReport) -> impl IntoView {
    let files = report.files.iter().map(|f| {
        let kind = match f.kind {
            FileKind::DepositData => format!("deposit data, {} entr{}", f.entries, if f.entries == 1 { "y" } else { "ies" }),
            FileKind::KeyShares => format!("key shares, {} validator{}", f.entries, if f.entries == 1 { "" } else { "s" }),
            FileKind::Unrecognised => "not a ceremony file".to_string(),
        };
        let accepted = f.accepted();
        let reasons: Vec<String> = f.refusals.iter().map(ToString::to_string).collect();
        view! {
            <li data-testid="file-verdict" data-accepted=accepted.to_string()>
                <strong>{f.name.clone()}</strong> " (" {kind} "): "
                {if accepted { "accepted".to_string() } else { "refused as a whole:".to_string() }}
                <ul>{reasons.into_iter().map(|r| view! { <li class="error">{r}</li> }).collect_view()}</ul>
            </li>
        }
    }).collect_view();
    // Every refused validator, and the first accepted ones: a thousand rows would hold the
    // page's main thread for a long frame, and the summary says how many were accepted.
    let mut shown_accepted = 0;
    let hidden = report
        .validators
        .iter()
        .filter(|v| v.accepted())
        .count()
        .saturating_sub(SHOWN_ACCEPTED);
    let validators = report.validators.iter().filter(|v| {
        if v.accepted() {
            shown_accepted += 1;
            shown_accepted <= SHOWN_ACCEPTED
        } else {
            true
        }
    }).map(|v| {
        let (accepted, reasons) = match &v.verdict {
            Verdict::Accepted(_) => (true, Vec::new()),
            Verdict::Refused(reasons) => (false, reasons.iter().map(ToString::to_string).collect()),
        };
        view! {
            <tr data-testid="validator-verdict" data-accepted=accepted.to_string()>
                <td>{v.nonce.map(|n| n.to_string()).unwrap_or_default()}</td>
                <td><code>{v.pubkey.to_string()}</code></td>
                <td>{if accepted { view! { "accepted" }.into_any() } else {
                    view! { <ul>{reasons.into_iter().map(|r| view! { <li class="error">{r}</li> }).collect_view()}</ul> }.into_any()
                }}</td>
            </tr>
        }
    }).collect_view();
    let unpaired = |what: &'static str, keys: &[alloy_primitives::Bytes]| {
        (!keys.is_empty()).then(|| {
            let list: Vec<String> = keys.iter().map(ToString::to_string).collect();
            view! { <p class="error" data-testid="unpaired">{format!("{what}: {}", list.join(", "))}</p> }
        })
    };
    view! {
        <div data-testid="import-report">
            <p data-testid="import-summary">{format!(
                "{} of {} validators accepted.",
                report.validators.iter().filter(|v| v.accepted()).count(),
                report.validators.len()
            )}</p>
            <ul class="files">{files}</ul>
            {unpaired("Deposit data without key shares", &report.without_key_share)}
            {unpaired("Key shares without deposit data", &report.without_deposit_data)}
            <table class="registry">
                <thead><tr><th>"Nonce"</th><th>"Pubkey"</th><th>"Verdict"</th></tr></thead>
                <tbody>{validators}</tbody>
            </table>
            {(hidden > 0).then(|| view! { <p class="muted">{format!("… and {hidden} more accepted validators.")}</p> })}
        </div>
    }
}

#[component]
fn SubmitButton(report: ImportReport, submit: Submit, blocked: bool) -> impl IntoView {
    let console = expect_context::<Console>();
    let entries: Vec<_> = report.registry_entries().into_iter().cloned().collect();
    let first_nonce = report
        .validators
        .iter()
        .find(|v| v.accepted())
        .and_then(|v| v.nonce);
    let count = entries.len();
    let send = move |_| {
        let Some(first_nonce) = first_nonce else {
            return;
        };
        let plan = Plan {
            first_nonce,
            entries: entries.clone(),
        };
        submit.run(plan, move || console.refresh());
    };
    view! {
        <button class="primary" data-testid="import-submit" on:click=send
            disabled=move || blocked || count == 0 || matches!(submit.state().get(), SubmitState::Running { .. })>
            {format!("Add {count} validator{} to the registry", if count == 1 { "" } else { "s" })}
        </button>
    }
}

/// A submission left unfinished (a failure, a closed tab): resume or discard.
#[component]
fn Resume(submit: Submit) -> impl IntoView {
    let console = expect_context::<Console>();
    let shown = move || {
        submit.stored().with(Option::is_some)
            && matches!(
                submit.state().get(),
                SubmitState::Idle | SubmitState::Stopped { .. }
            )
    };
    let resume = move |_| {
        if let Some(plan) = submit.stored().get_untracked() {
            submit.run(plan, move || console.refresh());
        }
    };
    view! {
        <Show when=shown>
            <div class="banner warning" data-testid="resume">
                <span>{move || submit.stored().with(|p| p.as_ref().map(|p| format!(
                    "An unfinished submission of {} validators (from owner nonce {}) is waiting. Resuming skips what is already in the registry.",
                    p.entries.len(), p.first_nonce
                )))}</span>
                <button class="primary" data-testid="resume-submit" on:click=resume>"Resume"</button>
                <button class="secondary" on:click=move |_| submit.discard()>"Discard"</button>
            </div>
        </Show>
    }
}

#[component]
fn Progress(submit: Submit) -> impl IntoView {
    let console = expect_context::<Console>();
    view! {
        <div data-testid="submit-progress" aria-live="polite">
            {move || match submit.state().get() {
                SubmitState::Idle => ().into_any(),
                SubmitState::Running { done, total, batch } => view! {
                    <p><progress max=total.to_string() value=done.to_string()></progress>
                        {format!(" {done} of {total} in the registry; sending a batch of {batch}…")}</p>
                }.into_any(),
                SubmitState::Done { total } => view! { <p class="ok" data-state="done">{format!("All {total} validators are in the registry.")}</p> }.into_any(),
                SubmitState::Stopped { done, total, reason } => view! {
                    <p class="error" role="alert" data-state="stopped">{format!("{done} of {total} in the registry. {}", stop_words(&reason))}</p>
                }.into_any(),
            }}
            <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=submit.tx() done="Added" what="batch" reverted="The batch was mined but reverted; the registry did not change."/>
        </div>
    }
}

/// Why the checks could not run, in words.
fn failure_words(failure: &ImportFailure) -> String {
    match failure {
        ImportFailure::NoForkVersion { chain_id } => format!(
            "config.json names no \"genesisForkVersion\" and chain {chain_id} is not a known network: deposit signatures cannot be checked, so nothing can be imported."
        ),
        ImportFailure::ChainRead(e) => format!("Could not read the chain to check the files: {e}"),
        ImportFailure::DepositCheck(refusal) => {
            let cause = match refusal.as_ref() {
                PlanRefusal::Beacon(e) => e.to_string(),
                PlanRefusal::Scan(e) => e.to_string(),
                PlanRefusal::Chain(e) => describe_chain(e),
                other => format!("{other:?}"),
            };
            format!("Could not check the keys against the chain's deposits: {cause}")
        }
        ImportFailure::Checker(CheckerError::NoRandomness) => {
            "The browser offers no secure random numbers: the checks cannot run.".into()
        }
        ImportFailure::Checker(CheckerError::WorkerStopped) => {
            "A checking worker stopped without answering.".into()
        }
        ImportFailure::Checker(CheckerError::Merge(e)) => {
            format!("The workers' answers do not fit together: {e}")
        }
        ImportFailure::OperatorStates(e) => format!("Could not read the operators' state: {e}"),
    }
}

/// Why a submission stopped, in words.
fn stop_words(reason: &StopReason) -> String {
    match reason {
        StopReason::RegistryUnread(e) => format!("Could not read the registry: {e}"),
        StopReason::Dropped { nonce, pubkey } => format!(
            "Entry {nonce} ({pubkey}) was dropped from the registry: it can never be added again."
        ),
        StopReason::IndexTaken { nonce } => format!(
            "Registry index {nonce} holds another validator: these key shares can no longer be registered."
        ),
        StopReason::RegistryMoved { next_index, first_nonce } => format!(
            "The registry's next index is {next_index}, but the next of these key shares was made for owner nonce {first_nonce}: \
             the registry changed since the files were checked. Check the files again (a new ceremony may be needed)."
        ),
        StopReason::WouldRefuse { nonce, error } => {
            format!("The registry would refuse entry {nonce}: {error}")
        }
        StopReason::TooLarge { nonce } => format!(
            "Entry {nonce} is too large for one transaction a node accepts (128 KiB, 16,777,216 gas)."
        ),
        StopReason::AwaitingCosigners => "The batch waits for your wallet's co-signers. Once it is mined, resume: entries already in the registry are skipped.".into(),
        StopReason::BatchNotAdded => "The batch was not added (see the transaction above). Resume to try again: entries already in the registry are skipped.".into(),
    }
}
