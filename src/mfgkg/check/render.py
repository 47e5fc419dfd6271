"""Write a check's findings as JSON, Markdown or a standalone HTML page.

JSON is an array of findings, each an object with ``sentence``, ``start``, ``end``, ``entities``,
``claim``, ``verdict``, ``graph_value`` and ``sources`` (plus ``kind``, ``alternatives`` and
``note``). Markdown is a summary and a table for a review or a pull request. HTML shows the
document itself with each checked sentence highlighted by its verdict; clicking one shows what
was checked, what the graph holds and the sources behind it.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from mfgkg.check import VERDICTS, Finding, sentence_verdict
from mfgkg.check.text import unread
from mfgkg.errors import printable
from mfgkg.publish.markup import link, safe_url

COLOURS = {"supported": "#d7f0d2", "contradicted": "#f8d0cc", "disputed": "#fde9b8", "unknown": "#e4e4e4"}


def render(findings: Sequence[Finding], fmt: str, document: str = "", title: str = "document") -> str:
    """The findings in ``fmt`` (json, md or html); HTML needs the ``document`` they were found in."""
    if fmt == "json":
        return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return markdown(findings, title)
    if fmt == "html":
        return page(findings, document, title)
    raise ValueError(f"unknown check format {fmt!r}")


def summary(findings: Sequence[Finding]) -> str:
    """"3 claims: 2 supported, 1 contradicted" (verdicts in their fixed order, zeros left out)."""
    counts = Counter(f.verdict for f in findings)
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
    noun = "claim" if len(findings) == 1 else "claims"
    return f"{len(findings)} {noun} checked" + (": " + ", ".join(parts) if parts else "")


def _sources_text(finding: Finding, limit: int = 3) -> str:
    items = [(f"[{s['title']}]({s['url']})" if safe_url(s.get("url")) else s["title"]) + _qualifier(s)
             for s in finding.sources[:limit]]
    more = len(finding.sources) - limit
    return "; ".join(items) + (f" and {more} more" if more > 0 else "")


def _notes(source: dict[str, Any]) -> list[str]:
    """What a reader must know about a source beside its title: that it is a third party's rendering
    of the document, or one of the record's sources that was not cited for this value."""
    notes = [f"a third party's {source['rendering'].replace('-', ' ')}" if source.get("rendering") else "",
             "the record's source, not cited for this value" if source.get("scope") == "record" else ""]
    return [n for n in notes if n]


def _qualifier(source: dict[str, Any]) -> str:
    notes = _notes(source)
    return f" ({'; '.join(notes)})" if notes else ""


def _cell(text: Any) -> str:
    """A Markdown table cell: pipes escaped, one line, and control characters shown as escapes, since
    the table is read on a terminal."""
    return printable(str(text if text is not None else "").replace("|", "\\|").replace("\n", " "), keep="\t")


def markdown(findings: Sequence[Finding], title: str) -> str:
    """A heading, the counts per verdict, and one table row per finding."""
    lines = [f"# Fact check: {printable(title)}", "", summary(findings) + ".", ""]
    if findings:
        lines += ["| Verdict | Sentence | Claim as read | The graph holds | Sources |", "|---|---|---|---|---|"]
        previous = None
        for f in findings:
            held = f.graph_value or ""
            if f.note:
                held = f"{held} ({f.note})" if held else f.note
            sentence = "" if (f.start, f.end) == previous else _cell(f.sentence)  # a sentence once, its claims below
            previous = (f.start, f.end)
            lines.append(f"| **{f.verdict}** | {sentence} | {_cell(f.claim)} | {_cell(held)} "
                         f"| {_cell(_sources_text(f))} |")
    return "\n".join(lines) + "\n"


def page(findings: Sequence[Finding], document: str, title: str) -> str:
    """A standalone page: the document with checked sentences highlighted, details on click."""
    by_span: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_span[(finding.start, finding.end)].append(finding)
    body, last = [], 0
    hidden = unread(document)
    for index, ((start, end), found) in enumerate(sorted(by_span.items())):
        body.append(_between(document, last, start, hidden))
        verdict = sentence_verdict(found)
        body.append(f'<mark class="{verdict}" tabindex="0" data-finding="{index}" title="{verdict}">'
                    f"{html.escape(document[start:end])}</mark>")
        last = end
    body.append(_between(document, last, len(document), hidden))
    details = [_details(index, found) for index, (_span, found) in enumerate(sorted(by_span.items()))]
    legend = "".join(f'<span class="{v}">{v}</span> ' for v in VERDICTS)
    return PAGE.format(title=html.escape(title), summary=html.escape(summary(findings)), legend=legend,
                       document="".join(body), details="".join(details),
                       styles="".join(f"mark.{v}, .legend .{v}, .finding.{v} {{background:{c}}}\n"
                                      for v, c in COLOURS.items()))


def _between(document: str, start: int, end: int, hidden: list[tuple[int, int]]) -> str:
    """``document[start:end]`` escaped, with the regions not read as prose (scripts, code) marked."""
    out, last = [], start
    for a, b in sorted(hidden):
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(html.escape(document[last:a]))
        out.append(f'<span class="unread" title="not read: not prose">{html.escape(document[a:b])}</span>')
        last = b
    out.append(html.escape(document[last:end]))
    return "".join(out)


def _details(index: int, findings: list[Finding]) -> str:
    parts = [f'<section id="finding-{index}" hidden>']
    for f in findings:
        sources = "".join(
            f"<li>{_link(s)}{_meta(s)}{' — ' + html.escape(s['at']) if s.get('at') else ''}"
            f" <small>({html.escape('; '.join([s['rank'], *_notes(s)]))})</small></li>"
            for s in f.sources)
        alternatives = "".join(
            f"<li>{html.escape(str(a['value']))} <small>({html.escape(a['rank'])}"
            f"{': ' + html.escape(a['reason']) if a.get('reason') else ''})</small></li>" for a in f.alternatives)
        entities = ", ".join(link(e["iri"], html.escape(e["text"])) for e in f.entities)
        parts.append(
            f'<div class="finding {f.verdict}"><h3>{html.escape(f.verdict)}</h3>'
            f"<p><b>Claim as read:</b> {html.escape(f.claim)}</p>"
            f"<p><b>The graph holds:</b> {html.escape(f.graph_value or '—')}</p>"
            + (f"<p><b>Note:</b> {html.escape(f.note)}</p>" if f.note else "")
            + (f"<p><b>Recognised:</b> {entities}</p>" if entities else "")
            + (f"<p><b>Other recorded values:</b></p><ul>{alternatives}</ul>" if alternatives else "")
            + (f"<p><b>Sources:</b></p><ul>{sources}</ul>" if sources else "")
            + "</div>")
    parts.append("</section>")
    return "".join(parts)


def _link(source: dict[str, Any]) -> str:
    """The source's title, linked to its URL when that is a web address."""
    return link(source.get("url"), html.escape(source["title"]))


def _meta(source: dict[str, Any]) -> str:
    meta = ", ".join(html.escape(str(source[k])) for k in ("publisher", "date") if source.get(k))
    return f" ({meta})" if meta else ""


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fact check: {title}</title>
<style>
body {{font: 16px/1.5 system-ui, sans-serif; margin: 0; display: flex; min-height: 100vh}}
main {{flex: 3; padding: 1.5rem 2rem; max-width: 48rem}}
aside {{flex: 2; padding: 1.5rem; background: #fafafa; border-left: 1px solid #ddd; position: sticky; top: 0;
        height: 100vh; overflow: auto; box-sizing: border-box}}
pre {{white-space: pre-wrap; font: inherit}}
mark {{cursor: pointer; border-radius: 3px; padding: 0 1px}}
mark:focus, mark.chosen {{outline: 2px solid #333}}
.legend span {{padding: 0 .4em; border-radius: 3px; margin-right: .3em}}
.finding {{padding: .2rem .8rem; margin-bottom: .8rem; border-radius: 4px}}
.finding h3 {{margin: .4rem 0; text-transform: capitalize}}
.unread {{color: #767676; background: repeating-linear-gradient(45deg, #fff, #fff 4px, #f0f0f0 4px, #f0f0f0 8px)}}
{styles}</style></head>
<body><main><h1>Fact check: {title}</h1>
<p>{summary}. <span class="legend">{legend}</span></p>
<p><small>Click a highlighted sentence or table cell to see what was checked and the sources; hatched grey text
(scripts, code) was not read.</small></p>
<pre>{document}</pre></main>
<aside><p id="hint">No sentence chosen yet.</p>{details}</aside>
<script>
document.querySelectorAll("mark[data-finding]").forEach(function (mark) {{
  function show() {{
    document.querySelectorAll("aside section").forEach(function (s) {{ s.hidden = true; }});
    document.querySelectorAll("mark.chosen").forEach(function (m) {{ m.classList.remove("chosen"); }});
    document.getElementById("finding-" + mark.dataset.finding).hidden = false;
    document.getElementById("hint").hidden = true;
    mark.classList.add("chosen");
  }}
  mark.addEventListener("click", show);
  mark.addEventListener("keydown", function (e) {{ if (e.key === "Enter") show(); }});
}});
</script></body></html>
"""
