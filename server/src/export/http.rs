//! `GET /rooms/{code}/export`: the facilitator's token in, a rendering out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// The handler.
pub(crate) async fn export(State(_state): State<AppState>, Path(_code): Path<String>) -> Response {
    StatusCode::NOT_IMPLEMENTED.into_response()
}
