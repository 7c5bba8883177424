"""``snakemake --report``: the small config run end to end, its report built, and the report
opened in a real headless browser (Debian's chromium, installed with apt-get when missing).

The run is the session's one run of the small config (``tests/workflow/conftest.py``), with
``--cores 8`` on a machine with fewer cores, so many jobs read and write NetCDF (HDF5) files at
once: it must finish without HDF5 locking errors.  The report is a JavaScript single-page app,
so the browser is driven through the DevTools protocol (a small websocket client below): for
every paper, each figure is shown (its PNG decoded by the browser, byte for byte the file) and
its caption read (claims with verdicts, parameters that differ from the paper, provenance); the
scorecard is shown in its frame; the runtime statistics are drawn.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import importlib
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from synplast.pipeline import graph
from synplast.registry import REGISTRY
from synplast.report import (
    figure_caption,
    figure_claims,
    figure_label,
    figure_subcategory,
    schema_defaults,
)
from synplast.scorecard import render_html
from tests.conftest import SCHEMA, load_config
from tests.workflow.helpers import snakemake

SMALL = load_config("config.yaml", "small.yaml")

LOCKING_ERRORS = ("HDF5", "unable to lock file", "Resource temporarily unavailable")
"""Text that no log of the run may hold: HDF5's error stack and file-locking failures."""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def nc_attrs(path: Path) -> dict:
    """Global attributes of a NetCDF file."""
    import netCDF4

    with netCDF4.Dataset(path) as handle:
        return {key: handle.getncattr(key) for key in handle.ncattrs()}


def figures_in_all(config: dict) -> dict[str, list[str]]:
    """Per enabled paper, the figures ``all`` draws: those reading no optional stage or
    scenario."""
    found = {}
    for paper in REGISTRY:
        if not config[paper]["enabled"]:
            continue
        stages = importlib.import_module(f"synplast.papers.{paper}.stages")
        found[paper] = [
            figure
            for figure in config[paper]["figures"]
            if not any(
                graph.stage_of(config, paper, scenario, stage).optional
                or config[paper]["scenarios"][scenario].get("optional", False)
                for scenario, _, stage in stages.figure_requests(config, figure)
            )
        ]
    return found


def every_declared_figure() -> list[tuple[str, str]]:
    """``(paper, figure)`` of every figure every paper's figure modules declare."""
    pairs = []
    for paper in REGISTRY:
        decl = graph.declaration(paper)
        modules = set(getattr(decl.module, "FIGURE_MODULES", {}).values()) or {"figures"}
        for module in sorted(modules):
            figures = importlib.import_module(graph.paper_module(paper, module)).FIGURES
            pairs += [(paper, figure) for figure in figures]
    return pairs


# --- without a run ---------------------------------------------------------------------------


@pytest.mark.parametrize(("paper", "figure"), every_declared_figure())
def test_every_figure_declares_the_claims_it_supports(paper, figure):
    claims = figure_claims(paper, figure)  # raises if undeclared or naming an unknown claim
    assert len(set(claims)) == len(claims)
    assert figure_label(SCHEMA, paper, figure).startswith(f"{figure}: ")


def test_scorecard_html_holds_every_claim_and_control_escaped():
    row = {
        "paper": "p",
        "claim": "c1",
        "statement": "a < b & c",
        "expectation": "x > 1",
        "measure": "m",
        "units": "ms",
        "seeds": [1, 2],
        "values": [1.5, 2.5],
        "seeds_passing": 1,
        "summary": {"mean": 2.0, "sd": 0.5, "min": 1.5, "max": 2.5, "n": 2},
        "verdict": "not reproduced",
        "not_reproduced": "the reference <model> does not",
        "failed_by_controls": [],
        "note": "",
        "source": "results/p/claims.nc",
    }
    control = {
        "paper": "p",
        "control": "ctl",
        "scenario": "ctl_s",
        "description": "wrong",
        "aimed_at": ["c1"],
        "fails": [],
        "rejected": False,
    }
    page = render_html({"claims": [row], "controls": [control]})
    assert "a &lt; b &amp; c" in page and "the reference &lt;model&gt; does not" in page
    assert "m: 2 ± 0.5 [1.5, 2.5] ms" in page and "1/2" in page
    assert "<h2>Negative controls</h2>" in page and "ctl" in page and ">NO<" in page
    assert "Claims that no control fails (no wrong model shows that they have power): p.c1" in page


# --- the run ---------------------------------------------------------------------------------


def test_run_with_more_jobs_than_cores_has_no_hdf5_locking_errors(tiny_run_process):
    work, _, done = tiny_run_process
    assert done.returncode == 0
    logs = sorted(p for p in (work / "logs").rglob("*") if p.is_file())
    logs += sorted((work / ".snakemake" / "log").glob("*.log"))
    jobs = sum(1 for line in done.stderr.splitlines() if line.startswith("Finished job"))
    assert jobs > 100 and len(logs) > 100  # every job ran and wrote its log
    texts = {"snakemake stderr": done.stderr, "snakemake stdout": done.stdout}
    texts.update({str(p.relative_to(work)): p.read_text(errors="replace") for p in logs})
    found = [
        (name, pattern)
        for name, text in texts.items()
        for pattern in LOCKING_ERRORS
        if pattern in text
    ]
    assert not found, found


def test_caption_lists_the_parameters_that_differ_from_the_paper(tiny_run, monkeypatch):
    work, _ = tiny_run
    defaults = schema_defaults(SCHEMA)
    monkeypatch.chdir(work)  # the captions read the paths the files recorded, relative to it
    sadeh = figure_caption(
        "results/sadeh2015/figures/ablations.png",
        paper="sadeh2015",
        figure="ablations",
        schema=SCHEMA,
        scorecard="results/scorecard.json",
    )
    quiet = figure_caption(
        "results/milstein2021/figures/A_ref_signals.png",
        paper="milstein2021",
        figure="A_ref_signals",
        schema=SCHEMA,
    )
    sadeh, quiet = html.unescape(sadeh), html.unescape(quiet)
    n_e = defaults["sadeh2015"]["model"]["N_E"]
    # the small config's N_E in every scenario, in the figure's order; each ablation's pathways
    every = "in every scenario (main, ablation_EE, ablation_EE_IE, ablation_EE_EI, no_plasticity)"
    assert every in sadeh
    assert f"<code>model.N_E</code>: <code>80</code> (paper: {n_e})" in sadeh
    assert '<code>model.plastic_pathways</code>: <code>["EE"]</code>' in sadeh
    rows = json.loads((work / "results/scorecard.json").read_text())["claims"]
    verdict = next(r for r in rows if r["claim"] == "ablation_EE_only")["verdict"]
    assert "<code>ablation_EE_only</code>: " in sadeh and f"<strong>{verdict}</strong>" in sadeh
    # Model A's keys are the schema's in the small config: nothing differs
    assert "Parameters that differ from the paper</strong> (the schema defaults)" in quiet
    assert "made from: none.</p>" in quiet
    assert "no scorecard yet" in quiet


@pytest.fixture(scope="session")
def reports(tiny_run):
    """``snakemake --report`` of the run as ``results/report.html`` and ``results/report.zip``:
    ``{suffix: CompletedProcess}``."""
    work, env = tiny_run
    built = {}
    for suffix in ("html", "zip"):
        built[suffix] = snakemake(
            work,
            "--report",
            f"results/report.{suffix}",
            "--configfile",
            "config/small.yaml",
            env=env,
        )
    return built


def test_report_html_and_zip_are_built(tiny_run, reports):
    work, env = tiny_run
    for done in reports.values():
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Report created" in done.stderr
        assert "ERROR" not in done.stderr, done.stderr[-3000:]  # docutils' caption errors
    with zipfile.ZipFile(work / "results/report.zip") as archive:
        names = archive.namelist()
        held = {hashlib.sha256(archive.read(name)).hexdigest() for name in names}
    assert any(name.endswith("/report.html") for name in names)
    for paper, figures in figures_in_all(SMALL).items():
        for figure in figures:
            png = work / f"results/{paper}/figures/{figure}.png"
            assert hashlib.sha256(png.read_bytes()).hexdigest() in held, png
    assert hashlib.sha256((work / "results/scorecard.html").read_bytes()).hexdigest() in held
    # building the report changes nothing the workflow depends on
    done = snakemake(work, "-n", "all", "--configfile", "config/small.yaml", env=env)
    assert "Nothing to be done" in done.stdout + done.stderr


# --- the browser -----------------------------------------------------------------------------


def ensure_chromium() -> str:
    """The chromium executable; installed with apt-get (as root, Debian) when missing.  A
    failed installation fails the test: there is no skipping."""
    found = shutil.which("chromium")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300"]
    for command in (
        [*apt, "update", "-qq"],
        [*apt, "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=1200, check=False
        )
        assert done.returncode == 0, (
            f"{' '.join(command)}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
        )
    found = shutil.which("chromium")
    assert found, "apt-get installed chromium, but there is no chromium command"
    return found


class DevTools:
    """A minimal client of the Chrome DevTools protocol over one websocket (RFC 6455 text
    frames, client-masked), enough to drive one page: :meth:`call` sends a command and returns
    its result; events in between are dropped."""

    def __init__(self, url: str, timeout: float = 120.0):
        """Connect to the DevTools websocket ``url`` and complete the handshake."""
        parsed = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {parsed.path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            assert chunk, "the browser closed the DevTools connection during the handshake"
            head += chunk
        assert head.split(b"\r\n", 1)[0].split()[1] == b"101", head
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        )
        assert accept in head
        self.buffer = head.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _read(self, n: int) -> bytes:
        """Exactly ``n`` bytes from the socket."""
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            assert chunk, "the browser closed the DevTools connection"
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, opcode: int, payload: bytes) -> None:
        """One final, masked frame."""
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _message(self) -> dict:
        """The next text message (fragments joined; pings answered)."""
        parts = []
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", self._read(8))
            payload = self._read(length)
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            assert opcode != 0x8, "the browser closed the DevTools connection"
            parts.append(payload)
            if first & 0x80:
                return json.loads(b"".join(parts))

    def call(self, method: str, **params) -> dict:
        """Send one command and return its result (an error response fails the test)."""
        self.next_id += 1
        self._send(
            0x1, json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        )
        while True:
            message = self._message()
            if message.get("id") == self.next_id:
                assert "error" not in message, (method, message["error"])
                return message["result"]

    def evaluate(self, expression: str, context: int | None = None):
        """The value of a JavaScript expression (awaited if a promise); a thrown error fails
        the test with its message."""
        params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
        if context is not None:
            params["contextId"] = context
        result = self.call("Runtime.evaluate", **params)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """Save the page as a PNG (kept with the test's files, for a look when it fails)."""
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot")["data"]))

    def close(self) -> None:
        """Close the socket."""
        with contextlib.suppress(OSError):
            self.sock.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless chromium with a fresh profile, driven through DevTools on 127.0.0.1."""
    executable = ensure_chromium()
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    devtools = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert process.poll() is None, f"chromium exited with {process.returncode}"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        devtools = DevTools(pages[0]["webSocketDebuggerUrl"])
        devtools.call(
            "Emulation.setDeviceMetricsOverride",
            width=1600,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        yield devtools
    finally:
        if devtools is not None:
            with contextlib.suppress(AssertionError, OSError):
                devtools.call("Browser.close")
            devtools.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


HELPERS = """
window.__t = {
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  async until(test, what, ms = 30000) {
    const end = Date.now() + ms;
    for (;;) {
      const value = test();
      if (value) return value;
      if (Date.now() > end) throw new Error('timed out waiting for ' + what);
      await window.__t.sleep(50);
    }
  },
  navLink(text) {
    return [...document.querySelectorAll('nav a')].find((a) => a.textContent.trim() === text);
  },
  async open(text) {
    const link = await window.__t.until(() => window.__t.navLink(text), 'menu entry ' + text);
    link.click();
  },
  async showCategory(category, subcategory) {
    app.setView({navbarMode: 'menu'});
    await window.__t.open(category);
    if (Object.keys(categories[category]).length > 1) await window.__t.open(subcategory);
    return window.__t.until(() => document.querySelector('nav table tbody tr'), 'results table');
  },
  row(start) {
    return [...document.querySelectorAll('nav table tbody tr')].find(
      (tr) => tr.querySelector('td').textContent.startsWith(start));
  },
};
true
"""

SHOW_FIGURE = """
(async () => {
  const t = window.__t;
  await t.showCategory(%(category)s, %(subcategory)s);
  const row = await t.until(() => t.row(%(label)s), 'the row of ' + %(label)s);
  const [view, info] = row.querySelectorAll('a[type=button]');
  view.click();
  const image = await t.until(() => {
    const img = [...document.querySelectorAll('img')].find(
      (i) => i.src.startsWith('data:image/png') && !i.closest('nav'));
    return img && img.complete && img.naturalWidth > 0 && img.src === results[%(path)s].data_uri
      ? img : null;
  }, 'the figure image');
  info.click();
  const caption = await t.until(() => document.querySelector('nav li.prose'), 'the caption');
  return {src: image.src, width: image.naturalWidth, height: image.naturalHeight,
          caption: caption.innerText, categories: Object.keys(categories)};
})()
"""


def load_report(browser: DevTools, path: Path) -> None:
    """Open the report and wait until its app has rendered."""
    browser.call("Page.enable")
    browser.call("Page.navigate", url=path.resolve().as_uri())
    deadline = time.monotonic() + 120
    while not browser.evaluate(
        "document.readyState === 'complete' && typeof app !== 'undefined' && "
        "document.querySelector('nav a') !== null"
    ):
        assert time.monotonic() < deadline, "the report did not render"
        time.sleep(0.2)
    assert browser.evaluate(HELPERS) is True


def test_report_renders_every_figure_with_its_caption(tiny_run, reports, browser, tmp_path):
    work, _ = tiny_run
    assert reports["html"].returncode == 0
    load_report(browser, work / "results/report.html")
    intro = browser.evaluate("document.querySelector('.prose').innerText")
    assert "replications of landmark models of synaptic plasticity" in intro
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True
    ).stdout.strip()
    scorecard = json.loads((work / "results/scorecard.json").read_text())
    verdicts = {(row["paper"], row["claim"]): row["verdict"] for row in scorecard["claims"]}
    shown = 0
    for paper, figures in figures_in_all(SMALL).items():
        for figure in figures:
            png = work / f"results/{paper}/figures/{figure}.png"
            result = browser.evaluate(
                SHOW_FIGURE
                % {
                    key: json.dumps(value)
                    for key, value in {
                        "category": paper,
                        "subcategory": figure_subcategory(SMALL, paper, figure),
                        "label": figure_label(SCHEMA, paper, figure),
                        "path": f"results/{paper}/figures/{figure}.png",
                    }.items()
                }
            )
            assert paper in result["categories"] and "scorecard" in result["categories"]
            # the browser decoded exactly the file's bytes
            assert base64.b64decode(result["src"].split(",", 1)[1]) == png.read_bytes()
            assert result["width"] > 100 and result["height"] > 100
            caption = result["caption"]
            assert f"{paper} / {figure}" in caption
            for claim in figure_claims(paper, figure):
                assert claim in caption
                if (paper, claim) in verdicts:
                    assert f"{claim}: " in caption and verdicts[paper, claim] in caption
            assert "Parameters that differ from the paper" in caption
            attrs = nc_attrs(png.with_suffix(".nc"))
            for key in ("code_sha256", "config_sha256"):
                assert f"{key.split('_')[0]} sha256: {attrs[key]}" in caption
            assert f"git commit: {commit}" in caption
            for scenario in attrs["scenario"].split(","):
                assert scenario in caption
            if shown == 0:
                browser.screenshot(tmp_path / f"{paper}-{figure}.png")
            shown += 1
    assert shown == sum(len(f) for f in figures_in_all(SMALL).values()) > 20


SHOW_SCORECARD = """
(async () => {
  const t = window.__t;
  await t.showCategory('scorecard', null);
  const row = await t.until(() => t.row('every claim'), 'the scorecard row');
  row.querySelector('a[type=button]').click();
  const frame = await t.until(
    () => document.querySelector('iframe[src^="data:text/html"]'), 'the scorecard frame');
  return frame.src.length;
})()
"""


def test_report_renders_the_scorecard_and_the_runtimes(tiny_run, reports, browser, tmp_path):
    work, _ = tiny_run
    load_report(browser, work / "results/report.html")
    assert browser.evaluate(SHOW_SCORECARD) > 1000
    frames = browser.call("Page.getFrameTree")["frameTree"].get("childFrames", [])
    scorecard_frames = [f["frame"]["id"] for f in frames if f["frame"]["url"].startswith("data:")]
    assert len(scorecard_frames) == 1
    world = browser.call(
        "Page.createIsolatedWorld", frameId=scorecard_frames[0], worldName="synplast-test"
    )["executionContextId"]
    deadline = time.monotonic() + 60
    while "Negative controls" not in (
        browser.evaluate("document.body ? document.body.innerText : ''", world) or ""
    ):
        assert time.monotonic() < deadline, "the scorecard did not render in its frame"
        time.sleep(0.2)
    text = browser.evaluate("document.body.innerText", world)
    rows = browser.evaluate("document.querySelectorAll('tbody tr').length", world)
    browser.screenshot(tmp_path / "scorecard.png")
    document = json.loads((work / "results/scorecard.json").read_text())
    assert rows == len(document["claims"]) + len(document["controls"])
    assert "synplast scorecard" in text and "Negative controls" in text
    for row in document["claims"]:
        assert row["claim"] in text and row["statement"] in text
    for control in document["controls"]:
        assert control["control"] in text and control["description"] in text
    # runtimes: Snakemake's statistics, drawn by vega as a canvas with something on it
    rules = browser.evaluate("runtimes_spec.data.values.map((v) => v.rule)")
    assert {"stage", "deterministic_stage", "figure", "claims", "scorecard"} <= set(rules)
    drawn = browser.evaluate(
        """
        (async () => {
          const t = window.__t;
          app.setView({navbarMode: 'menu'});
          await t.open('Statistics');
          const canvas = await t.until(() => {
            const c = document.querySelector('#runtimes canvas');
            return c && c.width > 100 && c.height > 100 ? c : null;
          }, 'the runtimes chart');
          await t.sleep(300);
          const context = canvas.getContext('2d');
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          let ink = 0;
          for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] > 0 && (pixels[i] < 200 || pixels[i + 1] < 200)) ink += 1;
          }
          return ink;
        })()
        """
    )
    browser.screenshot(tmp_path / "statistics.png")
    assert drawn > 500


def test_the_scenarios_of_a_figure_are_its_report_subcategory():
    assert figure_subcategory(SMALL, "tsodyks2000", "fig1") == "scenario main"
    scenarios = SMALL["tsodyks2000"]["figures"]["ibi_vs_ib_spread"]["scenarios"]
    assert figure_subcategory(SMALL, "tsodyks2000", "ibi_vs_ib_spread") == (
        f"scenarios {', '.join(scenarios)}"
    )
