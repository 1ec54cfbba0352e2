//! `index.html`: one static page with the summary table, every chart and links to the tables.
//! It references only files in its own folder, so it opens from disk with no server or network.

use std::fmt::Write as _;

use super::charts::CHARTS;
use crate::stats::Summary;

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1150px;color:#222}\
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;font-size:.92em}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}\
th{background:#f3f3f3}td.v{text-align:right;font-variant-numeric:tabular-nums}tr.s td{border-top:2px solid #999}\
figure{margin:1.2em 0}img{max-width:100%;border:1px solid #eee}figcaption{font-size:.9em;color:#555}";

/// One table of the page: name, rows, what it holds, and whether its CSV copy was written.
pub type TableLine<'a> = (&'a str, u64, &'a str, bool);

/// The page, with a line per table.
pub fn page(title: &str, summary: &Summary, tables: &[TableLine]) -> String {
    let mut s = String::new();
    let t = escape(title);
    let _ = writeln!(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">");
    let _ = writeln!(s, "<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>");
    let _ = writeln!(
        s,
        "<nav><a href=\"#summary\">Summary</a> · <a href=\"#charts\">Charts</a> · <a href=\"#tables\">Tables</a></nav>"
    );
    let _ =
        writeln!(s, "<h2 id=\"summary\">Summary</h2>\n<table>\n<tr><th>section</th><th>metric</th><th>value</th></tr>");
    let mut last = "";
    for r in &summary.rows {
        let (class, sec) = if r.section == last { ("", "") } else { (" class=\"s\"", r.section) };
        last = r.section;
        let _ = writeln!(
            s,
            "<tr{class}><td>{}</td><td>{}</td><td class=\"v\">{}</td></tr>",
            escape(sec),
            escape(&r.metric),
            escape(&r.value)
        );
    }
    let _ = writeln!(s, "</table>\n<h2 id=\"charts\">Charts</h2>");
    for (name, caption) in CHARTS {
        let _ = writeln!(
            s,
            "<figure id=\"{name}\"><img src=\"{name}.svg\" alt=\"{c}\"><figcaption>{c} — \
             <a href=\"{name}.svg\">SVG</a> · <a href=\"{name}.png\">PNG</a></figcaption></figure>",
            c = escape(caption)
        );
    }
    let _ = writeln!(
        s,
        "<h2 id=\"tables\">Tables</h2>\n<table>\n<tr><th>table</th><th>rows</th><th>what</th><th>files</th></tr>"
    );
    for (name, rows, what, has_csv) in tables {
        // A table too large for a spreadsheet has no CSV copy (report.csv: auto).
        let csv = if *has_csv {
            format!("<a href=\"{name}.csv\">CSV</a> · ")
        } else {
            "<span title=\"more rows than a spreadsheet holds; report.csv: always writes it\">no CSV</span> · "
                .to_string()
        };
        let _ = writeln!(
            s,
            "<tr><td>{name}</td><td class=\"v\">{rows}</td><td>{}</td>\
             <td>{csv}<a href=\"{name}.parquet\">Parquet</a></td></tr>",
            escape(what)
        );
    }
    let _ = writeln!(s, "</table>\n<p><a href=\"summary.md\">summary.md</a></p>\n</body>\n</html>");
    s
}
