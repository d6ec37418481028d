"""Security: who may read, who may write, how large a request may be, and CORS.

- Reading is open to loopback clients only, unless ``allow_remote_read`` is set; any other client
  gets 403 (before the request is routed).
- Writing needs ``Authorization: Bearer TOKEN``; with no token configured every write is refused.
- A request body over ``max_body_bytes`` gets 413, whether it declares its length or streams it.
- CORS is off unless origins are listed.
- Every response carries a strict Content-Security-Policy (scripts and styles from this server only),
  so even a bug that put article text into HTML could not run a script.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_response
from .settings import ENV_ALLOW_REMOTE_READ, ENV_TOKEN, ServerSettings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: Pages that load their own assets (FastAPI's interactive docs) keep their default policy.
_NO_CSP = ("/docs", "/redoc")


def is_loopback(host: str | None) -> bool:
    """Whether a client address is on this machine.

    Args:
        host (str | None): the client's IP address as the server saw it ("127.0.0.1", "::1").
    RETURNS (bool): True for loopback addresses (IPv4-mapped IPv6 included).
    """
    if not host:
        return False
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host == "localhost"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


class GuardMiddleware:
    """ASGI middleware: the remote-client check, the body size limit and the security headers.

    Args:
        app (ASGIApp): the wrapped application.
        settings (ServerSettings): the limits and the remote-read switch.
    """

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = not path.startswith(_NO_CSP)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if csp:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        client = scope.get("client")
        host = client[0] if client else None
        if not self.settings.allow_remote_read and not is_loopback(host):
            response = error_response(
                403,
                f"This server answers clients on this machine only (your address: {host}). Start it with "
                f"`crosswire serve --allow-remote` or {ENV_ALLOW_REMOTE_READ}=1 to open reading to others.",
            )
            await response(scope, receive, send_with_headers)
            return
        limit = self.settings.max_body_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False
            if too_large:
                response = error_response(413, _too_large(int(declared), limit))
                await response(scope, receive, send_with_headers)
                return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's body read; the error handlers give it the one shape.
                    raise StarletteHTTPException(413, _too_large(received, limit))
            return message

        await self.app(scope, bounded_receive, send_with_headers)


def _too_large(size: int, limit: int) -> str:
    return (
        f"The request body is over the limit of {limit} bytes (at least {size}). Send fewer or smaller "
        f"articles per request, or start the server with a larger --max-body-bytes."
    )


def require_token(request: Request) -> None:
    """FastAPI dependency of every write endpoint: a valid ``Authorization: Bearer`` token.

    Args:
        request (Request): the request.
    Raises:
        ApiError: 403 when the server has no token (writes disabled), 401 when the header is
            missing or the token is wrong.
    """
    settings: ServerSettings = request.app.state.crosswire.settings
    if settings.token is None:
        raise ApiError(
            403,
            f"Writes are disabled: this server has no API token. Restart it with {ENV_TOKEN} set "
            f"(e.g. `{ENV_TOKEN}=a-long-secret crosswire serve`) and send `Authorization: Bearer <token>`.",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(
            401,
            "This endpoint needs the API token: send the header `Authorization: Bearer <token>`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
        raise ApiError(401, "The API token is wrong.", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
