"""/api/openapi.json: written from the routes and the same pydantic models that validate them."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue

from api import bp
from api.validation import documented

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "staff": [{"session": []}, {"bearer": []}],
    "supervisor": [{"session": []}, {"bearer": []}],
    "admin": [{"session": []}, {"bearer": []}],
    "public": [],
}


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        info = getattr(view, "openapi", None)
        if info is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if f"int:{name}" in rule.rule else "string"},
            }
            for name in rule.arguments
        ]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "summary": info["summary"],
                "operationId": f"{rule.endpoint.removeprefix('api.')}_{method.lower()}",
                "parameters": parameters,
                "responses": {
                    str(status): _response(status, text)
                    for status, text in info["responses"].items()
                },
                "security": SECURITY.get(info["access"], []),
            }
            if info["body"] is not None:
                model = info["body"]
                schemas[model.__name__] = model.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
                operation["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                        }
                    },
                }
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Queue ticketing API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def _response(status: int, text: str) -> dict[str, Any]:
    if status >= 400:
        return {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return {"description": text}


@bp.get("/openapi.json")
@documented("This document")
def openapi_document() -> ResponseReturnValue:
    return jsonify(build_document())
