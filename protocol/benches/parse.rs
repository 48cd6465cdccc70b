//! Criterion benchmark of reading request frames: `parse_request` (the
//! one-pass reader) against `Request`'s derived `Deserialize` (what
//! `parse_request` ran before, `#[serde(flatten)]`), on frames as clients
//! write them: `req` first (as `Request` serializes) or `type` first.

use std::hint::black_box;

use allssam_protocol::{Request, parse_request};
use criterion::{Criterion, criterion_group, criterion_main};

const FRAMES: &[(&str, &str)] = &[
    ("ping", r#"{"req":12,"type":"ping"}"#),
    (
        "chat",
        r#"{"req":13,"round":2,"phase":"dealing","type":"chat","text":"Keep paying and you keep the space."}"#,
    ),
    (
        "offer",
        r#"{"type":"offer","req":6,"round":1,"phase":"dealing","to":"3a900000-0000-4000-8000-000000000002","kind":"lease","amount":60}"#,
    ),
    (
        "accuse",
        r#"{"req":9,"type":"accuse","target":"5ec00000-0000-4000-8000-000000000001","charge":"bribery","evidence":[2718281828,1618033988]}"#,
    ),
];

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_request");
    for (name, text) in FRAMES {
        group.bench_function(format!("{name}/one_pass"), |b| {
            b.iter(|| parse_request(black_box(text)))
        });
        group.bench_function(format!("{name}/derived"), |b| {
            b.iter(|| serde_json::from_str::<Request>(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
