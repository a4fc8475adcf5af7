"""The research log pages: add, edit, delete through the store, coverage, form errors."""

from __future__ import annotations

import re

import httpx
import pytest

from crossroads.store import list_conversations, transaction
from crossroads.web import Settings
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.anyio

ANA = {"person": "ana", "years": "12", "market": "sg", "stage": "Series B",
       "role": "VP Engineering", "date": "2024-03-01", "notes": "says <EM> is a coin flip",
       "estimates": "p_em = 30% to 50%\nhalf_life_ml: 3 to 6", "stances": "em_track_open = agree"}


def _log(settings: Settings) -> dict:
    with transaction(settings.db) as conn:
        return list_conversations(conn)


async def _add(client: httpx.AsyncClient, form: dict[str, str]) -> httpx.Response:
    token = await csrf_token(client, "/research/new")
    return await client.post("/research", data={**form, "csrf_token": token})


async def test_add_shows_in_the_table_and_the_store(client: httpx.AsyncClient,
                                                   settings: Settings) -> None:
    response = await _add(client, ANA)
    [(cid, conv)] = _log(settings).items()
    assert response.status_code == 303
    assert response.headers["location"] == f"/research?added={cid}#c{cid}"
    confirmed = (await client.get(response.headers["location"])).text
    assert f"Added conversation #{cid} with ana." in confirmed
    assert (conv.person, conv.years, conv.market, conv.stage) == ("ana", 12, "SG", "series-b")
    assert dict(conv.estimates) == {"p_em": "30% to 50%", "half_life_ml": "3 to 6"}
    assert dict(conv.stances) == {"em_track_open": "agree"}
    page = (await client.get("/research")).text
    assert "says &lt;EM&gt; is a coin flip" in page and "<EM>" not in page
    assert f'href="/research/{cid}/edit"' in page
    assert 'id="coverage"' in page and "series-b" in page
    assert "1 conversation logged" in (await client.get("/")).text


async def test_edit_replaces_the_conversation(client: httpx.AsyncClient,
                                             settings: Settings) -> None:
    await _add(client, ANA)
    [cid] = _log(settings)
    form = (await client.get(f"/research/{cid}/edit")).text
    assert 'value="ana"' in form and "p_em = 30% to 50%" in form
    token = await csrf_token(client, f"/research/{cid}/edit")
    response = await client.post(f"/research/{cid}", data={
        **ANA, "years": "15", "estimates": "p_em = 40%", "csrf_token": token,
        "version": _version(form)})
    assert response.status_code == 303
    assert response.headers["location"] == f"/research?saved={cid}#c{cid}"
    conv = _log(settings)[cid]
    assert conv.years == 15 and dict(conv.estimates) == {"p_em": "40%"}
    assert f"Saved conversation #{cid} with ana." in (await client.get("/research?saved="
                                                                        f"{cid}")).text


def _version(form_html: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]{16})"', form_html)
    assert found, form_html[:400]
    return found.group(1)


async def test_a_stale_edit_is_refused_with_both_versions_and_can_overwrite(
        client: httpx.AsyncClient, settings: Settings) -> None:
    # Two tabs open the same conversation; the first saves; the second must not wipe it out.
    await _add(client, ANA)
    [cid] = _log(settings)
    token = await csrf_token(client, "/research")
    tab_a = _version((await client.get(f"/research/{cid}/edit")).text)
    tab_b = tab_a
    first = await client.post(f"/research/{cid}", data={
        **ANA, "years": "15", "csrf_token": token, "version": tab_a})
    assert first.status_code == 303
    second = await client.post(f"/research/{cid}", data={
        **ANA, "years": "20", "notes": "tab b", "csrf_token": token, "version": tab_b})
    assert second.status_code == 409
    assert _log(settings)[cid].years == 15  # the first save stands
    page = second.text
    assert 'id="conflict"' in page and "Overwrite with mine" in page
    assert f'href="/research/{cid}/edit"' in page  # discard mine, load theirs
    assert '<td class="pre">20</td><td class="pre">15</td>' in page  # yours | in the log
    assert 'value="20"' in page and "tab b" in page  # what tab b typed is kept
    overwrite = await client.post(f"/research/{cid}", data={
        **ANA, "years": "20", "notes": "tab b", "csrf_token": token,
        "version": _version(page)})  # the conscious choice: the version just shown
    assert overwrite.status_code == 303
    assert _log(settings)[cid].years == 20


async def test_bad_fields_come_back_with_the_message(client: httpx.AsyncClient,
                                                    settings: Settings) -> None:
    for field, value, words in [("years", "ten", "years"),
                                ("estimates", "p_em = 30% to", "estimate:p_em"),
                                ("estimates", "just words", "line 1"),
                                ("stances", "em_track_open = maybe", "stance")]:
        response = await _add(client, {**ANA, field: value})
        assert response.status_code == 422, field
        assert words in response.text and 'aria-invalid="true"' in response.text
        assert 'value="ana"' in response.text  # what was typed is kept
    assert _log(settings) == {}


async def test_delete_removes_it(client: httpx.AsyncClient, settings: Settings) -> None:
    await _add(client, ANA)
    [cid] = _log(settings)
    token = await csrf_token(client, "/research")
    response = await client.post(f"/research/{cid}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert _log(settings) == {}
    assert f"Deleted conversation #{cid}." in (await client.get(response.headers["location"])).text
    missing = await client.post(f"/research/{cid}/delete", data={"csrf_token": token})
    assert missing.status_code == 404
    assert (await client.get(f"/research/{cid}/edit")).status_code == 404


async def test_research_params_are_recompiled_after_a_write(client: httpx.AsyncClient,
                                                            folder) -> None:
    (folder / "pooled.yaml").write_text(
        "decision: Pooled\nhorizon: 2\nsamples: 2000\nseed: 1\n"
        "params:\n  p_em: research(p_em)\n"
        "options:\n  a:\n    roles: {r: {cash: 100k * p_em}}\n")
    before = (await client.get("/d/0/pooled.yaml")).text
    assert "The file has problems" in before  # nobody has estimated p_em yet
    await _add(client, ANA)
    after = (await client.get("/d/0/pooled.yaml")).text
    assert "The file has problems" not in after and 'id="s-p_em"' in after


@pytest.mark.parametrize("cid", ["99999999999999999999", "-99999999999999999999",
                                 str(2**63), "9223372036854775807", "0"])
async def test_an_id_no_database_holds_is_404(client: httpx.AsyncClient,
                                             settings: Settings, cid: str) -> None:
    await _add(client, ANA)  # the log exists, with one conversation
    token = await csrf_token(client, "/research")
    assert (await client.get(f"/research/{cid}/edit")).status_code == 404  # was 500
    update = await client.post(f"/research/{cid}", data={**ANA, "csrf_token": token})
    assert update.status_code == 404
    delete = await client.post(f"/research/{cid}/delete", data={"csrf_token": token})
    assert delete.status_code == 404 and "no conversation with id" in delete.text
    assert len(_log(settings)) == 1
