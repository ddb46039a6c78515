"""Schemathesis against the OpenAPI description: generated requests, authenticated as a
supervisor (the widest role), must never get a server error (5xx)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_testkit import Api, make_settings  # type: ignore[import-not-found]
from hypothesis import HealthCheck, settings

from channelwatch.api.app import create_app

MAX_EXAMPLES = 15
STATUSES: Counter[tuple[int, str]] = Counter()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from fastapi.testclient import TestClient

    s = make_settings(
        tmp_path_factory.mktemp("fuzz"),
        rate_limit_per_s=1e6,
        rate_burst=10**6,
        login_rate_per_min=1e9,
    )
    with TestClient(create_app(s)) as client:
        api = Api(client)
        # something to find: a case, so that requests naming C-0001 reach the rules
        r = api.post(
            "/api/contacts",
            {
                "kind": "call",
                "time": "2025-11-27T01:30:00Z",
                "lat": 50.95,
                "lon": 1.55,
                "accuracy_m": 100,
                "persons_reported": 30,
                "call_id": "F-1",
            },
            user="gn-supervisor",
        )
        api.post(
            "/api/cases",
            {"advice_index": r.json()["suggestions"][0]["advice_index"]},
            user="gn-supervisor",
        )
        yield api


@pytest.fixture(scope="module")
def api_schema(live: Api) -> Any:
    return schemathesis.openapi.from_dict(live.client.get("/api/openapi.json").json())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case: Any, live: Api) -> None:
    headers = live.h("gn-supervisor")
    if case.formatted_path == "/api/auth/logout":  # revokes its token: give it a throwaway one
        r = live.client.post(
            "/api/auth/login", json={"username": "gn-supervisor", "password": "gn-supervisor-demo"}
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    kwargs = case.as_transport_kwargs(headers=headers)
    kwargs.pop("base_url", None)
    kwargs.pop("cookies", None)
    if "data" in kwargs and isinstance(kwargs["data"], bytes | str):
        kwargs["content"] = kwargs.pop("data")
    response = live.client.request(**kwargs)
    STATUSES[(response.status_code, case.operation.path)] += 1
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])


def test_the_generated_requests_reached_the_handlers() -> None:
    """Not only refusals: many generated requests were valid and answered 2xx."""
    if not STATUSES:
        pytest.skip("run with test_no_server_error")
    ok = sum(n for (code, _), n in STATUSES.items() if 200 <= code < 300)
    assert ok >= 100, STATUSES
    refused = {path for (code, path) in STATUSES if code == 401}
    assert refused <= {"/api/auth/login"}  # only bad passwords: every token stayed valid
