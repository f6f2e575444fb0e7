"""Schemathesis against our own OpenAPI spec: whatever it generates, the service never answers 5xx.

Requests carry an admin key (so generated requests reach every route's validation and logic,
not only the key check), and the rate limit is out of the way. Runs in-process over ASGI.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from moneytrail.api.app import ApiConfig, create_app
from tests.api.conftest import auth, make_service


@pytest.fixture(scope="module")
def fuzz_app(api_env):
    return create_app(make_service(api_env), ApiConfig(rate=1_000_000))


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def operations():
    """Every operation of the spec (read from an app over no lists: the spec does not depend
    on them), as pytest parameters."""
    from pathlib import Path

    from moneytrail.api.service import Service

    idle = Service("sqlite:///:memory:", Path("unused"))
    spec = create_app(idle, ApiConfig(audit=False)).openapi()
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item]


@pytest.mark.parametrize("method, path", operations())
def test_no_request_makes_the_service_fail(api_schema, api_env, method, path):
    operation = api_schema[path][method].ok() if hasattr(api_schema[path][method], "ok") \
        else api_schema[path][method]
    headers = auth(api_env, "admin")

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path,
                                            response.text[:300])

    run()
