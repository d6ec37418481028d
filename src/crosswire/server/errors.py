"""One error shape for every error the server returns.

Every error, whether raised by a route, by request validation, by a middleware (403, 413) or by an
unexpected bug, is sent as ``{"ok": false, "error": "...", "status": 404, "errors": [...]}``.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import CrosswireError, InputError, StoreError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status, raised by routes and turned into the error shape.

    Args:
        status (int): the HTTP status.
        message (str): what failed and how to fix it.
        errors (list[str] | None): details (one line each).
        headers (dict[str, str] | None): extra response headers (``WWW-Authenticate``).
    """

    def __init__(self, status: int, message: str, *, errors: list[str] | None = None, headers=None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers


def error_body(status: int, message: str, errors: list[str] | None = None) -> dict:
    """The JSON body of an error.

    Args:
        status (int): the HTTP status.
        message (str): the message.
        errors (list[str] | None): details.
    RETURNS (dict): ``{"ok": False, "error", "errors", "status"}``.
    """
    return {"ok": False, "error": message, "errors": errors or [], "status": status}


def error_response(status: int, message: str, errors: list[str] | None = None, headers=None) -> JSONResponse:
    """RETURNS (JSONResponse): an error in the one shape."""
    return JSONResponse(error_body(status, message, errors), status_code=status, headers=headers)


def _validation_message(err: dict) -> str:
    loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "request"
    return f"{loc}: {err.get('msg', 'invalid value')}"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape.

    Args:
        app (FastAPI): the application.
    """

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.errors, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"No such endpoint: {request.method} {request.url.path}. The API is described at /docs."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}. See /openapi.json for the methods."
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        details = [_validation_message(e) for e in exc.errors()]
        return error_response(422, "The request is invalid: " + "; ".join(details[:3]), details)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        return error_response(422, str(exc))

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError):
        return error_response(503 if "Cannot open" in str(exc) else 500, str(exc))

    @app.exception_handler(CrosswireError)
    async def _crosswire_error(request: Request, exc: CrosswireError):
        return error_response(500, str(exc))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, f"Internal error ({type(exc).__name__}); the server log has the details.")
