"""Validate, save and what-if: the JSON endpoints behind the editor and the sliders."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import numpy as np
import pytest

from crossroads.errors import DecisionError
from crossroads.web.versions import version_of
from tests.web.conftest import BROKEN, SMALL, csrf_token, post_json

pytestmark = pytest.mark.anyio


def base_of(folder: Path, path: str) -> str | None:
    """The version an editor that opened ``path`` now would send (None: no such file)."""
    try:
        return version_of((folder / path).read_bytes())
    except (OSError, ValueError):
        return None


async def test_validate_returns_line_and_column_of_each_problem(
        client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await post_json(client, "/api/validate", {"text": BROKEN}, token)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["summary"] is None
    first = body["problems"][0]
    assert (first["line"], first["column"]) == (4, 29)
    assert first["message"] == "the estimate ends unexpectedly"


async def test_validate_accepts_a_good_file(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    body = (await post_json(client, "/api/validate", {"text": SMALL}, token)).json()
    assert body == {"ok": True, "problems": [], "summary": {
        "title": "Stay or move?", "options": 2, "params": 4, "horizon": 4}}


async def test_validate_never_reads_a_path(client: httpx.AsyncClient, folder: Path) -> None:
    # crossroads.load takes a one-line "x.yaml" for a path; the editor's text never is.
    token = await csrf_token(client)
    body = (await post_json(client, "/api/validate", {"text": str(folder / "small.yaml")},
                            token)).json()
    assert body["ok"] is False and "no such file" not in str(body)


async def test_save_writes_a_valid_file_atomically(client: httpx.AsyncClient,
                                                   folder: Path) -> None:
    token = await csrf_token(client)
    text = SMALL.replace("Stay or move?", "Stay, move or wait?")
    response = await post_json(client, "/api/save",
                               {"folder": 0, "path": "small.yaml", "text": text,
                                "base": base_of(folder, "small.yaml")}, token)
    assert response.status_code == 200, response.text
    assert response.json()["url"] == "/d/0/small.yaml"
    assert (folder / "small.yaml").read_text() == text
    assert sorted(p.name for p in folder.iterdir()) == ["broken.yaml", "founding.yaml",
                                                        "small.yaml"]  # no temp file left
    assert "Stay, move or wait?" in (await client.get("/d/0/small.yaml")).text


async def test_save_creates_a_new_file_inside_the_folder(client: httpx.AsyncClient,
                                                         folder: Path) -> None:
    token = await csrf_token(client)
    response = await post_json(client, "/api/save",
                               {"folder": 0, "path": "new.yml", "text": SMALL,
                                "base": base_of(folder, "new.yml")}, token)
    assert response.status_code == 200
    assert (folder / "new.yml").read_text() == SMALL


async def test_save_refuses_invalid_text(client: httpx.AsyncClient, folder: Path) -> None:
    token = await csrf_token(client)
    before = (folder / "small.yaml").read_text()
    response = await post_json(client, "/api/save",
                               {"folder": 0, "path": "small.yaml", "text": BROKEN,
                                "base": base_of(folder, "small.yaml")}, token)
    assert response.status_code == 422
    assert response.json()["problems"][0]["line"] == 4
    assert (folder / "small.yaml").read_text() == before


@pytest.mark.parametrize("path", [
    "../outside.yaml", "sub/../../outside.yaml", "/tmp/outside.yaml", ".hidden.yaml",
    "small.py", "nodir/x.yaml", "a\\..\\..\\b.yaml", "link/escape.yaml", "bad\x00.yaml"])
async def test_save_refuses_paths_outside_the_folders(client: httpx.AsyncClient,
                                                      folder: Path, tmp_path: Path,
                                                      path: str) -> None:
    (folder / "link").symlink_to(tmp_path)  # a symlink pointing out of the folder
    token = await csrf_token(client)
    response = await post_json(client, "/api/save",
                               {"folder": 0, "path": path, "text": SMALL,
                                "base": base_of(folder, path)}, token)
    assert response.status_code == 403, response.text
    assert not (tmp_path / "outside.yaml").exists() and not (tmp_path / "escape.yaml").exists()


@pytest.mark.parametrize(("path", "message"), [
    ("plans.yaml", "'plans.yaml' is a folder, not a decision file"),
    ("plans.yaml/inner.yaml", None),  # the file inside the folder is fine
    ("a" * 300 + ".yaml", "file name too long"),
    ("sub/" + "b" * 251 + ".yml", None)])  # 255 bytes: the longest name, and its temp file
async def test_save_refuses_a_folder_or_an_impossible_name_and_harms_nothing(
        client: httpx.AsyncClient, folder: Path, path: str, message: str | None) -> None:
    (folder / "plans.yaml").mkdir()  # a folder that looks like a decision file
    (folder / "plans.yaml" / "inner.yaml").write_text(SMALL)
    (folder / "sub").mkdir()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    token = await csrf_token(client)
    text = SMALL.replace("Stay or move?", "Overwritten?")
    response = await post_json(client, "/api/save",
                               {"folder": 0, "path": path, "text": text,
                                "base": base_of(folder, path)}, token)
    if message is None:
        assert response.status_code == 200
        assert (folder / path).read_text() == text
        return
    assert response.status_code == 403, response.text  # was 500 (os.replace, ENAMETOOLONG)
    assert message in response.json()["error"]
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert (folder / "plans.yaml").is_dir() and not list(folder.rglob("*.tmp"))
    page = await client.get(f"/d/0/{path}")
    assert page.status_code == 404  # was 500 for the long name: is_file() raised


async def test_save_refuses_an_unknown_folder(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await post_json(client, "/api/save",
                               {"folder": 3, "path": "x.yaml", "text": SMALL, "base": None},
                               token)
    assert response.status_code == 403


async def test_save_keeps_the_file_mode(client: httpx.AsyncClient, folder: Path) -> None:
    os.chmod(folder / "small.yaml", 0o600)
    token = await csrf_token(client)
    await post_json(client, "/api/save", {"folder": 0, "path": "small.yaml", "text": SMALL,
                                "base": base_of(folder, "small.yaml")},
                    token)
    assert (folder / "small.yaml").stat().st_mode & 0o777 == 0o600


async def _whatif(client: httpx.AsyncClient, token: str, **overrides: float) -> httpx.Response:
    return await post_json(client, "/api/whatif/0/small.yaml", {"overrides": overrides}, token)


async def test_whatif_moves_the_numbers_with_the_slider(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    low = (await _whatif(client, token, multiple=0.6)).json()
    high = (await _whatif(client, token, multiple=0.9)).json()
    move_low = low["result"]["options"]["move"]["npv"]["mean"]
    move_high = high["result"]["options"]["move"]["npv"]["mean"]
    assert move_high / move_low == pytest.approx(1.5, rel=0.02)  # cash scales with `multiple`
    stay = [r["result"]["options"]["stay"]["npv"]["mean"] for r in (low, high)]
    assert stay[0] == stay[1]  # same seed: the other option's draws do not move
    assert low["rows"][1]["npv"] != high["rows"][1]["npv"]
    assert low["samples"] == 2000 and low["overrides"] == {"multiple": 0.6}


async def test_whatif_reports_server_timing_and_caches(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    first = await _whatif(client, token, bump=1.3)
    assert "run;dur=" in first.headers["server-timing"]
    assert first.json()["cached"] is False and first.json()["run_ms"] > 0
    again = (await _whatif(client, token, bump=1.3)).json()
    assert again["cached"] is True
    assert again["result"] == first.json()["result"]
    assert [c["id"] for c in again["charts"]][:2] in (["value", "npv"], [])


@pytest.mark.parametrize(("body", "status"), [
    ({"overrides": {"no_such": 1.0}}, 422),
    ({"overrides": {"multiple": "NaN"}}, 422),
    ({"overrides": {"multiple": "Infinity"}}, 422),
    ({"overrides": {"multiple": "high"}}, 422),
    ({"overrides": []}, 422),
])
async def test_whatif_refuses_bad_overrides(client: httpx.AsyncClient, body: dict,
                                            status: int) -> None:
    token = await csrf_token(client)
    response = await post_json(client, "/api/whatif/0/small.yaml", body, token)
    assert response.status_code == status
    assert "error" in response.json()


@pytest.mark.parametrize("raw", [
    '{"multiple": NaN}', '{"multiple": -Infinity}', '{"multiple": 1e308}',
    '{"multiple": -1e300}', '{"multiple": true}', '{"multiple": "0.7"}',
    '{"p_promo": 1.5}', '{"p_promo": -0.01}'])
async def test_whatif_refuses_a_pin_that_is_no_usable_number_and_names_it(
        client: httpx.AsyncClient, raw: str) -> None:
    # Raw JSON: Python's json would not write NaN for a browser either, but a script might.
    token = await csrf_token(client)
    response = await client.post("/api/whatif/0/small.yaml",
                                 content=f'{{"overrides": {raw}}}'.encode(),
                                 headers={"X-CSRF-Token": token,
                                          "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    name = raw.split('"')[1]
    assert name in response.json()["error"]


async def test_whatif_accepts_a_probability_pinned_at_its_ends(
        client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    never, always = [(await _whatif(client, token, p_promo=p)).json() for p in (0.0, 1.0)]
    assert never["overrides"] == {"p_promo": 0.0} and always["overrides"] == {"p_promo": 1.0}
    assert (never["result"]["options"]["move"]["npv"]["mean"]
            < always["result"]["options"]["move"]["npv"]["mean"])


COMPOUNDING = """\
decision: Compounding
horizon: 40
params:
  growth: 3% to 8%
options:
  a:
    roles: {r: {cash: 100k}}
  b:
    roles: {r: {cash: 90k, raise: growth}}
"""


async def test_whatif_refuses_a_pin_outside_the_params_range_naming_it(
        client: httpx.AsyncClient, folder: Path) -> None:
    (folder / "compounding.yaml").write_text(COMPOUNDING)
    token = await csrf_token(client)
    for value in (1e12, -5.0):  # the issue: a multiplier of 1e15 or -5 showed "$3.82e+14M"
        response = await post_json(client, "/api/whatif/0/compounding.yaml",
                                   {"overrides": {"growth": value}}, token)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["param"] == "growth"
        assert body["error"].startswith("growth: pin it between 0.0195 and 0.123")
    fine = await post_json(client, "/api/whatif/0/compounding.yaml",
                           {"overrides": {"growth": 0.1}}, token)
    assert fine.status_code == 200


@pytest.mark.parametrize("pins", [{"growth": -5.0}, {"growth": 1e12}, {"growth": 2e15},
                                  {"no_such": 1.0}])
async def test_whatif_and_the_library_refuse_a_pin_with_the_same_words(
        client: httpx.AsyncClient, folder: Path, pins: dict) -> None:
    import crossroads
    from crossroads.model.pins import BadPin

    (folder / "compounding.yaml").write_text(COMPOUNDING)
    token = await csrf_token(client)
    response = await post_json(client, "/api/whatif/0/compounding.yaml",
                               {"overrides": pins}, token)
    assert response.status_code == 422, response.text
    with pytest.raises(BadPin) as caught:
        crossroads.run(crossroads.load(COMPOUNDING), samples=100, overrides=pins)
    assert response.json() == {"error": str(caught.value), "param": caught.value.param}


def test_pin_range_is_the_central_998_per_mille() -> None:
    from scipy import stats

    from crossroads import load
    from crossroads.web.whatif import pin_range

    dist = load(COMPOUNDING).params["growth"].expr.as_dist()
    lo, hi = pin_range(dist)
    # "3% to 8%" is a normal-scale 90% interval: check against the fitted quantiles
    assert float(dist.cdf(np.array([lo]))[0]) == pytest.approx(0.001, rel=1e-6)
    assert float(dist.cdf(np.array([hi]))[0]) == pytest.approx(0.999, rel=1e-6)
    assert stats.norm.ppf(0.999) > stats.norm.ppf(0.95)


async def test_whatif_failing_only_when_pinned_names_the_param_never_the_servers_path(
        client: httpx.AsyncClient, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Within the pin range an overflow is rare, but the core may still refuse a pinned run
    # (the issue: "the file has problems" and the server's full path for an overflow).
    from crossroads import api

    real = api.run

    def fails_when_pinned(model: object, **kw: object) -> object:
        if kw.get("overrides"):
            raise DecisionError(str(folder / "small.yaml"), 9, 15,
                                "this estimate is not a finite number in 100% of draws")
        return real(model, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("crossroads.api.run", fails_when_pinned)
    token = await csrf_token(client)
    response = await _whatif(client, token, multiple=0.7)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["param"] == "multiple"
    assert body["error"].startswith("the run fails with multiple = 0.7 pinned: this estimate")
    assert str(folder) not in response.text and "the file has problems" not in response.text


async def test_whatif_never_answers_with_nan(client: httpx.AsyncClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    class Overflowed:
        def to_dict(self) -> dict:
            return {"options": {"move": {"npv": {"mean": float("inf"), "p5": float("nan")}}}}

    monkeypatch.setattr("crossroads.api.run", lambda model, **_: Overflowed())
    token = await csrf_token(client)
    response = await _whatif(client, token, multiple=0.65)
    assert response.status_code == 422  # was a 500: NaN is not JSON
    assert response.json()["error"].startswith("the numbers overflow with multiple = 0.65")


async def test_whatif_returns_an_error_raised_by_the_run_as_problems(
        client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # Correlations no draws can have were found only by `run`, in the worker: a 500 then,
    # and in a process pool the DecisionError failed to unpickle and broke the pool.
    def impossible(model: object, **_: object) -> None:
        raise DecisionError("small.yaml", 9, 15, "the correlations are impossible together")

    monkeypatch.setattr("crossroads.api.run", impossible)
    token = await csrf_token(client)
    response = await _whatif(client, token, multiple=0.7)
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"] == "the correlations are impossible together"

    def bug(model: object, **_: object) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr("crossroads.api.run", bug)
    response = await _whatif(client, token, multiple=0.8)
    assert response.status_code == 422
    message = response.json()["problems"][0]["message"]
    assert message == "crossroads failed to run this file (ZeroDivisionError)"
    monkeypatch.undo()
    assert (await _whatif(client, token, multiple=0.75)).status_code == 200


async def test_whatif_on_a_broken_file_returns_its_problems(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await post_json(client, "/api/whatif/0/broken.yaml", {"overrides": {}}, token)
    assert response.status_code == 422
    assert response.json()["problems"][0]["line"] == 4


# ------------------------------------------------------------- no lost work ------------

async def test_a_stale_save_is_refused_with_the_current_text(client: httpx.AsyncClient,
                                                             folder: Path) -> None:
    token = await csrf_token(client)
    opened = base_of(folder, "small.yaml")  # two tabs open the file
    mine = SMALL.replace("Stay or move?", "Tab one")
    theirs = SMALL.replace("Stay or move?", "Tab two")
    first = await post_json(client, "/api/save", {"folder": 0, "path": "small.yaml",
                                                  "text": mine, "base": opened}, token)
    assert first.status_code == 200 and first.json()["version"] == version_of(mine)
    second = await post_json(client, "/api/save", {"folder": 0, "path": "small.yaml",
                                                   "text": theirs, "base": opened}, token)
    assert second.status_code == 409
    body = second.json()
    assert body["conflict"] is True and body["current"] == mine
    assert body["version"] == version_of(mine) and "changed since you opened it" in body["error"]
    assert (folder / "small.yaml").read_text() == mine  # nothing lost
    # "Overwrite": a conscious choice, sent with the version the page has just shown
    again = await post_json(client, "/api/save", {"folder": 0, "path": "small.yaml",
                                                  "text": theirs, "base": body["version"]},
                            token)
    assert again.status_code == 200 and (folder / "small.yaml").read_text() == theirs


async def test_a_new_file_is_not_saved_over_one_created_meanwhile(
        client: httpx.AsyncClient, folder: Path) -> None:
    token = await csrf_token(client)
    (folder / "fresh.yaml").write_text(SMALL)  # someone else created it first
    response = await post_json(client, "/api/save", {"folder": 0, "path": "fresh.yaml",
                                                     "text": BROKEN.replace("10k to ", "1"),
                                                     "base": None}, token)
    assert response.status_code in (409, 422)
    assert (folder / "fresh.yaml").read_text() == SMALL
    deleted = await post_json(client, "/api/save", {"folder": 0, "path": "gone.yaml",
                                                    "text": SMALL, "base": "0" * 16}, token)
    assert deleted.status_code == 409 and "deleted" in deleted.json()["error"]
    assert not (folder / "gone.yaml").exists()


async def test_concurrent_saves_from_one_version_let_exactly_one_through(
        client: httpx.AsyncClient, folder: Path) -> None:
    """Twelve tabs save different texts at once, all from the same version: one wins,
    eleven get 409, and the file holds the winner's text whole."""
    import asyncio

    token = await csrf_token(client)
    opened = base_of(folder, "small.yaml")
    texts = [SMALL.replace("Stay or move?", f"Tab {i}") for i in range(12)]
    answers = await asyncio.gather(*(
        post_json(client, "/api/save", {"folder": 0, "path": "small.yaml", "text": t,
                                        "base": opened}, token) for t in texts))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * 11, codes
    [winner] = [t for t, a in zip(texts, answers, strict=True) if a.status_code == 200]
    assert (folder / "small.yaml").read_text() == winner
    assert all(a.json()["current"] == winner for a in answers if a.status_code == 409)
