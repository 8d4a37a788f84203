//! A deadline for every request, as a tower layer over any of the transports: a node that
//! stalls (or a wallet whose node does) must not hold a read forever, or the page would wait
//! for an answer that never comes and start no other read meanwhile.

use std::task::{Context, Poll};

use alloy_json_rpc::{RequestPacket, ResponsePacket};
use alloy_transport::{TransportError, TransportErrorKind, TransportFut};
use futures_util::future::{Either, select};

/// Gives up on a request after `ms` milliseconds with a [`TimedOut`] transport error.
///
/// For reads only: a wallet's prompt (`eth_sendTransaction`, `eth_requestAccounts`) waits for a
/// person, so the clients that send through the wallet are built without it.
#[derive(Debug, Clone, Copy)]
pub struct TimeoutLayer {
    ms: u32,
}

impl TimeoutLayer {
    pub fn new(ms: u32) -> Self {
        TimeoutLayer { ms }
    }
}

impl<S> tower::Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout { inner, ms: self.ms }
    }
}

/// The service [`TimeoutLayer`] wraps a transport in.
#[derive(Debug, Clone)]
pub struct Timeout<S> {
    inner: S,
    ms: u32,
}

impl<S> tower::Service<RequestPacket> for Timeout<S>
where
    S: tower::Service<
            RequestPacket,
            Response = ResponsePacket,
            Error = TransportError,
            Future = TransportFut<'static>,
        >,
{
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        let answer = self.inner.call(packet);
        let ms = self.ms;
        Box::pin(async move {
            match select(answer, gloo_timers::future::TimeoutFuture::new(ms)).await {
                Either::Left((answer, _)) => answer,
                // Dropping the request's future leaves the browser's fetch to finish unheard.
                Either::Right(_) => Err(TransportErrorKind::custom(TimedOut { ms })),
            }
        })
    }
}

/// No answer within the deadline: kept as a value in the transport error
/// (`TransportErrorKind::Custom`), so callers recognise it by type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    pub ms: u32,
}

impl TimedOut {
    /// The `TimedOut` inside a transport error, if that is what it is.
    pub fn in_error(kind: &TransportErrorKind) -> Option<&TimedOut> {
        match kind {
            TransportErrorKind::Custom(error) => error.downcast_ref::<TimedOut>(),
            _ => None,
        }
    }
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no answer within {} ms", self.ms)
    }
}

impl std::error::Error for TimedOut {}
