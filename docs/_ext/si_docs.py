"""Sphinx extension: pages and a figure generated from the data at build time.

When the build starts (``builder-inited``) this writes, into
``docs/_generated/`` (git-ignored, never committed):

- ``dictionary.rst``: the data dictionary, from :func:`table_specs` (every
  table, every column: kind and Arrow type, unit, description, constraints,
  an example from the bundled data, the record field it comes from);
- ``findings.rst``: today's audit findings, from ``shanghai-innovation check --json``;
- ``rules.rst``: the audit's rule registry;
- ``cli.rst``: the ``--help`` text of every command and the exit-code table;
- ``api_more.rst``: autodoc entries for public names the hand-written API page
  does not list yet, so the reference is never incomplete;
- ``timeline.png``: the 2020 timeline and the ranking movements (matplotlib, Agg);
- ``cite.md``: how to cite the dataset and the article, from the same facts as
  ``CITATION.cff`` and every release descriptor.

It embeds the dataset as a schema.org ``Dataset`` in JSON-LD
(``<script type="application/ld+json">``, from
:func:`shanghai_innovation._formats.jsonld.build_dataset_jsonld`) in the
landing page's ``<head>``, for dataset search engines.

It also fills in the description of attrs fields that have no ``#:`` comment
from their ``metadata`` and shows factory defaults instead of ``NOTHING``.

The functions are importable without Sphinx (``tests/test_docs.py`` uses them).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent.parent
GENERATED = DOCS / "_generated"

#: Longest run of words an example cell may show (the docs never repeat article sentences).
MAX_EXAMPLE_WORDS = 6


# --------------------------------------------------------------------------- helpers


def _escape(text: str) -> str:
    """Escape reST inline markup characters in running text."""
    return re.sub(r"([\\`*_|\[\]<>])", r"\\\1", text)


def _literal(text: str) -> str:
    """An inline literal; falls back to escaped text if it cannot be one."""
    if not text:
        return "(empty)"
    if "``" in text or text != text.strip():
        return _escape(text)
    return f"``{text}``"


def _shorten(text: str, words: int = MAX_EXAMPLE_WORDS, chars: int = 60) -> str:
    parts = text.split()
    short = " ".join(parts[:words])
    if len(short) > chars:
        short = short[:chars].rsplit(" ", 1)[0]
    return short + (" …" if short != text else "")


def _cell_lines(text: str, indent: str) -> list[str]:
    """A list-table cell body (may span lines)."""
    lines = text.splitlines() or [""]
    out = [f"{indent}- {lines[0]}".rstrip()]
    more = " " * len(indent) + "  "  # under the text of the first line, for "* - " too
    out += [f"{more}{line}".rstrip() for line in lines[1:]]
    return out


def _list_table(header: list[str], rows: Iterable[list[str]], widths: list[int]) -> list[str]:
    out = [
        ".. list-table::",
        "   :header-rows: 1",
        f"   :widths: {' '.join(str(w) for w in widths)}",
        "   :class: si-table",
        "",
    ]
    for row in [header, *rows]:
        first, *rest = row
        out += _cell_lines(first, "   * ")
        for cell in rest:
            out += _cell_lines(cell, "     ")
    out.append("")
    return out


def _write(path: Path, text: str) -> None:
    """Write only when changed, so Sphinx does not rebuild what did not change."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- data dictionary


def format_example(value: Any) -> str:
    """How an example value is shown in the dictionary."""
    if value is None:
        return "(empty in every row)"
    if isinstance(value, bool):
        return _literal("true" if value else "false")
    if isinstance(value, dt.date):
        return _literal(value.isoformat())
    if isinstance(value, list):
        shown = value[:3]
        # Share the word budget between the items, so no cell shows a long run.
        per_item = max(1, MAX_EXAMPLE_WORDS // max(1, len(shown)) - 1)  # "…" counts too
        items = [_shorten(str(v), per_item, 30) for v in shown]
        more = ", …" if len(value) > 3 else ""
        return _literal(
            "[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + more + "]"
        )
    if isinstance(value, float):
        return _literal(repr(value))
    return _literal(_shorten(str(value)))


def example_value(spec: Any, records: Iterable[Any], column: str) -> Any:
    """The first non-null value of a column in the data (a non-empty list if there is one)."""
    empty_list = None
    for record in records:
        value = spec.row(record)[column]
        if value is None:
            continue
        if isinstance(value, list) and not value:
            empty_list = value
            continue
        return value
    return empty_list


def _constraints(column: Any) -> str:
    parts = ["required" if column.required else "optional (may be empty)"]
    if column.unique:
        parts.append("unique (primary key)" if column.name == "id" else "unique")
    if column.minimum is not None:
        parts.append(f"minimum {column.minimum}")
    if getattr(column, "maximum", None) is not None:
        parts.append(f"maximum {column.maximum}")
    if column.enum is not None:
        what = "items from" if column.kind == "list" else "one of"
        parts.append(f"{what}: " + ", ".join(_literal(t) for t in column.enum))
    if column.pattern is not None:
        what = "items match" if column.kind == "list" else "matches"
        parts.append(f"{what} {_literal(column.pattern)}")
    if column.references is not None:
        what = "each item is" if column.kind == "list" else "foreign key to"
        parts.append(f"{what} :ref:`{column.references}.id <dict-{column.references}>`")
    return "; ".join(parts)


def _column_cell(column: Any, arrow: Any) -> str:
    """The first cell of a dictionary row: name, then kind and Arrow type, unit, origin."""
    lines = [
        _literal(column.name),
        f"{column.kind}, Arrow {_literal(str(arrow))}",
    ]
    if column.unit is not None:
        lines.append(f"unit {_literal(column.unit)}")
    origin = "derived from" if column.derived else "stored from"
    lines.append(f"{origin} {_literal(column.field)}")
    return "\n\n".join(lines)


def dictionary_rst(dataset: Any = None) -> str:
    """The whole data dictionary as reST, from the table specs and the bundled data."""
    import shanghai_innovation as si  # noqa: PLC0415
    from shanghai_innovation._formats.arrow import arrow_type  # noqa: PLC0415
    from shanghai_innovation._schema import SCHEMA_VERSION, table_specs  # noqa: PLC0415

    ds = si.load() if dataset is None else dataset
    specs = table_specs()
    out = [
        f"Export schema version {_literal(SCHEMA_VERSION)}; dataset "
        f"{_literal(ds.info.name)} version {_literal(ds.info.version)}. "
        f"Generated from the schema description when these docs were built.",
        "",
    ]
    out += _list_table(
        ["Table", "Record type", "Rows", "Columns", "What a row is"],
        (
            [
                f":ref:`{s.name} <dict-{s.name}>`",
                f":class:`~shanghai_innovation.{s.record_type.__name__}`",
                str(len(ds.table(s.name))),
                str(len(s.columns)),
                _escape(s.description),
            ]
            for s in specs
        ),
        [16, 20, 9, 12, 43],
    )
    for spec in specs:
        records = ds.table(spec.name)
        title = f"{spec.name}"
        out += [f".. _dict-{spec.name}:", "", title, "-" * len(title), ""]
        out += [
            f"{_escape(spec.description)} One row per "
            f":class:`~shanghai_innovation.{spec.record_type.__name__}` record; "
            f"{len(records)} {'row' if len(records) == 1 else 'rows'} in the bundled data; "
            f"primary key "
            f"{_literal(spec.primary_key)}; {len(spec.columns)} columns.",
            "",
        ]
        rows = [
            [
                _column_cell(column, arrow_type(column)),
                _escape(column.description) + "\n\n" + _constraints(column),
                format_example(example_value(spec, records, column.name)),
            ]
            for column in spec.columns
        ]
        out += _list_table(["Column", "Meaning and constraints", "Example"], rows, [34, 44, 22])
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- command line


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "88", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(  # noqa: S603 - fixed argument list, our own module
        [sys.executable, "-m", "shanghai_innovation", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def exit_codes_rst() -> str:
    """The exit-code table: ``_cli.EXIT_CODES``, the table ``--help`` prints too."""
    from shanghai_innovation import _cli  # noqa: PLC0415

    rows = []
    for entry in _cli.EXIT_CODES:
        error = entry.error
        raised = "" if error is None else f":class:`~shanghai_innovation.{error.__name__}`"
        rows.append([str(entry.code), _escape(entry.meaning), raised])
    return "\n".join(_list_table(["Exit code", "Meaning", "Raised as"], rows, [14, 56, 30])) + "\n"


def cli_commands() -> list[str]:
    """The sub-commands, as the parser lists them."""
    from shanghai_innovation import _cli  # noqa: PLC0415

    parser = _cli._parser()
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            return list(choices)
    return []


def cli_rst() -> str:
    """``--help`` of the program and of every command (no section titles: included in MyST)."""
    out: list[str] = []
    blocks = [("shanghai-innovation", ["--help"])]
    blocks += [(f"shanghai-innovation {c}", [c, "--help"]) for c in cli_commands()]
    for title, args in blocks:
        result = _run_cli(*args)
        text = result.stdout.replace("__main__.py", "shanghai-innovation")
        out += [f".. rubric:: {title}", ""]
        out += [".. code-block:: text", ""]
        out += [f"   {line}".rstrip() for line in text.rstrip().splitlines()]
        out.append("")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- audit


def _audit_page() -> str:
    path = DOCS / "guide" / "audit.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def audit_findings() -> tuple[list[dict[str, Any]] | None, str]:
    """Today's findings from ``shanghai-innovation check --json``, and the command's exit status."""
    result = _run_cli("check", "--json")
    try:
        findings = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None, (result.stderr.strip().splitlines() or ["no output"])[-1]
    return findings, str(result.returncode)


def findings_rst() -> str:
    """Today's findings as a table, with a count per severity."""
    findings, status = audit_findings()
    if findings is None:
        return (
            ".. note::\n\n   The audit could not be run when these docs were built "
            f"({_escape(status)}).\n"
        )
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    summary = ", ".join(f"{n} {sev}" for sev, n in sorted(counts.items())) or "no findings"
    acknowledged = sum(1 for f in findings if f.get("acknowledged"))
    out = [
        f"Generated by running ``shanghai-innovation check --json`` when these docs were "
        f"built: {len(findings)} findings ({summary}); {acknowledged} acknowledged by an "
        f"erratum; the command exited with status {status}.",
        "",
    ]
    if not findings:
        return "\n".join(out) + "\n"
    narrated = set(re.findall(r"^\(rule-([\w-]+)\)=$", _audit_page(), flags=re.M))
    rows = [
        [
            f":ref:`{f['rule']} <rule-{f['rule']}>`"
            if f["rule"] in narrated
            else _literal(f["rule"]),
            _escape(f["severity"]),
            ", ".join(_literal(r) for r in f["records"]) or "(none)",
            _escape(f["message"]),
            ", ".join(_literal(r) for r in f["references"]) or "(none)",
            "yes" if f["acknowledged"] else ("**no**" if f["severity"] == "error" else "no"),
        ]
        for f in findings
    ]
    out += _list_table(
        ["Rule", "Severity", "Records", "Message", "References", "Acknowledged"],
        rows,
        [16, 8, 16, 40, 14, 8],
    )
    return "\n".join(out) + "\n"


def audit_rules() -> list[tuple[str, str]]:
    """``(rule id, one-line description)`` for every rule of the audit, in report order."""
    from shanghai_innovation._audit import RULES  # noqa: PLC0415

    return [(rule.id, " ".join(rule.description.split())) for rule in RULES]


def rules_rst() -> str:
    """The audit's rule registry as a table."""
    rows = [[_literal(rid), _escape(text)] for rid, text in audit_rules()]
    table = _list_table(["Rule", "What it checks"], rows, [25, 75])
    return "\n".join(table) + "\n"


# --------------------------------------------------------------------------- API completeness


def documented_names(api_text: str) -> set[str]:
    """Names an API page documents with an ``auto...`` directive."""
    pattern = r"^\.\. (?:auto\w+|py:\w+):: shanghai_innovation\.(\w+)"
    return set(re.findall(pattern, api_text, flags=re.M))


def api_more_rst() -> str:
    """Autodoc entries for public names that ``api.rst`` does not list by hand."""
    import shanghai_innovation as si  # noqa: PLC0415

    listed = documented_names((DOCS / "api.rst").read_text(encoding="utf-8"))
    missing = [name for name in si.__all__ if name not in listed]
    if not missing:
        return ""
    out = ["Other public names", "------------------", ""]
    for name in missing:
        obj = getattr(si, name)
        if isinstance(obj, type):
            directive = "autoexception" if issubclass(obj, BaseException) else "autoclass"
        elif inspect.isfunction(obj):
            directive = "autofunction"
        else:
            directive = "autodata"
        out += [f".. {directive}:: shanghai_innovation.{name}", ""]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the figure


def build_figure(dataset: Any = None) -> Any:
    """The 2020 timeline above the ranking movements, as a matplotlib figure (Agg)."""
    import matplotlib as mpl  # noqa: PLC0415

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    import shanghai_innovation as si  # noqa: PLC0415

    ds = si.load() if dataset is None else dataset
    events = sorted(ds.events, key=lambda e: e.date.sort_key())
    n_events = max(len(events), 1)
    mpl.rcParams.update(
        {"svg.hashsalt": "si", "font.size": 9, "axes.titlesize": 11, "axes.titleweight": "bold"}
    )
    timeline_height = 1.6 + 0.28 * n_events
    fig = plt.figure(figsize=(9, timeline_height + 3.0), layout="constrained")
    # Two subfigures, so the rankings panel is laid out on its own and takes the
    # whole width instead of lining up under the timeline's plot area.
    top, bottom = fig.subfigures(2, 1, height_ratios=[timeline_height, 3.0])
    _draw_timeline(top.subplots(), events)
    _draw_rankings(bottom.subplots(), ds)
    return fig


def draw_figure(path: Path, dataset: Any = None) -> Path:
    """Draw the 2020 timeline and the ranking movements into a PNG."""
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig = build_figure(dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


_COLOURS = {"day": "#1f6f8b", "month": "#e07a1f", "year": "#8c8c8c"}


def _draw_timeline(ax_t: Any, events: list[Any]) -> None:
    """One row per event, earliest at the top; a dot for a day, a bar for a month."""
    import matplotlib as mpl  # noqa: PLC0415
    import matplotlib.dates as mdates  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    colours = _COLOURS
    n_events = max(len(events), 1)
    for row, event in enumerate(events):
        first, last = event.date.span
        precision = event.date.precision.value
        colour = colours.get(precision, "#444444")
        if first == last:
            ax_t.plot([first], [row], "o", color=colour, markersize=6, zorder=3)
        else:
            ax_t.barh(
                row,
                (last - first).days + 1,
                left=first,
                height=0.45,
                color=colour,
                alpha=0.55,
                zorder=2,
            )
    ax_t.set_yticks(range(len(events)))
    ax_t.set_yticklabels([f"{e.date}  {_shorten(e.title, 7, 48)}" for e in events])
    ax_t.set_ylim(n_events - 0.5, -0.7)
    ax_t.set_xlim(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    ax_t.xaxis.set_major_locator(mdates.MonthLocator())
    ax_t.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax_t.grid(axis="x", color="#dddddd", zorder=0)
    ax_t.set_title("2020 timeline: events by date")
    if not events:
        ax_t.text(0.5, 0.5, "no events in the data", transform=ax_t.transAxes, ha="center")
    present = {e.date.precision.value for e in events}
    handles = []
    if "day" in present:
        handles.append(
            plt.Line2D(
                [], [], marker="o", linestyle="", color=colours["day"], label="known to the day"
            )
        )
    for precision in ("month", "year"):
        if precision in present:
            handles.append(
                mpl.patches.Patch(
                    color=colours[precision], alpha=0.55, label=f"known to the {precision}"
                )
            )
    if handles:
        # Under the month labels, outside the plot, framed: a key, not a data point.
        ax_t.legend(
            handles=handles,
            loc="upper right",
            bbox_to_anchor=(1.0, -0.045 * 14 / n_events),
            ncols=len(handles),
            fontsize=8,
            frameon=True,
            title="Date precision:",
            title_fontsize=8,
            alignment="left",
        )


def _short_name(entity: Any) -> str:
    """The shortest readable name of an entity (an alias of six letters or more)."""
    names = [entity.name, *(a for a in entity.aliases if len(a) >= 6)]
    return _shorten(min(names, key=len), 5, 36)


#: How a doubted field of a ranking position is named in the figure.
_RANKING_FIELDS = {
    "previous_rank": "earlier place",
    "previous_year": "earlier place",
    "movement": "movement",
    "rank": "place",
}


def ranking_caveats(dataset: Any, position: Any) -> list[str]:
    """What the data doubts about a ranking position, in a few words each.

    Read from the errata on the record (``"earlier place unverified"`` for an
    ``unverified`` erratum on ``previous_rank``); with no erratum, a reference
    of low confidence among the record's references still earns a caveat.
    """
    caveats = []
    for erratum in dataset.errata:
        if erratum.record == position.id:
            what = _RANKING_FIELDS.get(erratum.field_name, erratum.field_name.replace("_", " "))
            caveat = f"{what} {erratum.kind.value}"
            if caveat not in caveats:
                caveats.append(caveat)
    if not caveats:
        refs = [dataset.get(r) for r in getattr(position, "references", ())]
        if any(getattr(getattr(r, "confidence", None), "value", None) == "low" for r in refs):
            caveats.append("rests on a low-confidence source")
    return caveats


def ranking_label(dataset: Any, position: Any, name: str) -> str:
    """The text beside a ranking's latest place: place, name, movement, and any caveat."""
    if position.previous_rank is None or position.previous_year is None:
        text = f"{position.rank}  {name} (no earlier place stated)"
    else:
        moved = position.previous_rank - position.rank
        word = f"up {moved}" if moved > 0 else (f"down {-moved}" if moved < 0 else "unchanged")
        text = f"{position.rank}  {name}: {word} since {position.previous_year}"
    caveats = ranking_caveats(dataset, position)
    if caveats:
        text += "\n     (" + "; ".join(caveats) + ")"
    return text


def _draw_rankings(ax_r: Any, ds: Any) -> None:
    """Earlier place to latest place per ranking, best at the top, doubted places hollow."""
    rankings = list(ds.rankings)
    names = {e.id: _short_name(e) for e in ds.entities}
    places: list[int] = []
    for position in rankings:
        label = ranking_label(ds, position, names.get(position.ranking, position.ranking))
        doubted = ranking_caveats(ds, position)
        earlier_doubted = any(c.startswith("earlier place") for c in doubted)
        latest_doubted = any(c.startswith("place") for c in doubted)
        colour = "#1f6f8b" if position.previous_rank is not None else "#8c8c8c"
        if position.previous_rank is not None and position.previous_year is not None:
            ax_r.plot(
                [position.previous_year, position.edition],
                [position.previous_rank, position.rank],
                linestyle="--" if earlier_doubted else "-",
                color=colour,
                linewidth=2,
            )
            ax_r.plot(
                [position.previous_year],
                [position.previous_rank],
                "o",
                markersize=7,
                color=colour,
                markerfacecolor="white" if earlier_doubted else colour,
                markeredgewidth=2,
            )
            ax_r.annotate(
                f"{position.previous_rank}",
                (position.previous_year, position.previous_rank),
                textcoords="offset points",
                xytext=(-10, 0),
                ha="right",
                va="center",
            )
            places.append(position.previous_rank)
        ax_r.plot(
            [position.edition],
            [position.rank],
            "o",
            markersize=7,
            color=colour,
            markerfacecolor="white" if latest_doubted else colour,
            markeredgewidth=2,
        )
        ax_r.annotate(
            label,
            (position.edition, position.rank),
            textcoords="offset points",
            xytext=(10, 0),
            ha="left",
            va="center",
        )
        places.append(position.rank)
    years = [p.edition for p in rankings] + [p.previous_year for p in rankings if p.previous_year]
    if years:
        first, last = min(years), max(years)
        span = max(last - first, 1)
        # Room on the right for the labels, in proportion to the years shown.
        ax_r.set_xlim(first - 0.15 * span, last + 1.1 * span)
        ax_r.set_xticks(range(first, last + 1))
    if places:
        # The places that occur, with half a place of air: rank 0 does not exist.
        best, worst = min(places), max(places)
        ax_r.set_ylim(worst + 0.6, best - 0.6)
        ax_r.set_yticks(range(best, worst + 1))
    ax_r.set_ylabel("place (1 is best)")
    ax_r.set_xlabel("edition year")
    ax_r.grid(color="#eeeeee")
    ax_r.set_title(
        "Ranking movements: earlier place to latest place (hollow: a place the data doubts)"
    )
    if not rankings:
        ax_r.text(
            0.5, 0.5, "no ranking positions in the data", transform=ax_r.transAxes, ha="center"
        )


# --------------------------------------------------------------------------- linked data


def dataset_jsonld_text(dataset: Any = None) -> str:
    """The landing page's schema.org Dataset as JSON text safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no ``</script>`` can
    end the element early; the JSON reads the same.
    """
    import shanghai_innovation as si  # noqa: PLC0415
    from shanghai_innovation._formats.jsonld import build_dataset_jsonld  # noqa: PLC0415

    ds = si.load() if dataset is None else dataset
    text = json.dumps(build_dataset_jsonld(ds), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _on_html_page_context(
    app: Any, pagename: str, templatename: str, context: Any, doctree: Any
) -> None:
    """Put the dataset's JSON-LD in the landing page's head (and nowhere else)."""
    if pagename == app.config.root_doc:
        app.add_js_file(None, body=dataset_jsonld_text(), type="application/ld+json")


def cite_md(dataset: Any = None) -> str:
    """The "how to cite" text (MyST): the dataset, its BibTeX, and the article it is made from."""
    import shanghai_innovation as si  # noqa: PLC0415
    from shanghai_innovation._formats.metadata import about  # noqa: PLC0415

    facts = about(si.load() if dataset is None else dataset)
    out = [
        "Cite the dataset, giving its version:",
        "",
        f"> {facts.citation}",
        "",
        "and the article it is made from:",
        "",
        *(f"> {text}" for text in facts.source_citations),
        "",
        "As BibTeX (the same entry is `citeAs` in every release's `croissant.json`):",
        "",
        "```bibtex",
        facts.bibtex,
        "```",
        "",
        "The repository's `CITATION.cff` (Citation File Format 1.2.0) says the same for "
        "GitHub's *Cite this repository* box, Zenodo and reference managers.",
        "",
    ]
    return "\n".join(out)


# --------------------------------------------------------------------------- Sphinx hooks


def generate(out: Path = GENERATED) -> None:
    """Write every generated fragment and the figure."""
    _write(out / "dictionary.rst", dictionary_rst())
    _write(out / "findings.rst", findings_rst())
    _write(out / "rules.rst", rules_rst())
    _write(out / "cli.rst", cli_rst())
    _write(out / "exit_codes.rst", exit_codes_rst())
    _write(out / "api_more.rst", api_more_rst())
    _write(out / "cite.md", cite_md())
    draw_figure(out / "timeline.png")


def _on_builder_inited(app: Any) -> None:
    generate(Path(app.srcdir) / "_generated")


def _owner(name: str) -> Any:
    module_name, _, rest = name.partition(".")
    obj: Any = importlib.import_module(module_name)
    for part in rest.split(".")[:-1]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _on_process_docstring(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Describe attrs fields that have no ``#:`` comment from their metadata."""
    if what != "attribute":
        return
    import attrs  # noqa: PLC0415

    owner = _owner(name)
    if owner is None or not attrs.has(owner):
        return
    field = attrs.fields_dict(owner).get(name.rsplit(".", 1)[-1])
    if field is None:
        return
    meta = field.metadata
    if not any(line.strip() for line in lines) and meta.get("description"):
        lines[:] = [meta["description"], ""]
    extra = []
    if meta.get("unit"):
        extra.append(f"Unit: ``{meta['unit']}``.")
    if meta.get("references"):
        extra.append(f"Refers to ids of the ``{meta['references']}`` table.")
    if extra:
        lines += ["", " ".join(extra), ""]


def _keep_colons(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """Undo napoleon reading ``"about", "around": close to ...`` as a type and a text.

    Napoleon treats the first line of an attribute or property docstring as
    ``type: description``; our ``#:`` comments and docstrings use colons as
    prose and give types as annotations. Runs after napoleon and puts the
    split line back together.
    """
    if what not in {"attribute", "property", "data"}:
        return
    for i, line in enumerate(lines):
        if line.startswith(":type: "):
            first = next((j for j, text in enumerate(lines) if text.strip()), None)
            if first is None or first == i:
                return
            lines[first] = f"{line[len(':type: ') :]}: {lines[first].strip()}"
            del lines[i]
            while lines and not lines[-1].strip():
                lines.pop()
            return


def _on_process_signature(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None, ret: str | None
) -> tuple[str | None, str | None] | None:
    """Show ``tuple()`` rather than ``NOTHING`` for attrs factory defaults."""
    if what != "class" or signature is None or "NOTHING" not in signature:
        return None
    import attrs  # noqa: PLC0415

    if not attrs.has(obj):
        return None
    for field in attrs.fields(obj):
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            factory = getattr(default.factory, "__name__", "factory")
            signature = re.sub(rf"\b{field.name}=NOTHING\b", f"{field.name}={factory}()", signature)
    return signature, ret


def setup(app: Any) -> dict[str, Any]:
    """Register the generators and autodoc hooks."""
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_html_page_context)
    app.connect("autodoc-process-docstring", _keep_colons, priority=600)
    app.connect("autodoc-process-docstring", _on_process_docstring)
    app.connect("autodoc-process-signature", _on_process_signature)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
