"""Request bodies: parsed by pydantic models, which also write the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict

from core.errors import InvalidInput

Model = TypeVar("Model", bound=BaseModel)
View = TypeVar("View", bound=Callable[..., Any])


class Body(BaseModel):
    """A strict request body: unknown keys are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


def parse(model: type[Model]) -> Model:
    """The request's JSON body as the model; an empty body is an empty object."""
    if request.content_length and not request.is_json:
        raise InvalidInput("Send the body as JSON (Content-Type: application/json).")
    data = request.get_json(silent=True) if request.content_length else {}
    if data is None:
        raise InvalidInput("The body is not valid JSON.")
    return model.model_validate(data)


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
