"""Property-based API testing from the OpenAPI schema (schemathesis): whatever a client
sends, the server never answers 5xx, and every answer (status, content type, body)
conforms to the schema's response models."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ccecon.web.app import create_app
from ccecon.web.store import Store

_dir = Path(tempfile.mkdtemp(prefix="ccecon-st-"))
STORE = Store(f"sqlite:///{_dir / 'store.sqlite3'}")
_user = STORE.add_user("fuzz", "password-f", "fuzz")
STORE.create(_user, "one", "name: one\ncurrency: USD\nstart: 2027-01\nproposal: {}\n")
TOKEN = STORE.new_token(_user.id)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store=STORE))


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error(case: schemathesis.Case) -> None:
    headers: dict[str, Any] = dict(case.headers or {})
    headers["Authorization"] = f"Bearer {TOKEN}"
    case.headers = headers  # type: ignore[assignment]
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
