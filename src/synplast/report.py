"""The figure captions of ``snakemake --report``, computed when the report is built.

Every figure of every paper appears in the report with a caption that says

- what the figure shows: the figure's description in its paper's schema
  (``figures.<figure>.description``) and the docstring of the function that draws it;
- which claims it supports: the paper's ``FIGURE_CLAIMS`` (declared next to ``FIGURES`` in the
  figure's module), with each claim's statement, verdict and passing seeds from
  ``results/scorecard.json`` when the scorecard has been made;
- which parameters differ from the paper: every model, protocol and analysis key that the stage
  files upstream of the figure recorded (``config_json``, the exact values they were computed
  with) and whose value is not the schema's default (the paper-faithful value);
- its provenance, from the figure's own metadata: scenarios, seeds, code and config sha256,
  git commit, packages and the stage files it read.

Nothing of this is a rule parameter, so captions never make a figure rerun: the workflow
registers the reStructuredText directive ``synplast-figure-caption``
(:func:`register_caption_directive`) and the caption template, ``workflow/report/figure.rst``,
calls it with the figure's PNG.
"""

from __future__ import annotations

import functools
import html
import importlib
import inspect
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

__all__ = [
    "DIRECTIVE",
    "NO_DEFAULT",
    "figure_caption",
    "figure_claims",
    "figure_description",
    "figure_docstring",
    "figure_label",
    "figure_subcategory",
    "parameter_differences",
    "register_caption_directive",
    "schema_defaults",
    "upstream_configs",
]

DIRECTIVE = "synplast-figure-caption"
"""Name of the reStructuredText directive that renders a figure's caption."""

SECTIONS = ("model", "protocol", "analysis")
"""Config sections whose values are compared with the paper's defaults."""


# --------------------------------------------------------------------------- what a figure is


def _figures_module(paper: str, figure: str):
    """The module that draws ``figure`` of ``paper`` (``FIGURES`` and ``FIGURE_CLAIMS``)."""
    from synplast.pipeline.graph import declaration, paper_module

    return importlib.import_module(paper_module(paper, declaration(paper).figure_module(figure)))


def _claim_names(paper: str) -> list[str]:
    """Names of the paper's claims (its claims module's ``CLAIMS``)."""
    from synplast.pipeline.graph import declaration, paper_module

    claims = importlib.import_module(paper_module(paper, declaration(paper).claims_module))
    return [claim.__name__ for claim in claims.CLAIMS]


def figure_claims(paper: str, figure: str) -> tuple[str, ...]:
    """The claims ``figure`` shows the evidence of, as its module's ``FIGURE_CLAIMS`` declares
    (empty for a figure that supports none, e.g. a cross-check).

    Raises ``KeyError`` if the figure is not declared there, ``ValueError`` if a named claim is
    not one of the paper's claims.
    """
    module = _figures_module(paper, figure)
    declared = getattr(module, "FIGURE_CLAIMS", {})
    if figure not in declared:
        raise KeyError(f"{paper}: figure {figure!r} is not in {module.__name__}.FIGURE_CLAIMS")
    names = tuple(declared[figure])
    unknown = sorted(set(names) - set(_claim_names(paper)))
    if unknown:
        raise ValueError(f"{paper}: figure {figure} names unknown claim(s) {', '.join(unknown)}")
    return names


def figure_docstring(paper: str, figure: str) -> str:
    """The docstring of the function that draws ``figure`` (cleaned of indentation)."""
    function = _figures_module(paper, figure).FIGURES[figure]
    return inspect.getdoc(function) or ""


@functools.cache
def _paper_schema(schema: Path, paper: str) -> dict:
    """The paper's own schema file, ``papers/<paper>.schema.yaml`` beside ``schema``."""
    path = Path(schema).parent / "papers" / f"{paper}.schema.yaml"
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def figure_description(schema: str | Path, paper: str, figure: str) -> str:
    """The figure's one-line description in its paper's schema (empty if it has none)."""
    figures = _paper_schema(Path(schema).resolve(), paper)["properties"]["figures"]
    return str(figures.get("properties", {}).get(figure, {}).get("description", ""))


def figure_label(schema: str | Path, paper: str, figure: str) -> str:
    """The figure's entry in the report's results table: its name and description."""
    description = figure_description(schema, paper, figure)
    return f"{figure}: {description}" if description else figure


def figure_subcategory(config: Mapping, paper: str, figure: str) -> str:
    """The report subcategory of a figure: the scenarios it shows."""
    stages = importlib.import_module(f"synplast.papers.{paper}.stages")
    scenarios = list(dict.fromkeys(str(r[0]) for r in stages.figure_requests(config, figure)))
    noun = "scenario" if len(scenarios) == 1 else "scenarios"
    return f"{noun} {', '.join(scenarios)}"


# --------------------------------------------------------------------------- parameters


@functools.cache
def _defaults(schema: Path) -> dict:
    """:func:`schema_defaults` of one resolved schema path (cached)."""
    from synplast.config import validate_config

    return validate_config({}, schema)


def schema_defaults(schema: str | Path) -> dict:
    """The config of an empty config file: every schema default filled in (the paper-faithful
    values), with the scenarios the schemas define by default."""
    import copy

    return copy.deepcopy(_defaults(Path(schema).resolve()))


def _attrs(path: str | Path) -> dict:
    """Global attributes of a NetCDF stage file."""
    path = Path(path)
    stat = path.stat()
    return _attrs_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _attrs_cached(path: Path, mtime_ns: int, size: int) -> dict:
    """:func:`_attrs` of one version of a file (the key holds its time and size)."""
    import netCDF4

    with netCDF4.Dataset(path) as handle:
        return {key: handle.getncattr(key) for key in handle.ncattrs()}


def upstream_configs(inputs: Mapping[str, str]) -> tuple[dict[str, dict], list[str]]:
    """The config every stage file upstream of a figure was computed with, per scenario.

    ``inputs`` is the figure's ``inputs_sha256`` (path -> sha256).  The chain is followed
    through each file's own ``inputs_sha256``; the ``config_json`` of the files of one scenario
    are merged.  Returns ``({scenario: config}, [paths that could not be read])``.
    """
    from synplast.config import deep_merge

    configs: dict[str, dict] = {}
    missing: list[str] = []
    pending, seen = list(inputs), set()
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            attrs = _attrs(path)
        except (OSError, RuntimeError):
            missing.append(path)
            continue
        scenario = str(attrs.get("scenario", "?"))
        recorded = json.loads(attrs.get("config_json", "{}") or "{}")
        kept = {section: recorded[section] for section in SECTIONS if section in recorded}
        configs[scenario] = deep_merge(configs.get(scenario, {}), kept)
        pending.extend(json.loads(attrs.get("inputs_sha256", "{}") or "{}"))
    return configs, missing


class _NoDefault:
    """Type of :data:`NO_DEFAULT`."""

    def __repr__(self) -> str:
        """Its name."""
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()
"""The paper default of a recorded key that the schema gives no default."""


def _leaves(node: Mapping, prefix: str = "") -> dict[str, object]:
    """Dotted key -> value of every leaf of a nested mapping (lists are leaves)."""
    found: dict[str, object] = {}
    for key, value in node.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            found.update(_leaves(value, f"{dotted}."))
        else:
            found[dotted] = value
    return found


def _lookup(node: Mapping, dotted: str):
    """The value at a dotted key of a nested mapping, or :data:`NO_DEFAULT`."""
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return NO_DEFAULT
        node = node[part]
    return node


def _baseline(defaults: Mapping, paper: str, scenario: str) -> dict:
    """The paper-faithful config of a scenario: the schema's own definition of the scenario if
    it has one (its overrides are defaults too), else the paper's default sections."""
    from synplast.config import scenario_config

    if scenario in defaults[paper].get("scenarios", {}):
        return scenario_config(defaults, paper, scenario)
    return {section: defaults[paper].get(section, {}) for section in SECTIONS}


def parameter_differences(
    paper: str, configs: Mapping[str, Mapping], defaults: Mapping
) -> dict[str, list[tuple[str, object, object]]]:
    """Per scenario, ``(dotted key, value, paper default)`` of every recorded key whose value
    is not the default (``default`` is :data:`NO_DEFAULT` for a key without one), sorted by
    key."""
    differences = {}
    for scenario, config in configs.items():
        baseline = _baseline(defaults, paper, scenario)
        found = []
        for key, value in sorted(_leaves(config).items()):
            default = _lookup(baseline, key)
            if default is NO_DEFAULT or value != default:
                found.append((key, value, default))
        differences[scenario] = found
    return differences


def _figure_option_differences(
    paper: str, figure: str, options: Mapping, defaults: Mapping
) -> list[tuple[str, object, object]]:
    """Figure options that differ from the schema's default entry of the figure (if any)."""
    default_entry = defaults[paper].get("figures", {}).get(figure)
    if not isinstance(default_entry, Mapping):
        return []
    return [
        (f"figures.{figure}.{key}", options[key], value)
        for key, value in sorted(default_entry.items())
        if key in options and options[key] != value
    ]


# --------------------------------------------------------------------------- HTML


def _value(value: object) -> str:
    """A config value as compact text."""
    if value is NO_DEFAULT:
        return "no default"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": "), allow_nan=True)


def _code(text: object) -> str:
    """``text`` escaped, as inline code."""
    return f"<code>{html.escape(str(text))}</code>"


def _prose(text: str) -> str:
    """Docstring text as HTML paragraphs, with ````literal```` spans as code."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph, quote=False)
        escaped = re.sub(r"``(.+?)``", r"<code>\1</code>", escaped)
        escaped = re.sub(r":\w+:`([^`]+)`|`([^`]+)`", lambda m: _code_of(m), escaped)
        out.append(f"<p>{escaped}</p>")
    return "\n".join(out)


def _code_of(match: re.Match) -> str:
    """``<code>`` of a Sphinx role or single-backtick span (already escaped)."""
    return f"<code>{match.group(1) or match.group(2)}</code>"


def _claims_html(paper: str, names: Sequence[str], scorecard: Path | None) -> str:
    """The claims a figure supports, with statement, verdict and passing seeds if measured."""
    if not names:
        return "<p><strong>Claims it supports:</strong> none (an illustration or a cross-check)</p>"
    rows: dict[str, dict] = {}
    if scorecard is not None and scorecard.is_file():
        document = json.loads(scorecard.read_text(encoding="utf-8"))
        rows = {row["claim"]: row for row in document["claims"] if row["paper"] == paper}
        note = ""
    else:
        note = " (no scorecard yet: verdicts appear once the scorecard is made)"
    items = []
    for name in names:
        row = rows.get(name)
        if row is None:
            detail = "" if note else ": not measured in this run (its protocol did not run)"
        else:
            detail = (
                f": {html.escape(row['statement'])} &mdash; <strong>{html.escape(row['verdict'])}"
                f"</strong> ({row['seeds_passing']}/{len(row['seeds'])} seeds pass)"
            )
        items.append(f"<li>{_code(name)}{detail}</li>")
    return (
        f"<p><strong>Claims it supports</strong>{note}:</p>\n<ul>\n" + "\n".join(items) + "\n</ul>"
    )


def _difference_items(found: Sequence[tuple[str, object, object]]) -> str:
    """A list of ``key: value (paper: default)`` items."""
    items = []
    for key, value, default in found:
        paper_value = "no default" if default is NO_DEFAULT else f"paper: {_value(default)}"
        items.append(f"<li>{_code(key)}: {_code(_value(value))} ({html.escape(paper_value)})</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def _parameters_html(
    differences: Mapping[str, Sequence[tuple[str, object, object]]],
    options: Sequence[tuple[str, object, object]],
    missing: Sequence[str],
) -> str:
    """The parameters that differ from the paper: those shared by every scenario shown, then
    each scenario's own, then the figure's options."""
    lead = (
        "<p><strong>Parameters that differ from the paper</strong> (the schema defaults), as "
        "recorded by the stage files the figure was made from"
    )
    scenarios = list(differences)
    if not any(differences.values()) and not options:
        body = [f"{lead}: none.</p>"]
    else:
        body = [f"{lead}:</p>"]
        keyed = {s: {_item_key(item): item for item in differences[s]} for s in scenarios}
        common = set.intersection(*(set(items) for items in keyed.values())) if scenarios else set()
        if len(scenarios) > 1 and common:
            body.append(f"<p>in every scenario ({html.escape(', '.join(scenarios))}):</p>")
            body.append(_difference_items([keyed[scenarios[0]][key] for key in sorted(common)]))
        for scenario in scenarios:
            own = [item for key, item in keyed[scenario].items() if key not in common]
            if len(scenarios) == 1:
                own = list(keyed[scenario].values())
            if own:
                body.append(f"<p>scenario {_code(scenario)}:</p>")
                body.append(_difference_items(own))
            else:
                body.append(
                    f"<p>scenario {_code(scenario)}: {'no other' if common else 'none'}</p>"
                )
        if options:
            body.append("<p>figure options:</p>")
            body.append(_difference_items(options))
    if missing:
        body.append(
            "<p>Not checked (file not found): "
            + ", ".join(_code(path) for path in sorted(missing))
            + "</p>"
        )
    return "\n".join(body)


def _item_key(item: tuple[str, object, object]) -> tuple[str, str, str]:
    """A hashable key of one difference (values may be lists or mappings)."""
    key, value, default = item
    return key, _value(value), _value(default)


def _seeds_text(attrs: Mapping) -> str:
    """The seeds a file was made from, as text."""
    if "seed" in attrs:
        return str(attrs["seed"])
    if "seeds" in attrs:
        seeds = attrs["seeds"]
        seeds = json.loads(seeds) if isinstance(seeds, str) else seeds
        return ", ".join(str(s) for s in seeds) or "none"
    return "none (deterministic)"


def _provenance_html(png: Path, provenance: Mapping, inputs: Mapping[str, str]) -> str:
    """Scenarios, seeds, hashes, commit, packages and the stage files read, from the figure's
    metadata."""
    dirty = int(provenance.get("git_dirty", 0) or 0)
    commit = _code(provenance.get("git_commit", "unknown"))
    if dirty:
        commit += " (with uncommitted changes)"
    packages = provenance.get("package_versions", "{}")
    packages = json.loads(packages) if isinstance(packages, str) else dict(packages)
    scenarios = str(provenance.get("scenario", "")).replace(",", ", ")
    files = "\n".join(
        f"<li>{_code(path)} sha256 {_code(str(digest)[:16])}&hellip;</li>"
        for path, digest in inputs.items()
    )
    return "\n".join(
        [
            "<p><strong>Provenance</strong>:</p>",
            "<ul>",
            f"<li>scenarios: {html.escape(scenarios)}</li>",
            f"<li>seeds: {html.escape(_seeds_text(provenance))}</li>",
            f"<li>code sha256: {_code(provenance.get('code_sha256', '?'))}</li>",
            f"<li>config sha256: {_code(provenance.get('config_sha256', '?'))}</li>",
            f"<li>git commit: {commit}</li>",
            f"<li>created: {html.escape(str(provenance.get('date_created', '?')))}</li>",
            "<li>packages: "
            + html.escape(", ".join(f"{name} {version}" for name, version in packages.items()))
            + "</li>",
            f"<li>read {len(inputs)} stage file(s), checked by {_code(f'synplast trace {png}')}:"
            f"\n<ul>\n{files}\n</ul></li>",
            "</ul>",
        ]
    )


def figure_caption(
    png: str | Path,
    *,
    paper: str,
    figure: str,
    schema: str | Path,
    scorecard: str | Path | None = None,
) -> str:
    """The caption of one figure as an HTML fragment (see the module docstring).

    Reads the provenance in the PNG's metadata, the figure's ``.nc`` next to it (its options),
    the stage files upstream of it and, when given and present, the scorecard JSON.
    """
    from synplast.plotting import read_figure_provenance

    png = Path(png)
    provenance = read_figure_provenance(png)
    if provenance.get("paper") != paper:
        raise ValueError(f"{png}: made for paper {provenance.get('paper')!r}, not {paper!r}")
    inputs = json.loads(provenance.get("inputs_sha256", "{}") or "{}")
    defaults = schema_defaults(schema)
    configs, missing = upstream_configs(inputs)
    # the scenarios the figure shows, in its order, then those further upstream
    shown = [s for s in str(provenance.get("scenario", "")).split(",") if s in configs]
    configs = {s: configs[s] for s in [*shown, *(s for s in configs if s not in shown)]}
    differences = parameter_differences(paper, configs, defaults)
    nc = png.with_suffix(".nc")
    options: list = []
    if nc.is_file():
        recorded = json.loads(_attrs(nc).get("config_json", "{}") or "{}")
        options = _figure_option_differences(paper, figure, recorded.get("options", {}), defaults)
    description = figure_description(schema, paper, figure)
    title = f"<p><strong>{html.escape(paper)} / {html.escape(figure)}</strong>"
    title += f": {html.escape(description)}</p>" if description else "</p>"
    parts = [
        title,
        _prose(figure_docstring(paper, figure)),
        _claims_html(paper, figure_claims(paper, figure), Path(scorecard) if scorecard else None),
        _parameters_html(differences, options, missing),
        _provenance_html(png, provenance, inputs),
    ]
    return '<div class="synplast-caption">\n' + "\n".join(parts) + "\n</div>\n"


# --------------------------------------------------------------------------- the directive


def register_caption_directive(schema: str | Path, scorecard: str | Path | None = None) -> None:
    """Register the reStructuredText directive ``synplast-figure-caption`` with docutils.

    Usage in a Snakemake caption template (one argument, the PNG; options ``paper`` and
    ``figure``)::

        .. synplast-figure-caption:: {{ snakemake.output.png }}
           :paper: {{ snakemake.wildcards.paper }}
           :figure: {{ snakemake.wildcards.figure }}

    ``schema`` is the workflow's top-level schema (its defaults are the paper's values),
    ``scorecard`` the scorecard JSON whose verdicts the captions show.  Docutils builds the
    caption when Snakemake renders the report, so nothing here is part of any job.
    """
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives

    schema_path = Path(schema).resolve()
    scorecard_path = Path(scorecard) if scorecard is not None else None

    class FigureCaption(Directive):
        """``.. synplast-figure-caption:: PNG`` with ``:paper:`` and ``:figure:``."""

        required_arguments = 1
        final_argument_whitespace = False
        option_spec = {
            "paper": directives.unchanged_required,
            "figure": directives.unchanged_required,
        }
        has_content = False

        def run(self):
            """The caption as a raw HTML node."""
            caption = figure_caption(
                self.arguments[0],
                paper=self.options["paper"],
                figure=self.options["figure"],
                schema=schema_path,
                scorecard=scorecard_path,
            )
            return [nodes.raw("", caption, format="html")]

    directives.register_directive(DIRECTIVE, FigureCaption)
