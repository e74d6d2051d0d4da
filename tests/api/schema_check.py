"""Check real responses against the API's own OpenAPI document."""

from __future__ import annotations

from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


class OpenApiChecker:
    """Validates a response body against the schema the document gives for it."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:openapi", resource)

    def response_schema(self, path: str, method: str, status: int) -> dict[str, Any]:
        op = self.document["paths"][path][method.lower()]
        content = op["responses"][str(status)]["content"]["application/json"]["schema"]
        return _rebase(content)

    def check(self, path: str, method: str, status: int, body: Any) -> None:
        schema = self.response_schema(path, method, status)
        validator = jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=jsonschema.FormatChecker()
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _rebase(schema: Any) -> Any:
    """Point local refs (#/components/...) at the registered document."""
    if isinstance(schema, dict):
        return {
            k: ("urn:openapi" + v if k == "$ref" and v.startswith("#/") else _rebase(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema
