//! The facilitator's record of a room and the debrief: the model rebuilt by
//! replaying the command log, and its renderings (json, csv, md, html).

pub mod debrief;
pub mod html;
pub mod http;
pub mod model;
pub mod tables;

pub use model::{Report, build};
pub use tables::Table;
