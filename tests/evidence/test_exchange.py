"""CSV and JSON of the research log: exact round trips and row-and-column errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.evidence.exchange import (
    RecordError,
    format_csv,
    format_json,
    guess_format,
    parse_csv,
    parse_json,
)
from crossroads.evidence.research import Conversation

LOG = [
    Conversation("Zoë Ødegård", 12, market="SG", stage="series-b", size="50-250",
                 role="Engineering Manager, Platform", date=dt.date(2024, 2, 29),
                 notes='She said: "it depends",\nthen, later:\r\n\tpick the team. 日本語 ✓  ',
                 estimates={"p_em": "30% to 50%", "half_life_ml": "3 to 6"},
                 stances={"em_track_open": "agree", "ml.decays-fast": "unsure"}),
    Conversation("bo", 30, market="US", estimates={"p_em": "20% to 40%"}),
    Conversation("cy", 0, notes=",,,\n\n\"\""),
]


def test_csv_round_trip_is_exact() -> None:
    text = format_csv(LOG)
    assert parse_csv(text) == LOG
    assert format_csv(parse_csv(text)) == text


def test_json_round_trip_is_exact() -> None:
    text = format_json(LOG)
    assert parse_json(text) == LOG
    assert format_json(parse_json(text)) == text
    assert "Zoë" in text  # UTF-8 as is, not \\u escapes


def test_csv_and_json_carry_the_same_fields() -> None:
    assert parse_json(format_json(parse_csv(format_csv(LOG)))) == LOG
    assert format_csv(parse_json(format_json(LOG))) == format_csv(LOG)


def test_csv_layout() -> None:
    lines = format_csv(LOG[1:2]).splitlines()
    assert lines == ["person,years,market,stage,size,role,date,notes,estimate:p_em",
                     "bo,30,US,,,,,,20% to 40%"]


def test_csv_from_a_spreadsheet() -> None:
    text = ("\ufeffPerson, Years ,Market,estimate:p_em,stance:em_track_open\r\n"
            "ana,12,sg,30% to 50%,Agree\r\n,,,,\r\nbo,3,,,\r\n")
    assert parse_csv(text) == [
        Conversation("ana", 12, market="SG", estimates={"p_em": "30% to 50%"},
                     stances={"em_track_open": "agree"}),
        Conversation("bo", 3)]


def test_empty_log_round_trips() -> None:
    assert parse_csv(format_csv([])) == [] and parse_json(format_json([])) == []


def test_json_accepts_a_bare_list() -> None:
    assert parse_json('[{"person": "bo", "years": 3}]') == [Conversation("bo", 3)]


@pytest.mark.parametrize("text, expected", [
    ("person,years,market,estimate:p_em\nana,12,SG,30% to 50%\nbo,7,US,1 to 2\n"
     "cy,ten,GB,\n",
     ["people.csv:4:years: expected a whole number of years, got 'ten'"]),
    ("person,years,estimate:p_em\nana,12,30% too 50%\n,3,\n",
     ["people.csv:2:estimate:p_em: cannot read estimate '30% too 50%'",
      "people.csv:3:person: missing: every conversation needs a person"]),
    ('person,years,notes\nana,1,"two\nlines"\nbo,x,\n',
     ["people.csv:3:years: expected a whole number of years, got 'x'"]),
    ("person,years,date\nana,1,2024-02-30\n", ["people.csv:2:date: not a calendar date"]),
    ("person,years\nana,1,extra\n", ["people.csv:2:3: expected 2 fields as in the header"]),
    ("person,years,market\nana,1\n", ["people.csv:2:market: expected 3 fields"]),
    ("person,yrs\n", ["people.csv:1:yrs: unknown column 'yrs'",
                      "people.csv:1:years: missing column 'years'"]),
    ("person,years,person\n", ["people.csv:1:person: column 'person' appears twice"]),
    ("", ["people.csv:1:person: the file is empty"]),
    ("person,years,stance:em\nana,1,perhaps\n",
     ["people.csv:2:stance:em: expected agree, disagree or unsure, got 'perhaps'"]),
])
def test_csv_errors_name_row_and_column(text: str, expected: list[str]) -> None:
    with pytest.raises(RecordError) as info:
        parse_csv(text, source="people.csv")
    lines = info.value.format_all().splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start)


@pytest.mark.parametrize("text, expected", [
    ('{"version": 1, "conversations": [{"person": "a", "years": 1}, '
     '{"person": "b", "years": "ten"}]}',
     "people.json:2:years: expected a whole number of years, got 'ten'"),
    ('[{"person": "a", "years": 1, "estimates": {"p": "1 to"}}]',
     "people.json:1:estimate:p: cannot read estimate '1 to'"),
    ('[{"person": "a", "years": 1, "estimates": ["p"]}]',
     "people.json:1:estimates: expected a mapping"),
    ("[1]", "people.json:1:conversation: expected an object, got 1"),
    ('{"people": []}', "people.json:1:people: expected"),
    ('{"version": 2, "conversations": []}', "people.json:1:conversations: expected"),
    ('"text"', "people.json:1:conversations: expected a list"),
    ('{\n  "conversations": [,]\n}', "people.json:2:21: invalid JSON"),
])
def test_json_errors_name_entry_and_field(text: str, expected: str) -> None:
    with pytest.raises(RecordError) as info:
        parse_json(text, source="people.json")
    assert info.value.format().startswith(expected)


def test_many_bad_rows_report_at_most_twenty() -> None:
    text = "person,years\n" + "".join(f"p{k},x\n" for k in range(100))
    with pytest.raises(RecordError) as info:
        parse_csv(text, source="p.csv")
    assert len(info.value.problems) == 20


@pytest.mark.parametrize("name, fmt", [("a.json", "json"), ("A.JSON", "json"),
                                        ("a.csv", "csv"), ("a.txt", "csv")])
def test_guess_format(name: str, fmt: str) -> None:
    assert guess_format(name) == fmt


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40)
_word = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
_estimate = st.sampled_from(["1 to 2", "30% to 50%", "160k", "normal(0, 1)", "pert(1, 2, 4)"])
_conversations = st.builds(
    Conversation,
    person=st.from_regex(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .,'-]{0,20}", fullmatch=True),
    years=st.integers(0, 80),
    market=st.none() | st.sampled_from(["SG", "US", "EU", "Remote EU"]),
    stage=st.none() | st.sampled_from(["seed", "series-b", "big-tech"]),
    size=st.none() | st.sampled_from(["1-10", "50-250, remote"]),
    role=st.none() | _text.filter(lambda s: "\n" not in s),
    date=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
    notes=_text,
    estimates=st.dictionaries(_word, _estimate, max_size=3),
    stances=st.dictionaries(_word, st.sampled_from(["agree", "disagree", "unsure"]),
                            max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_conversations, max_size=4))
def test_any_log_round_trips_through_csv_and_json(log: list[Conversation]) -> None:
    assert parse_csv(format_csv(log)) == log
    assert parse_json(format_json(log)) == log
    assert json.loads(format_json(log))["version"] == 1
