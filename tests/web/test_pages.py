"""Every page renders, escapes what users wrote, and says what is wrong when a file is."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import SMALL, csrf_token

pytestmark = pytest.mark.anyio

PAGES = [
    "/",
    "/d/0/small.yaml",
    "/d/0/broken.yaml",
    "/edit/0/small.yaml",
    "/edit/0/broken.yaml",
    "/research",
    "/research/new",
    "/new",
    "/market",
    "/market?title=Data+Scientist&level=SE&country=US",
    "/market?title=Data+Scientst",
]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_renders(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert '<meta name="csrf-token"' in response.text
    assert "<script>" not in response.text  # inline scripts would break the CSP


async def test_index_lists_files_with_titles_and_problems(client: httpx.AsyncClient) -> None:
    text = (await client.get("/")).text
    assert 'href="/d/0/small.yaml"' in text and "Stay or move?" in text
    assert "Leave the ML lead track for platform engineering?" in text
    assert "broken.yaml:4:" in text  # the first problem of the broken file, located


async def test_dashboard_shows_numbers_sliders_and_escapes_labels(
        client: httpx.AsyncClient) -> None:
    text = (await client.get("/d/0/small.yaml")).text
    assert "Stay &lt;b&gt;put&lt;/b&gt;" in text and "<b>put</b>" not in text
    for name in ("multiple", "p_promo", "bump"):
        assert f'id="s-{name}"' in text
    assert 'id="s-pay_now"' not in text  # a constant has nothing to slide
    assert 'data-option="move"' in text and "2,000 draws" in text


async def test_broken_file_page_points_at_the_line(client: httpx.AsyncClient) -> None:
    text = (await client.get("/d/0/broken.yaml")).text
    assert "The file has problems" in text and "line 4, column" in text


async def test_editor_holds_the_file_escaped(client: httpx.AsyncClient) -> None:
    text = (await client.get("/edit/0/small.yaml")).text
    assert "label: Stay &lt;b&gt;put&lt;/b&gt;" in text
    assert '<textarea id="text"' in text


@pytest.mark.parametrize("path", ["/d/0/nope.yaml", "/d/7/small.yaml", "/edit/0/%2e%2e/x.yaml",
                                  "/d/0/..%2f..%2fetc%2fx.yaml",
                                  "/d/0/.hidden.yaml", "/edit/0/small.txt"])
async def test_missing_or_outside_files_are_404(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


async def test_index_lists_no_symlink_that_points_out_of_the_folder(
        client: httpx.AsyncClient, folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.yaml").write_text(SMALL.replace("Stay or move?", "Secret plans"))
    (folder / "link.yaml").symlink_to(elsewhere / "secret.yaml")
    (folder / "out").symlink_to(elsewhere)  # a folder link: out/secret.yaml
    (folder / "alias.yaml").symlink_to(folder / "small.yaml")  # stays inside: listed
    text = (await client.get("/")).text
    assert "Secret plans" not in text and "link.yaml" not in text and "out/" not in text
    assert 'href="/d/0/alias.yaml"' in text and 'href="/d/0/small.yaml"' in text
    assert (await client.get("/d/0/link.yaml")).status_code == 404


async def test_market_page_shows_figures_and_warnings(client: httpx.AsyncClient) -> None:
    text = (await client.get("/market?title=Data+Scientist&level=SE&country=SG")).text
    assert 'id="m-median"' in text or 'id="market-error"' in text
    text = (await client.get("/market?title=Data+Scientist&level=SE&country=US")).text
    assert 'id="m-n"' in text and 'id="m-p10"' in text and 'id="m-p90"' in text
    typo = (await client.get("/market?title=Data+Scientst")).text
    assert "did you mean" in typo


async def _report(client: httpx.AsyncClient, path: str, **form: str) -> httpx.Response:
    """The dashboard's report form, posted without a script (it waits for the file)."""
    token = await csrf_token(client)
    return await client.post(f"/report/0/{path}", data={"csrf_token": token, **form})


async def test_a_report_downloads_and_a_broken_file_is_a_422(
        client: httpx.AsyncClient) -> None:
    response = await _report(client, "small.yaml")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="small-report.html"'
    assert "Stay or move?" in response.text
    assert (await _report(client, "broken.yaml")).status_code == 422


async def test_a_report_is_never_started_by_a_link(client: httpx.AsyncClient) -> None:
    # the issue: another site could start a minutes-long report with a plain link (GET)
    assert (await client.get("/report/0/small.yaml")).status_code == 405
    no_csrf = await client.post("/report/0/small.yaml", data={})
    assert no_csrf.status_code == 403


async def test_report_with_too_many_samples_blames_the_query_not_the_file(
        client: httpx.AsyncClient, folder: Path) -> None:
    response = await _report(client, "small.yaml", samples="1000000000")
    assert response.status_code == 413  # TooManySamples: the request, not the file
    text = html.unescape(response.text)
    found = re.search(r"1,000,000,000 samples is more than this decision's report fits in "
                      r"memory: use at most ([\d,]+)", text)
    assert found, text
    most = int(found.group(1).replace(",", ""))
    from crossroads import load
    from crossroads.engine import budget

    # the refusal's own count (TooManySamples.most), no longer read back out of its hint
    assert most == budget.most(load(folder / "small.yaml"), "report")
    assert 100 < most < 1_000_000_000
    assert "fix the file" not in text and str(folder) not in text
    broken = html.unescape((await _report(client, "broken.yaml", samples="500")).text)
    assert "fix the file first: broken.yaml:4:29: the estimate ends unexpectedly" in broken
    assert str(folder) not in broken


async def test_plotly_is_served_locally_and_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"  # httpx asks for gzip
    assert b"plotly.js" in response.content[:200]
    again = await client.get("/static/plotly.min.js",
                             headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_csrf_token_is_stable_within_a_session(client: httpx.AsyncClient) -> None:
    assert await csrf_token(client) == await csrf_token(client, "/")
