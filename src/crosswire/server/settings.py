"""Settings of the web server: one typed record, built from CLI options and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..config import Config
from ..errors import ConfigError
from ..store import DEFAULT_DB

#: The environment variables the server reads (``ServerSettings.from_env``).
ENV_TOKEN = "CROSSWIRE_TOKEN"
ENV_ALLOW_REMOTE_READ = "CROSSWIRE_ALLOW_REMOTE_READ"
ENV_CORS_ORIGINS = "CROSSWIRE_CORS_ORIGINS"

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """How the server runs.

    db (str): the DuckDB store.
    token (str | None): the bearer token write endpoints require; None refuses every write.
    allow_remote_read (bool): let clients on other hosts read (writes always need the token).
    cors_origins (tuple[str, ...]): origins allowed by CORS; empty turns CORS off.
    max_body_bytes (int): the largest request body accepted (413 above it).
    max_page_size (int): the largest ``limit`` of a list endpoint.
    max_post_articles (int): the most articles one POST may carry.
    story_cache_size (int): built stories and story responses kept in memory (a story's are dropped
        when a write changes it).
    analysis_cache_size (int): stored analyses kept in memory (they never change).
    read_index (bool): answer the article, event and story lists from an index in memory (built at
        startup, kept up to date by writes; see ``readindex``); off: every list page is a SQL query.
    query_threads (int): the threads that run DuckDB queries for requests (each with its own cursor).
    save_index_every (int): save the story index after this many POSTs (and at shutdown).
    config (Config): the analysis settings.
    """

    db: str = DEFAULT_DB
    token: str | None = None
    allow_remote_read: bool = False
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 12 * 1024 * 1024
    max_page_size: int = 500
    max_post_articles: int = 100
    story_cache_size: int = 2048
    analysis_cache_size: int = 5000
    read_index: bool = True
    query_threads: int = 2
    save_index_every: int = 16
    config: Config = field(default_factory=Config)

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < 8:
            raise ConfigError(
                f"The API token is {len(self.token)} characters long; use at least 8 "
                f"(for example `export {ENV_TOKEN}=$(python -c 'import secrets; print(secrets.token_urlsafe())')`)."
            )
        if self.max_body_bytes <= 0 or self.max_page_size <= 0 or self.max_post_articles <= 0 or self.query_threads <= 0:
            raise ConfigError("max_body_bytes, max_page_size, max_post_articles and query_threads must be positive.")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **values) -> ServerSettings:
        """Settings from the environment, overridden by explicit values (None values are ignored).

        Args:
            env (dict[str, str] | None): the environment (``os.environ`` when None).
            **values: field names and values (CLI options).
        RETURNS (ServerSettings): the settings.
        Raises:
            ConfigError: for a token that is too short or a bad limit.
        """
        env = dict(os.environ if env is None else env)
        base: dict = {}
        if env.get(ENV_TOKEN):
            base["token"] = env[ENV_TOKEN]
        if env.get(ENV_ALLOW_REMOTE_READ, "").strip().lower() in _TRUE:
            base["allow_remote_read"] = True
        if env.get(ENV_CORS_ORIGINS):
            base["cors_origins"] = tuple(o.strip() for o in env[ENV_CORS_ORIGINS].split(",") if o.strip())
        base.update({k: v for k, v in values.items() if v is not None})
        return cls(**base)
