//! The facilitator's record of a room and the debrief: the model rebuilt by
//! replaying the command log, and its renderings (json, csv, md, html).

pub mod http;
