"""The fuzzer's judgement of a response: data or a coded error pass, a fault does not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fuzz.oracle import fault

CODED = {"message": "Only clinic staff may do this.", "path": ["patients"]}


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"clinic": {"name": "Lindenhof"}}},
        {"data": None, "errors": [{**CODED, "extensions": {"code": "NOT_ALLOWED"}}]},
        {"data": None, "errors": [{"message": "Syntax Error: Expected Name, found <EOF>."}]},
        {"errors": [{"message": "Variable '$to' got invalid value 'soon'."}]},
    ],
    ids=["data", "coded-error", "parse-error", "variable-error"],
)
def test_data_and_errors_a_client_can_act_on_pass(body: dict[str, Any]) -> None:
    assert fault(200, body) is None


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, "Internal Server Error"),
        (200, {"data": None, "errors": [{"message": "Unexpected error.", "path": ["clinic"]}]}),
        (200, {"data": None, "errors": [{"message": "Unexpected error."}]}),
        (200, {"data": None, "errors": [{"message": "boom", "path": ["clinic"]}]}),
        (200, {"data": {"me": None}, "errors": [{"message": "boom"}]}),
        (200, ["not", "a", "result"]),
    ],
    ids=["http-500", "masked", "masked-no-path", "uncoded", "uncoded-beside-data", "no-result"],
)
def test_faults_of_the_server_fail(status: int, body: Any) -> None:
    assert fault(status, body) is not None
