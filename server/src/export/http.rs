//! `GET /rooms/{code}/export?format=json|csv|md|html[&table=…]`: the
//! facilitator's token (`Authorization: Bearer …`) in, a rendering out.
//! No or unknown token: 401; a valid token that is not this room's
//! facilitator's: 403; no such room (or removed by retention): 404.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Table, build, debrief, html, tables};
use crate::app::AppState;
use crate::room::stored_config;
use crate::store::{Seat, TokenHash};

/// The handler.
pub(crate) async fn export(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let store = &state.registry.store;
    let code = code.trim().to_ascii_uppercase();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token else {
        return plain(
            StatusCode::UNAUTHORIZED,
            "send Authorization: Bearer <facilitator token>",
        );
    };
    let grant = match store.token(TokenHash::of(token)).await {
        Ok(Some(grant)) => grant,
        Ok(None) => return plain(StatusCode::UNAUTHORIZED, "unknown token"),
        Err(e) => return internal(&e.to_string()),
    };
    let info = match store.room(&code).await {
        Ok(Some(info)) => info,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "no room has that code"),
        Err(e) => return internal(&e.to_string()),
    };
    if grant.room != code || grant.seat != Seat::Facilitator {
        return plain(
            StatusCode::FORBIDDEN,
            "only this room's facilitator may export it",
        );
    }
    let format = query.get("format").map_or("json", String::as_str);
    let table = match query.get("table").map(|t| t.parse::<Table>()).transpose() {
        Ok(table) => table,
        Err(e) => return plain(StatusCode::BAD_REQUEST, &e),
    };
    let records = match store.log(&code, 0).await {
        Ok(records) => records,
        Err(e) => return internal(&e.to_string()),
    };
    let report = match stored_config(&info.config).and_then(|c| build(&code, c, &records)) {
        Ok(report) => report,
        Err(e) => return internal(&e),
    };
    let (mime, body) = match format {
        "json" => ("application/json", tables::json(&report)),
        "csv" => match tables::csv(&report, table.unwrap_or(Table::Transfers)) {
            Ok(body) => ("text/csv; charset=utf-8", body),
            Err(e) => return internal(&e),
        },
        "md" => ("text/markdown; charset=utf-8", debrief::markdown(&report)),
        "html" => ("text/html; charset=utf-8", html::html(&report)),
        other => {
            return plain(
                StatusCode::BAD_REQUEST,
                &format!("unknown format {other:?}: json, csv, md or html"),
            );
        }
    };
    ([(header::CONTENT_TYPE, mime)], body).into_response()
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, format!("{text}\n")).into_response()
}

fn internal(why: &str) -> Response {
    tracing::error!(error = %why, "export failed");
    plain(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the room's record could not be read",
    )
}
