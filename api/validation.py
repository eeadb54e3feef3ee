"""Request bodies: parsed by pydantic models, which also write the OpenAPI document.

Before a model sees a body, its shape is bounded: at most MAX_VALUES values and MAX_DEPTH levels
of nesting. The largest real body (a year of holidays, the order of 999 services) holds about a
thousand values; a stranger's megabyte of 90,000 unknown keys would otherwise cost pydantic a
quarter of a second of the only worker to list every one of them, only to be refused. Counting the
raw body's commas first (a fraction of a millisecond) spares even the JSON parsing of such a body:
more than MAX_COMMAS cannot be a real body, whose texts are short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict

from core.errors import InvalidInput

Model = TypeVar("Model", bound=BaseModel)
View = TypeVar("View", bound=Callable[..., Any])
MAX_VALUES = 4096  # keys and items, counted over the whole body
MAX_DEPTH = 10  # a center's own data nests 4 deep
MAX_COMMAS = 4 * MAX_VALUES  # between values, or inside texts (the longest take 2,000 characters)
TOO_MANY = f"The body holds more than {MAX_VALUES} keys and items; no request needs so many."


class Body(BaseModel):
    """A strict request body: unknown keys are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


def parse(model: type[Model]) -> Model:
    """The request's JSON body as the model; an empty body is an empty object."""
    if request.content_length and not request.is_json:
        raise InvalidInput("Send the body as JSON (Content-Type: application/json).")
    if request.content_length and request.get_data(cache=True).count(b",") > MAX_COMMAS:
        raise InvalidInput(TOO_MANY)
    data = request.get_json(silent=True) if request.content_length else {}
    if data is None:
        raise InvalidInput("The body is not valid JSON.")
    bound_shape(data)
    return model.model_validate(data)


def bound_shape(data: Any) -> None:
    """Refuse a body with more than MAX_VALUES values or MAX_DEPTH levels, having looked at no
    more than that: containers are counted by their length before their contents are visited."""
    budget = MAX_VALUES
    waiting: list[tuple[Any, int]] = [(data, 1)]
    while waiting:
        value, depth = waiting.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise InvalidInput(f"The body nests deeper than {MAX_DEPTH} levels.")
        budget -= len(value)
        if budget < 0:
            raise InvalidInput(TOO_MANY)
        children = value.values() if isinstance(value, dict) else value
        waiting.extend((child, depth + 1) for child in children)


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    responses: dict[int, str] | None = None,
    access: str = "public",
) -> Callable[[View], View]:
    """Attach what the OpenAPI document says of a view: its summary, body model and answers."""

    def attach(view: View) -> View:
        view.openapi = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "responses": responses or {200: "OK"},
            "access": access,
        }
        return view

    return attach
