//! The debrief as one self-contained HTML page for a projector: large
//! type, inline CSS, the network of ties as an inline SVG (circular layout).

use std::f64::consts::PI;

use allssam_protocol::Role;

use super::debrief::{Block, blocks};
use super::model::Report;

const STYLE: &str = "body{font-family:system-ui,sans-serif;font-size:22px;line-height:1.45;\
max-width:1200px;margin:2em auto;padding:0 1em;color:#1b1b1b;background:#fffdf8}\
h1{font-size:2.2em}h2{font-size:1.6em;border-bottom:3px solid #c0392b;margin-top:1.6em}\
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #bbb;padding:.25em .7em;text-align:left}\
th{background:#f3e9dc}li{margin:.2em 0}svg{background:#fff;border:1px solid #ddd;max-width:100%}";

/// The report as HTML.
pub fn html(r: &Report) -> String {
    let mut out = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>All-ssam debrief {}</title>\
         <style>{STYLE}</style></head><body><h1>All-ssam debrief — room {}</h1>",
        esc(&r.room),
        esc(&r.room)
    );
    for block in blocks(r) {
        match block {
            Block::Heading(h) => out.push_str(&format!("<h2>{}</h2>", esc(&h))),
            Block::Para(p) => out.push_str(&format!("<p>{}</p>", esc(&p))),
            Block::List(items) => {
                out.push_str("<ul>");
                for item in items {
                    out.push_str(&format!("<li>{}</li>", esc(&item)));
                }
                out.push_str("</ul>");
            }
            Block::Table(head, rows) => {
                out.push_str("<table><tr>");
                for h in head {
                    out.push_str(&format!("<th>{}</th>", esc(&h)));
                }
                out.push_str("</tr>");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        out.push_str(&format!("<td>{}</td>", esc(&cell)));
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</table>");
            }
            Block::Network => out.push_str(&network_svg(r)),
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// Players on a circle, cadres red and donju blue, a line per tie whose
/// width grows with its strength.
pub fn network_svg(r: &Report) -> String {
    let (size, radius) = (800.0_f64, 300.0_f64);
    let centre = size / 2.0;
    let n = r.players.len().max(1) as f64;
    let at = |i: usize| {
        let angle = 2.0 * PI * i as f64 / n - PI / 2.0;
        (centre + radius * angle.cos(), centre + radius * angle.sin())
    };
    let index = |id| r.players.iter().position(|p| p.id == id);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{size}\" height=\"{size}\" role=\"img\" aria-label=\"network of ties\">"
    );
    for (a, b, strength) in &r.final_ties {
        let (Some(i), Some(j)) = (index(*a), index(*b)) else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (at(i), at(j));
        let width = 1.5 + 1.5 * (*strength as f64).min(10.0);
        let rumored = *strength >= r.config.rumor_threshold;
        let colour = if rumored { "#c0392b" } else { "#888" };
        svg.push_str(&format!(
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{colour}\" stroke-width=\"{width:.1}\" stroke-opacity=\"0.75\"><title>{} – {}: {strength}</title></line>",
            esc(&r.name(*a)),
            esc(&r.name(*b))
        ));
    }
    for (i, p) in r.players.iter().enumerate() {
        let (x, y) = at(i);
        let fill = match p.role {
            Some(Role::Donju) => "#2e6da4",
            Some(_) => "#c0392b",
            None => "#777",
        };
        let role = p.role.map(|r| r.to_string()).unwrap_or_default();
        svg.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"22\" fill=\"{fill}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"22\" text-anchor=\"middle\">{}</text>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"16\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            y + 46.0,
            esc(&p.name),
            y + 66.0,
            esc(&role)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// HTML-escapes free text (player names and chat are anyone's input).
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
