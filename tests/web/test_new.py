"""The "new decision" form: a file from a template, opened in the editor; the refusals."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

import crossroads
from crossroads.web import Settings
from crossroads.web.starters import STARTERS
from tests.web.conftest import running

pytestmark = pytest.mark.anyio

QUESTION = 'Stay or <b>go</b>? "now"'


async def create(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    page = await client.get("/new")
    assert page.status_code == 200
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"folder": "0", "name": "stay-or-go", "question": QUESTION, "starter": "blank",
            "csrf_token": token, **fields}
    return await client.post("/new", data=form)


async def test_index_links_to_the_form(client: httpx.AsyncClient) -> None:
    assert 'href="/new"' in (await client.get("/")).text
    form = (await client.get("/new")).text
    assert 'id="new-form"' in form and 'name="csrf_token"' in form
    assert all(f'value="{key}"' in form for key in STARTERS)
    assert 'name="folder" value="0"' in form  # one folder: no choice to make


@pytest.mark.parametrize("starter", list(STARTERS))
async def test_creates_a_file_that_loads_and_runs(client: httpx.AsyncClient, folder: Path,
                                                  starter: str) -> None:
    response = await create(client, name=f"new-{starter}", starter=starter)
    assert response.status_code == 303
    assert response.headers["location"] == f"/edit/0/new-{starter}.yaml"
    path = folder / f"new-{starter}.yaml"
    model = crossroads.load(path)
    assert model.title == QUESTION
    assert len(model.options) == (1 if starter == "blank" else 2)
    result = crossroads.run(model, samples=200)
    assert result.to_dict()["verdict"]
    assert not list(folder.glob(".*.tmp"))  # the atomic write left nothing behind
    assert path.stat().st_mode & 0o777 == 0o600  # salaries: readable by the owner only
    editor = await client.get(response.headers["location"])
    assert editor.status_code == 200 and '<textarea id="text"' in editor.text
    assert "Stay or &lt;b&gt;go&lt;/b&gt;?" in editor.text  # escaped, in the editor
    assert f'href="/d/0/new-{starter}.yaml"' in (await client.get("/")).text


async def test_blank_has_one_option_one_role_and_says_what_to_fill_in(
        client: httpx.AsyncClient, folder: Path) -> None:
    assert (await create(client, name="blank.yaml")).status_code == 303  # .yaml is allowed
    text = (folder / "blank.yaml").read_text()
    assert "to fill in" in text and "# assumption" in text
    assert len(crossroads.load(folder / "blank.yaml").options) == 1
    assert "roles:" in text and text.count("      current_role:") == 1


async def test_an_existing_file_is_never_overwritten(client: httpx.AsyncClient,
                                                     folder: Path) -> None:
    before = (folder / "small.yaml").read_text()
    response = await create(client, name="small")
    assert response.status_code == 409
    assert "already exists" in response.text and 'id="new-form"' in response.text
    assert 'value="small"' in response.text  # the form keeps what was typed
    assert (folder / "small.yaml").read_text() == before


@pytest.mark.parametrize("name", ["../x", "/etc/x", "..", "sub/x", "x/../../y", ".hidden",
                                  "a b", "x.yml.yaml", "%2e%2e%2fx", "..\\x", "x\x00", ""])
async def test_names_that_are_not_a_simple_slug_are_refused(
        client: httpx.AsyncClient, folder: Path, name: str) -> None:
    files = sorted(folder.parent.rglob("*"))
    response = await create(client, name=name)
    assert response.status_code == 400, name
    assert 'id="form-error"' in response.text and "Traceback" not in response.text
    assert sorted(folder.parent.rglob("*")) == files
    assert not Path("/etc/x.yaml").exists()


async def test_a_symlink_out_of_the_folder_is_refused(client: httpx.AsyncClient,
                                                     folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    (folder / "link.yaml").symlink_to(outside)  # dangling: the name looks free
    response = await create(client, name="link")
    assert response.status_code == 400 and "not a decision file" in response.text
    assert not outside.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"folder": "1"}, "choose one of the served folders"),
    ({"folder": "-1"}, "choose one of the served folders"),
    ({"folder": "../"}, "choose one of the served folders"),
    ({"question": "   "}, "write the question"),
    ({"question": "x" * 301}, "under 300 characters"),
    ({"starter": "../examples/x"}, "choose one of the templates"),
])
async def test_other_bad_fields_are_400(client: httpx.AsyncClient, folder: Path,
                                        fields: dict[str, str], message: str) -> None:
    response = await create(client, name="fine", **fields)
    assert response.status_code == 400 and message in response.text
    assert not (folder / "fine.yaml").exists()


@pytest.mark.parametrize("question", ["\x00", "Stay\x00 or go?", "Stay \x1b[31m or go?",
                                      "Stay \x7f", "Stay \x9b", "Stay \ufffe"])
async def test_a_question_with_a_control_character_is_a_field_error(
        client: httpx.AsyncClient, folder: Path, question: str) -> None:
    response = await create(client, name="ctl", question=question)
    assert response.status_code == 400  # was 500: "crossroads made a file it cannot read"
    assert "control character" in response.text
    assert re.search(r'name="question"[^>]*aria-invalid="true"', response.text)  # at the field
    assert not (folder / "ctl.yaml").exists()


async def test_a_question_with_tabs_newlines_and_emoji_is_fine(client: httpx.AsyncClient,
                                                               folder: Path) -> None:
    response = await create(client, name="fine", question="Stay\tor\r\ngo? 🙂 ‘quoted’")
    assert response.status_code == 303
    assert crossroads.load(folder / "fine.yaml").title == "Stay or go? 🙂 ‘quoted’"


async def test_the_form_needs_the_csrf_token(client: httpx.AsyncClient, folder: Path) -> None:
    await client.get("/new")
    form = {"folder": "0", "name": "nope", "question": "Q?", "starter": "blank"}
    assert (await client.post("/new", data=form)).status_code == 403
    bad = await client.post("/new", data={**form, "csrf_token": "0" * 64})
    assert bad.status_code == 403
    assert not (folder / "nope.yaml").exists()


async def test_several_folders_offer_a_choice(settings: Settings, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    two = Settings(folders=(*settings.folders, other), db=settings.db, pool="thread")
    async with running(two) as (_app, client):
        assert 'id="f-folder"' in (await client.get("/new")).text
        response = await create(client, folder="1", name="second")
        assert response.status_code == 303
        assert response.headers["location"] == "/edit/1/second.yaml"
    crossroads.load(other / "second.yaml")


async def test_the_first_paths_numbers_meet_the_files_rails(client: httpx.AsyncClient,
                                                           folder: Path) -> None:
    response = await create(client, name="inr", currency="inr", cash="40 to 50 lakh",
                            **{"raise": "6% to 10%"})
    assert response.status_code == 303
    text = (folder / "inr.yaml").read_text()
    assert "currency: INR" in text and "_cash: 40 to 50 lakh" in text
    assert "_raise: 6% to 10%" in text
    model = crossroads.load(folder / "inr.yaml")
    assert model.currency == "INR"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"raise": "4 to 6"}, "raise",
     "raise: `raise: 4 to 6` is 400% to 600% a year (did you mean 4% to 6%?)"),
    ({"raise": "5"}, "raise", "`raise: 5` is 500% a year (did you mean 5%?)"),
    ({"cash": "-10k to 50k"}, "cash", "`cash: -10k to 50k` is below 0 in 13.6% of draws"),
    ({"cash": "180,000"}, "cash", "`180,000`: a comma does not group digits"),
    ({"cash": "120k to"}, "cash", "the estimate ends unexpectedly"),
    ({"currency": "rupees"}, "currency", "a currency is a three-letter code"),
])
async def test_a_number_off_the_rails_is_a_field_error(
        client: httpx.AsyncClient, folder: Path, fields: dict[str, str], field: str,
        message: str) -> None:
    response = await create(client, name="railed", **fields)
    assert response.status_code == 400
    assert message in response.text.replace("&#96;", "`").replace("&#39;", "'")
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', response.text)
    assert not (folder / "railed.yaml").exists()
