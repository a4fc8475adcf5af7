"""Validate, save and what-if: the JSON endpoints behind the editor and the sliders."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from crossroads.model.errors import DecisionError
from tests.web.conftest import BROKEN, SMALL, csrf_token, post_json

pytestmark = pytest.mark.anyio


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
                               {"folder": 0, "path": "small.yaml", "text": text}, token)
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
                               {"folder": 0, "path": "new.yml", "text": SMALL}, token)
    assert response.status_code == 200
    assert (folder / "new.yml").read_text() == SMALL


async def test_save_refuses_invalid_text(client: httpx.AsyncClient, folder: Path) -> None:
    token = await csrf_token(client)
    before = (folder / "small.yaml").read_text()
    response = await post_json(client, "/api/save",
                               {"folder": 0, "path": "small.yaml", "text": BROKEN}, token)
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
                               {"folder": 0, "path": path, "text": SMALL}, token)
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
                               {"folder": 0, "path": path, "text": text}, token)
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
                               {"folder": 3, "path": "x.yaml", "text": SMALL}, token)
    assert response.status_code == 403


async def test_save_keeps_the_file_mode(client: httpx.AsyncClient, folder: Path) -> None:
    os.chmod(folder / "small.yaml", 0o600)
    token = await csrf_token(client)
    await post_json(client, "/api/save", {"folder": 0, "path": "small.yaml", "text": SMALL},
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


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy says so as it overflows
async def test_whatif_refuses_a_pin_whose_run_overflows(client: httpx.AsyncClient,
                                                        folder: Path) -> None:
    (folder / "compounding.yaml").write_text(COMPOUNDING)
    token = await csrf_token(client)
    response = await post_json(client, "/api/whatif/0/compounding.yaml",
                               {"overrides": {"growth": 1e12}}, token)  # 100k * 1e12 ** 39: inf
    assert response.status_code == 422, response.text
    body = response.json()
    if "problems" in body:  # the core refuses such cash itself when it runs
        assert "not a finite number" in body["problems"][0]["message"]
    else:  # the worker finds NaN or infinities in the result
        assert "overflow" in body["error"] and "growth = 1e+12" in body["error"]
    fine = await post_json(client, "/api/whatif/0/compounding.yaml",
                           {"overrides": {"growth": 0.1}}, token)
    assert fine.status_code == 200


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
