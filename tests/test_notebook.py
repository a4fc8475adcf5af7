"""Every result type renders in Jupyter: a real kernel runs a notebook (nbclient, offline)
and each output's HTML carries its table headers and the result's own sentences; the run
and VoI carry the report's charts with plotly.js inline, never from a CDN."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

DECISION = """\
decision: Stay or go?
horizon: 4
discount: 3%
samples: 1000
seed: 5
baseline: stay
params:
  pay_rise: 2% to 6%
  p_lead: 20% to 60%
criteria:
  fun: {worth: 2k to 6k}
skills:
  ml: {now: 60%}
  product: {now: 40%}
options:
  stay:
    label: Stay at the bank
    roles:
      analyst: {cash: 90k to 110k, raise: pay_rise, criteria: {fun: 4}, practice: {ml: 50%}}
  go:
    label: Join the startup
    roles:
      engineer:
        cash: 70k to 100k
        raise: pay_rise
        criteria: {fun: 7}
        practice: {ml: 100%, product: 50%}
        next:
          - {to: lead, per_year: p_lead}
      lead: {cash: 120k to 160k, criteria: {fun: 6}, practice: {product: 100%}}
"""

CELLS = [
    "import json, crossroads\nfrom crossroads.notebook import _said\n"
    "m = crossroads.load('decision.yaml')\nresults = {}",
    "results['run'] = crossroads.run(m, samples=1000)\nresults['run']",
    "results['voi'] = crossroads.voi(m, samples=1000)\nresults['voi']",
    "results['sensitivity'] = crossroads.sensitivity(m, samples=500)\nresults['sensitivity']",
    "results['sobol'] = crossroads.sensitivity(m, 'sobol', samples=500)\nresults['sobol']",
    "results['smaa'] = crossroads.smaa(m, samples=1000)\nresults['smaa']",
    "results['skills'] = crossroads.skills(m, samples=500)\nresults['skills']",
    "results['prices'] = crossroads.prices(m, samples=1000)\nresults['prices']",
    "results['risk'] = crossroads.risk(m, samples=1000)\nresults['risk']",
    "results['option_value'] = crossroads.option_value(m, ('lead',), samples=1000)\n"
    "results['option_value']",
    "print(json.dumps({k: _said(r.to_dict()) for k, r in results.items()}))",
]

#: The column headers each output's table must have.
HEADERS = {
    "run": ["option", "value", "sampling error", "90% range", "NPV cash", "P(best)",
            "breaks even", "criterion"],
    "voi": ["input", "EVPPI", "share of EVPI", "sampling error"],
    "sensitivity": ["input", "gap at its 5th pct", "gap at its 95th pct", "swing"],
    "sobol": ["input", "S1", "ST", "ST 95% ±"],
    "smaa": ["option", "rank 1", "rank 2", "confidence"],
    "skills": ["option", "skill", "year 0"],
    "prices": ["criterion", "your worth per point-year", "leads at it"],
    "risk": ["option", "worst 10% (CVaR)", "P(regret)", "dominates"],
    "option_value": ["option", "worth of the option (mean)", "90% range"],
}
#: The report's charts that the run and VoI draw (their titles).
CHARTS = {"run": 4, "voi": 1}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Run the notebook once; each result's outputs by name (text/html, text/plain)."""
    folder = tmp_path_factory.mktemp("notebook")
    # A kernel spec of our own: this interpreter, whatever kernels the machine has installed.
    spec = folder / "jupyter" / "kernels" / "crossroads-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "crossroads test", "language": "python"}))
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's path warning, under -W error
    mp.setenv("JUPYTER_PATH", str(folder / "jupyter"))
    import nbformat
    from nbclient import NotebookClient

    (folder / "decision.yaml").write_text(DECISION)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    try:
        NotebookClient(nb, timeout=600, kernel_name="crossroads-test",
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        mp.undo()
    outputs: dict[str, dict[str, str]] = {}
    for name, cell in zip(["setup", *HEADERS, "said"], nb.cells, strict=True):
        for out in cell.get("outputs", []):
            if out["output_type"] == "execute_result":
                outputs[name] = dict(out["data"])
            elif out["output_type"] == "stream":
                outputs[name] = {"stdout": out["text"]}
    Path(folder / "out.ipynb").write_text(nbformat.writes(nb))
    return outputs


def _shown(sentence: str) -> str:
    """A sentence as the HTML writes it: escaped, `names` as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", html.escape(sentence))


@pytest.mark.parametrize("name", list(HEADERS))
def test_each_result_shows_its_table_and_sentences(executed: dict[str, dict[str, str]],
                                                    name: str) -> None:
    said = json.loads(executed["said"]["stdout"])
    page = executed[name]["text/html"]
    for header in HEADERS[name]:
        assert f"<th>{html.escape(header)}</th>" in page, (name, header)
    assert said[name], f"{name} says nothing"
    for sentence in said[name]:
        assert _shown(sentence) in page, (name, sentence)


@pytest.mark.parametrize("name", list(HEADERS))
def test_the_plain_repr_is_a_line_not_a_dump(executed: dict[str, dict[str, str]],
                                             name: str) -> None:
    plain = executed[name]["text/plain"]
    assert plain.startswith("<") and plain.endswith(">") and "\n" not in plain, plain
    assert len(plain) < 300 and "options=" not in plain, plain


def test_run_and_voi_draw_the_reports_charts_with_plotly_inline(
        executed: dict[str, dict[str, str]]) -> None:
    pages = {name: out["text/html"] for name, out in executed.items() if "text/html" in out}
    for name, n in CHARTS.items():
        assert pages[name].count("window.Plotly.newPlot") == n, name
        assert pages[name].count('<script type="application/json"') == n, name
    # plotly.js once, in the first output with a chart; no page loads a script from anywhere
    assert sum("window.define=undefined" in p for p in pages.values()) == 1
    assert "window.define=undefined" in pages["run"]
    for page in pages.values():  # beside plotly.js itself (its own source names URLs)
        ours = re.sub(r"<script>\(function\(\)\{if\(window\.Plotly\).*?</script>", "", page,
                      flags=re.S)
        assert "src=" not in ours and "cdn." not in ours and "http" not in ours
    assert "The value of finding out, per input" in pages["voi"]
    assert "Join the startup" in pages["run"] and "Stay at the bank" in pages["run"]


def test_the_journal_review_renders_its_checkins_and_calibration() -> None:
    from crossroads.notebook import review_html

    page = review_html({"entries": [{"id": 1, "label": "A <b>", "currency": "USD",
                                     "checkins": [{"year": 2, "cash": 47000.0,
                                                   "cash_percentile": 32.61, "role": "eng",
                                                   "p_role": 0.5254}]}],
                        "calibration": {"pit": [0.3261], "brier": 0.4505}})
    for header in ("entry", "option", "year", "pay", "percentile", "role", "P(role)"):
        assert f"<th>{header}</th>" in page
    assert "<td" in page and "A &lt;b&gt;" in page and "$47k" in page and "53%" in page
    assert "Calibration over 1 check-in: Brier score 0.451." in page
