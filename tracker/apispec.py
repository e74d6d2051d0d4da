"""Declared API endpoints: one decorator validates input with the same pydantic models that the
OpenAPI document is generated from, so the document describes what the API really accepts."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema
from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic.json_schema import models_json_schema
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker import answers
from tracker.crud import stale_conflict
from tracker.errors import Conflict, InvalidInput, NotFound, field_error
from tracker.privacy import IDENTIFIER_MESSAGE, identifier_paths, walk_texts

API_PREFIX = "/api/v1"
MAX_ID = 2_147_483_647  # record ids are 32-bit integers in PostgreSQL
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Endpoint:
    """One operation of the API, as the OpenAPI document describes it."""

    rule: str
    method: str
    operation_id: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: Sequence[int] = (422,)
    content_type: str = "application/json"
    multipart: dict[str, Any] | None = None
    response_media: str | None = None
    resource: str | None = None
    action: str = "read"
    extra: dict[str, Any] = field(default_factory=dict)
    view: Callable[..., Any] | None = None

    @property
    def openapi_path(self) -> str:
        return API_PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[tuple[str, str]]:
        return [
            (name, conv or "string") for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", self.rule)
        ]


REGISTRY: list[Endpoint] = []

# Tags of discriminated unions: pydantic puts them in error locations, users do not need them.
UNION_TAGS: set[str] = set()


def validation_details(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """Turn a pydantic ValidationError into the API's list of {field, message}."""
    details = []
    for err in exc.errors(include_url=False):
        parts = list(err["loc"])
        kept = [
            part
            for i, part in enumerate(parts)
            if not (part in UNION_TAGS and (i == 0 or isinstance(parts[i - 1], int)))
        ]
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            # Name the discriminating field itself, e.g. `type` or `distribution`.
            kept.append(str(err.get("ctx", {}).get("discriminator", "")).strip("'"))
        loc = ".".join(str(part) for part in kept)
        if prefix:
            loc = f"{prefix}.{loc}" if loc else prefix
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        details.append(field_error(loc or "body", message))
    return details


@functools.cache
def _schema_validator(model: type[BaseModel]) -> jsonschema.protocols.Validator:
    schema = model.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    return jsonschema.Draft202012Validator(  # type: ignore[no-any-return]
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


_JSON_TYPES = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "an object",
               "null": "null"}


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "type":
        wanted = error.validator_value
        kinds = [str(t) for t in (wanted if isinstance(wanted, list) else [wanted])]
        names = [_JSON_TYPES.get(kind, kind) for kind in kinds]
        return f"must be {' or '.join(names)}, as the API document says"
    if error.validator == "format":
        example = {"date": " (YYYY-MM-DD, e.g. 2025-06-30)",
                   "date-time": " (e.g. 2025-06-30T12:00:00Z)"}.get(str(error.validator_value), "")
        return f"must be text in the {error.validator_value} format{example}"
    return "does not match the API document's schema for this field"


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """In a union (anyOf/oneOf), the error at the deepest place the value went wrong."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def check_against_schema(model: type[BaseModel], payload: Any) -> None:
    """Refuse JSON that the OpenAPI document's schema does not allow but that pydantic would
    coerce (a date sent as a number, a number as text, true for an id)."""
    details = []
    for error in _schema_validator(model).iter_errors(payload):
        deepest = _deepest(error)
        field = ".".join(str(part) for part in deepest.absolute_path) or "body"
        details.append(field_error(field, _schema_message(deepest)))
    if details:
        fields = ", ".join(sorted({d["field"] for d in details}))
        raise InvalidInput(f"The request body has {len(details)} problem(s): {fields}.", details)


def parse_model(model: type[BaseModel], data: Any, *, where: str, strict_json: bool = False
                ) -> Any:
    """Validate data against a model; raise InvalidInput naming every bad field.

    With `strict_json` (a request body) what pydantic accepts is also checked against the JSON
    schema the OpenAPI document publishes, so the API accepts exactly what it documents.
    """
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        details = validation_details(exc)
        fields = ", ".join(sorted({d["field"] for d in details}))
        raise InvalidInput(
            f"The {where} has {len(details)} problem(s): {fields}.", details
        ) from exc
    if strict_json:
        check_against_schema(model, data)
    return parsed


# C0 control characters but tab, line feed and carriage return: PostgreSQL cannot store NUL,
# XML (Excel) none of them, and no person types them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def refuse_unstorable_text(payload: Any) -> None:
    """Refuse a request body that holds a fødselsnummer or D-number, or a control character, in
    any text, naming the fields and never an identifier."""
    paths = identifier_paths(payload)
    if paths:
        raise InvalidInput(
            f"The request body holds what looks like a national identity number in "
            f"{len(paths)} field(s): {', '.join(paths)}. Nothing was stored.",
            [field_error(path, IDENTIFIER_MESSAGE) for path in paths],
        )
    controls: dict[str, str] = {}
    for where, text in walk_texts(payload):
        found = _CONTROL.search(text)
        if found:
            controls.setdefault(where, f"U+{ord(found.group()):04X}")
    if controls:
        raise InvalidInput(
            f"The request body holds control characters in {len(controls)} field(s): "
            f"{', '.join(controls)}. Nothing was stored.",
            [field_error(where, f"holds the control character {code}, which cannot be stored; "
                                "remove it (it is often pasted along from another program)")
             for where, code in controls.items()],
        )


def _query_dict(model: type[BaseModel]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        info = model.model_fields.get(key)
        is_list = info is not None and "list" in str(info.annotation).lower()
        data[key] = values if is_list else values[-1]
    return data


def _serialize(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_serialize(item) for item in result]
    return result


def _authorize(endpoint: Endpoint, path_args: dict[str, Any]) -> None:
    from tracker.access import require

    require(endpoint.resource or "undeclared", endpoint.action)  # type: ignore[arg-type]
    for name, value in path_args.items():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFound(f"No record with {name} {value}.")


def execute(
    endpoint: Endpoint,
    path_args: dict[str, Any],
    *,
    payload: Any = None,
    query: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Run one operation as the current caller: check access, refuse unstorable text, validate
    the body and the query as the API document says, call the view, commit a write.

    The API's routes and the browser's forms both come through here, so a form is validated
    and stored exactly as the same request to the API would be.
    """
    from tracker.db import get_session

    _authorize(endpoint, path_args)
    kwargs: dict[str, Any] = dict(path_args)
    if endpoint.query is not None:
        kwargs["query"] = parse_model(endpoint.query, query or {}, where="query string")
    if endpoint.body is not None:
        refuse_unstorable_text(payload)
        kwargs["body"] = parse_model(endpoint.body, payload, where="request body",
                                     strict_json=True)
    kwargs.update(extra or {})
    session = get_session()
    assert endpoint.view is not None
    try:
        result = endpoint.view(**kwargs)
        if endpoint.method in WRITE_METHODS:
            session.commit()
    except StaleDataError as exc:
        # The database refused an UPDATE based on an older version (another write based on the
        # same version landed first): the same 409 as check_version.
        raise stale_conflict(session) from exc
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            "The change conflicts with a stored record (a duplicate or a reference that is in "
            "use)."
        ) from exc
    except (DataError, OverflowError) as exc:
        session.rollback()
        raise InvalidInput(
            "A value is outside what can be stored (a number too large, or text too long); "
            "check the sizes of the numbers and texts you sent.",
            [field_error("body", "value out of range")],
        ) from exc
    except Exception:
        session.rollback()
        raise
    return result


def operation_named(operation_id: str) -> Endpoint:
    """Return the declared operation with this id (e.g. `create_method`)."""
    for endpoint in REGISTRY:
        if endpoint.operation_id == operation_id:
            return endpoint
    raise KeyError(operation_id)


class ApiBlueprint(Blueprint):
    """A Blueprint whose routes are declared with `operation`."""

    def __init__(
        self, name: str, import_name: str, *, tag: str, resource: str | None = None
    ) -> None:
        super().__init__(name, import_name, url_prefix=API_PREFIX)
        self.tag = tag
        # The access-matrix resource its operations need (tracker.access.MATRIX). Without one,
        # only administrators may call them: deny unless allowed.
        self.resource = resource

    def operation(
        self,
        rule: str,
        method: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        errors: Sequence[int] = (),
        multipart: dict[str, Any] | None = None,
        response_media: str | None = None,
        permission: tuple[str, str] | None = None,
        keep_answers: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare and register one operation; the view receives `body=` and `query=`.

        The caller must be allowed `permission` (resource, action); by default the blueprint's
        resource, read for GET and write for other methods. With `keep_answers` (a GET whose
        answer depends only on the path, the query, the viewer and the stored data) answers are
        kept while the data is unchanged (tracker.answers).
        """
        resource, action = permission or (self.resource, "read" if method == "GET" else "write")

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            endpoint = Endpoint(
                rule=rule,
                method=method,
                operation_id=view.__name__,
                summary=summary,
                tag=self.tag,
                body=body,
                query=query,
                response=response,
                status=status,
                errors=tuple(
                    sorted(set(errors) | ({422} if (body or query or multipart) else set()))
                ),
                multipart=multipart,
                response_media=response_media,
                resource=resource,
                action=action,
            )
            REGISTRY.append(endpoint)

            endpoint.view = view

            @functools.wraps(view)
            def wrapper(**path_args: Any) -> Any:
                store = answers.store_of(current_app) if keep_answers else None
                key = answers.answer_key(b"api", request.full_path.encode()) if store else ""
                if store is not None:
                    _authorize(endpoint, path_args)
                    kept = store.get(key)
                    if kept is not None:
                        return current_app.response_class(kept.body, 200, mimetype=kept.mimetype)
                payload: Any = None
                if body is not None:
                    payload = request.get_json(silent=True)
                    if payload is None:
                        raise InvalidInput(
                            "The request body must be a JSON object sent with "
                            "Content-Type: application/json.",
                            [field_error("body", "Missing or unreadable JSON body.")],
                        )
                query_data = _query_dict(query) if query is not None else None
                result = execute(endpoint, path_args, payload=payload, query=query_data)
                if response_media is not None:
                    return result
                if status == 204:
                    return "", 204
                if isinstance(result, BaseModel):
                    # pydantic writes the JSON itself, several times faster than json.dumps.
                    text = result.model_dump_json() + "\n"
                    if store is not None and status == 200:
                        store.put(key, answers.Answer(text.encode(), "application/json"))
                    return current_app.response_class(text, status, mimetype="application/json")
                return jsonify(_serialize(result)), status

            self.add_url_rule(rule, endpoint=view.__name__, view_func=wrapper, methods=[method])
            return wrapper

        return decorator


# ---------------------------------------------------------------------------------------------
# Shared request/response shapes

SortDirection = Literal["asc", "desc"]


class PageParams(BaseModel):
    """Pagination and sorting parameters common to every list endpoint."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=500, description="Page size (1-500).")
    offset: int = Field(default=0, ge=0, description="Number of items to skip.")


def list_query_model(
    name: str, *, sortable: Sequence[str], filters: dict[str, Any], default_sort: str
) -> type[PageParams]:
    """Build the query-string model of a list endpoint: filters, `sort` and paging."""
    choices = tuple(sortable) + tuple(f"-{s}" for s in sortable)
    fields: dict[str, Any] = {
        "sort": (
            Literal[choices],  # type: ignore[valid-type]
            Field(default=default_sort, description="Sort key; prefix with '-' for descending."),
        )
    }
    fields.update(filters)
    return create_model(name, __base__=PageParams, **fields)  # type: ignore[no-any-return,call-overload]


def page_model(item: type[BaseModel]) -> type[BaseModel]:
    """Return the paginated list response model for an item model."""
    return create_model(  # type: ignore[no-any-return,call-overload]
        f"{item.__name__}Page",
        items=(list[item], ...),  # type: ignore[valid-type]
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
    )


class ErrorDetail(BaseModel):
    field: str
    message: str
    # Problems in an uploaded file also name the row (header = row 1) and the column.
    row: int | None = None
    column: str | None = None


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx response."""

    error: str
    message: str
    details: list[ErrorDetail] | dict[str, Any] | None = None
    # When only the first problems are listed in details (uploaded files): how many in all.
    total_problems: int | None = None


# ---------------------------------------------------------------------------------------------
# OpenAPI document

_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    400: "Bad request",
    401: "Not logged in",
    403: "Not allowed for this role",
    404: "Not found",
    409: "Conflict with stored state",
    413: "Payload too large",
    422: "Invalid input: every bad field is named in details",
}


def build_openapi(*, title: str, version: str) -> dict[str, Any]:
    """Generate the OpenAPI 3.1 document from the registered operations."""
    pairs: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (ErrorResponse, "serialization")
    ]
    for ep in REGISTRY:
        if ep.body is not None:
            pairs.append((ep.body, "validation"))
        if ep.response is not None:
            pairs.append((ep.response, "serialization"))
    unique = list(dict.fromkeys(pairs))
    key_map, top = models_json_schema(unique, ref_template="#/components/schemas/{model}")
    schemas = top.get("$defs", {})

    paths: dict[str, Any] = {}
    for ep in REGISTRY:
        op: dict[str, Any] = {
            "operationId": ep.operation_id,
            "summary": ep.summary,
            "tags": [ep.tag],
            "parameters": [],
            "responses": {},
        }
        for name, conv in ep.path_params:
            schema = (
                {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                if conv == "int" else {"type": "string"}
            )
            op["parameters"].append(
                {"name": name, "in": "path", "required": True, "schema": schema}
            )
        if ep.query is not None:
            qschema = ep.query.model_json_schema(ref_template="#/components/schemas/{model}")
            for qname, prop in qschema.get("properties", {}).items():
                prop = dict(prop)
                prop.pop("title", None)
                desc = prop.pop("description", None)
                param: dict[str, Any] = {
                    "name": qname,
                    "in": "query",
                    "required": qname in qschema.get("required", []),
                    "schema": prop,
                }
                if desc:
                    param["description"] = desc
                op["parameters"].append(param)
            for dname, dschema in qschema.get("$defs", {}).items():
                schemas.setdefault(dname, dschema)
        if ep.body is not None:
            ref = key_map[(ep.body, "validation")]
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref}}}
        elif ep.multipart is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": ep.multipart}},
            }
        if ep.response_media is not None:
            op["responses"][str(ep.status)] = {
                "description": _STATUS_TEXT.get(ep.status, "OK"),
                "content": {ep.response_media: {"schema": {"type": "string"}}},
            }
        elif ep.status == 204:
            op["responses"]["204"] = {"description": _STATUS_TEXT[204]}
        else:
            content = {}
            if ep.response is not None:
                content = {"application/json": {"schema": key_map[(ep.response, "serialization")]}}
            op["responses"][str(ep.status)] = {
                "description": _STATUS_TEXT.get(ep.status, "OK"),
                "content": content,
            }
        from tracker.access import roles_allowed

        roles = roles_allowed(ep.resource or "undeclared", ep.action)  # type: ignore[arg-type]
        op["x-roles"] = roles or ["admin"]
        op["description"] = "Allowed for: " + ", ".join(op["x-roles"]) + "."
        if "public" not in roles:
            op["security"] = [{"bearerAuth": []}, {"sessionCookie": []}]
        error_ref = key_map[(ErrorResponse, "serialization")]
        codes = set(ep.errors) | ({401, 403} if "public" not in roles else set())
        if ep.path_params:
            codes.add(404)
        if ep.method in WRITE_METHODS:
            codes.add(409)  # a stale version or a conflicting stored record
        for code in sorted(codes):
            op["responses"][str(code)] = {
                "description": _STATUS_TEXT.get(code, "Error"),
                "content": {"application/json": {"schema": error_ref}},
            }
        if not op["parameters"]:
            del op["parameters"]
        paths.setdefault(ep.openapi_path, {})[ep.method.lower()] = op

    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": (
                "Managed-entry agreements and reassessments of temporarily introduced methods "
                "in Nye metoder. Dates are ISO 8601; timestamps are UTC."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "API token from `tracker users add`.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "tracker_session",
                    "description": "Login session; writes need X-CSRF-Token.",
                },
            },
        },
    }


def page_of(
    model: type[BaseModel],
    items: list[Any],
    total: int,
    query: Any,
    convert: Callable[[Any], Any] | None = None,
) -> BaseModel:
    """Build a page response from records, converting each (default: read attributes)."""
    conv = convert or (lambda item: item)
    return model.model_validate(
        {
            "items": [conv(i) for i in items],
            "total": total,
            "limit": query.limit,
            "offset": query.offset,
        },
        from_attributes=True,
    )
