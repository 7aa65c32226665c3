"""``zkreceipt serve`` and ``zkreceipt service add-key``: the receipt service (extra ``zkreceipt[service]``)."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys
import time
from pathlib import Path

import click

from ..errors import ZkReceiptError
from ..ledger.home import HOME_ENVIRONMENT_VARIABLE
from .common import reports_bad_input

LOOPBACK = "127.0.0.1"


class MissingExtraError(ZkReceiptError):
    """The service's optional dependencies are not installed."""


class TrustFileMissing(ZkReceiptError):
    """The trust profile named by --trust does not exist."""


def _use_home(home: str | None) -> Path:
    """Point ``$ZKRECEIPT_HOME`` at ``home`` (so every module agrees) and return the home in force."""
    from ..ledger.home import zkreceipt_home

    if home is not None:
        os.environ[HOME_ENVIRONMENT_VARIABLE] = str(Path(home).expanduser().resolve())
    return zkreceipt_home()


home_option = click.option(
    "--home", type=click.Path(file_okay=False), help="zkreceipt home (default: $ZKRECEIPT_HOME or ~/.zkreceipt)"
)


@click.command("serve")
@click.option("--host", default=LOOPBACK, show_default=True, help="address to bind (0.0.0.0 exposes the service)")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port (0: any free)")
@home_option
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=None,
    help="requests a minute per API key or client address (0: no limit) [default: 600]",
)
@click.option(
    "--trust",
    type=click.Path(dir_okay=False),
    help="trust profile the server verifies with (default: trust.json in the home)",
)
@click.option(
    "--verifier",
    type=click.Choice(["process", "thread"]),
    default="process",
    show_default=True,
    help="run the pairing checks in a process of their own, or in a thread of the server",
)
@reports_bad_input
def serve_command(
    host: str, port: int, home: str | None, rate_limit: int | None, trust: str | None, verifier: str
) -> None:
    """Serve the JSON API (/api/v1, /openapi.json) and the explorer (/) over the home's store.

    Bundles are verified with the trust profile (--trust, default the home's).
    Prints "ready on http://HOST:PORT" once the verifier kernels are warm and the socket listens.
    """
    if any(importlib.util.find_spec(name) is None for name in ("fastapi", "uvicorn", "jinja2")):
        raise MissingExtraError("serve: needs the service extra: pip install 'zkreceipt[service]'")
    from ..service.app import read_trust_document
    from ..service.settings import ServiceSettings
    from ..service.verifier_host import VerifierHost

    started = time.perf_counter()
    settings = ServiceSettings(
        home=_use_home(home), trust=Path(trust) if trust else None, verifier_process=verifier == "process"
    )
    if trust and not settings.trust_path.exists():
        raise TrustFileMissing(f"{settings.trust_path}: no trust profile (--trust)")
    document, source = read_trust_document(settings)
    # The verifier starts first: it parses the profile and loads the kernels while the web stack is imported.
    verifier_host = VerifierHost(document, source, separate_process=settings.verifier_process)
    warming = verifier_host.start_warming()
    import uvicorn

    from ..service import create_app

    if rate_limit is not None:
        settings = dataclasses.replace(settings, requests_per_minute=rate_limit)
    if host not in (LOOPBACK, "localhost", "::1"):
        click.echo(f"warning: binding {host}: the service is reachable beyond this machine", err=True)
    click.echo(f"zkreceipt serve: home {settings.home}; warming the verifier…")
    try:
        trusted = warming.result()
    except BaseException:
        verifier_host.shutdown()
        raise  # a malformed profile: bad input (exit 2), named by its file and field
    if not trusted.keys:
        missing = "is missing" if document is None else "trusts no verification key"
        click.echo(
            f"warning: the trust profile {source} {missing}: every bundle will be reported invalid and no verdict"
            " recorded (run `zkreceipt setup` or `zkreceipt demo`, or add keys with `zkreceipt trust add-key`)",
            err=True,
        )

    class ReadyServer(uvicorn.Server):
        async def startup(self, sockets: list | None = None) -> None:  # type: ignore[type-arg]
            await super().startup(sockets)
            if self.started:
                bound = self.servers[0].sockets[0].getsockname() if self.servers else (host, port)
                shown = f"[{bound[0]}]" if ":" in str(bound[0]) else bound[0]
                click.echo(
                    f"zkreceipt serve: ready on http://{shown}:{bound[1]}/ ({time.perf_counter() - started:.1f} s)"
                )

    app = create_app(settings, verifier_host)
    server = ReadyServer(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
    try:
        server.run()
    finally:
        verifier_host.shutdown()
    if not server.started:
        sys.exit(3)


@click.group("service")
def service_group() -> None:
    """The receipt service: API keys."""


@service_group.command("add-key")
@click.option("--role", type=click.Choice(["provider", "client"]), required=True, help="what the key may do")
@click.option("--subject", required=True, help="the provider or client address the key speaks for")
@home_option
@reports_bad_input
def add_key_command(role: str, subject: str, home: str | None) -> None:
    """Create an API key for SUBJECT; it is printed once, and only its SHA-256 is stored."""
    from ..ledger.store import ReceiptStore
    from ..receipts.validation import require_text
    from ..service import hash_api_key, new_api_key
    from .common import record_audit

    require_text("subject", subject)
    _use_home(home)
    key = new_api_key()
    with ReceiptStore() as store:
        store.add_api_key(role, subject, hash_api_key(key))

    record_audit("key_created", "api_key", subject, role=role)
    click.echo(key)
    click.echo(f"API key for {role} {subject}: shown once, only its hash is stored", err=True)
