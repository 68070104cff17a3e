"""schemathesis against the OpenAPI document: no 5xx, every response matches its schema.

The operations are driven one by one with Hypothesis (schemathesis' lazy pytest fixture
does not run under pytest 9); a few examples each keep the run within the time budget.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from review_app import World

schemathesis = pytest.importorskip("schemathesis")

pytestmark = pytest.mark.slow
EXAMPLES = 4


def test_api_conforms_to_its_openapi_document(sqlite_world: World) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", sqlite_world.app)
    headers = {"Authorization": f"Bearer {sqlite_world.tokens['admin']}"}
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
    failures: list[str] = []
    ran = 0
    for result in schema.get_all_operations():
        op = result.ok()
        ran += 1

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=checks)

        try:
            run()
        except Exception as e:  # collect every operation's failure, then report them all
            failures.append(f"{op.method.upper()} {op.path}: {str(e)[:600]}")
    assert ran >= 15, "every API operation is in the document"
    assert not failures, "\n\n".join(failures)
