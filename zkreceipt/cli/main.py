"""The root command group. Sub-commands are imported only when they run.

Most commands pull in the compiled field core (numba, NumPy, the curve
kernels), which takes a second or more to import, and minutes to compile on a
cold cache. The root group therefore knows each command by name, module and
one-line help (:data:`COMMANDS`) and imports the module only when the command
is invoked, so ``zkreceipt --help`` stays fast and ``zkreceipt demo`` can say
that the kernels are compiling before the heavy imports start.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

import click

from .. import __version__

LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class LazyCommand:
    """Where a sub-command lives (``module``'s attribute ``attribute``) and its one-line help for ``--help``."""

    module: str
    attribute: str
    short_help: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module, __package__), self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


COMMANDS: dict[str, LazyCommand] = {
    "demo": LazyCommand(".demo_command", "demo_command", "Sign, prove, verify and store the example receipt."),
    "keygen": LazyCommand(".receipt_commands", "keygen_command", "Create an Ed25519 signing key (0600)."),
    "sign": LazyCommand(".receipt_commands", "sign_command", "Sign a receipt (its price must be units × rate)."),
    "setup": LazyCommand(".bundle_commands", "setup_command", "Keys for the receipt circuit (development or .ptau)."),
    "prove": LazyCommand(".bundle_commands", "prove_command", "Prove a receipt into a proof bundle."),
    "verify": LazyCommand(".bundle_commands", "verify_command", "Verify a proof bundle offline."),
    "prove-batch": LazyCommand(".bundle_commands", "prove_batch_command", "Prove many receipts at once."),
    "verify-batch": LazyCommand(".bundle_commands", "verify_batch_command", "Verify many bundles together."),
    "receipts": LazyCommand(".receipt_commands", "receipts_group", "List the receipts in the store."),
    "receipt": LazyCommand(".receipt_commands", "receipt_group", "Show a stored receipt, or check one as its client."),
    "invoice": LazyCommand(".invoice_commands", "invoice_group", "Invoice transcripts: keys, signing, proofs."),
    "trust": LazyCommand(".trust_commands", "trust_group", "What this verifier trusts: keys, rates, policy, signers."),
    "export-verifier": LazyCommand(".bundle_commands", "export_verifier_command", "Write a Solidity verifier."),
    "inspect": LazyCommand(".bundle_commands", "inspect_command", "Constraint counts of the policy circuits."),
    "serve": LazyCommand(".service_commands", "serve_command", "Serve the receipt API and explorer (zkreceipt[service])."),
    "service": LazyCommand(".service_commands", "service_group", "The receipt service: API keys."),
    "selftest": LazyCommand(".selftest_command", "selftest", "Cross-check the field core against Python ints."),
    "groth16": LazyCommand(".groth16_commands", "groth16", "Groth16 setup, prove, verify (as snarkjs)."),
    "r1cs": LazyCommand(".file_commands", "r1cs_group", "Inspect circom .r1cs files."),
    "zkey": LazyCommand(".zkey_commands", "zkey_group", "Phase-2 ceremony and exports of .zkey files."),
    "wtns": LazyCommand(".wtns_commands", "wtns_group", "Compute circom witnesses from circuit.wasm (no Node)."),
    "anchor": LazyCommand(".anchor_commands", "anchor_group", "On-chain registry contract and anchoring call data."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use; ``--help`` lists them from :data:`COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            command = COMMANDS[name].load()
            self.add_command(command, name)
        return command

    def invoke(self, ctx: click.Context) -> object:
        # Every command runs through the one guard: typed errors exit 2, crashes exit 3.
        from .common import run_guarded

        return run_guarded(lambda: super(LazyGroup, self).invoke(ctx), debug=ctx.params.get("log_level") == "debug")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click would import every command for its short help; the table has it already.
        rows = [(name, COMMANDS[name].short_help) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkreceipt")
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default="warning",
    show_default=True,
    envvar="ZKRECEIPT_LOG_LEVEL",
    help="structured JSON logs at this level and above (env ZKRECEIPT_LOG_LEVEL)",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    envvar="ZKRECEIPT_LOG_FILE",
    help="append the JSON logs here instead of stderr (env ZKRECEIPT_LOG_FILE)",
)
@click.option(
    "--database-url",
    metavar="URL",
    help="the store: postgresql://… or a SQLite path (env ZKRECEIPT_DATABASE_URL; default $ZKRECEIPT_HOME/zkreceipt.db)",
)
def cli(log_level: str, log_file: str | None, database_url: str | None) -> None:
    """Groth16 proofs over BN254 for compute receipts and invoices (snarkjs-compatible).

    Exit codes: 0 valid, 1 invalid proof or signature, 2 bad input, 3 internal
    error (its traceback with --log-level debug). What was signed, proven and
    verified is appended to the audit log ($ZKRECEIPT_HOME/audit.log); secrets
    never reach the logs.
    """
    from .common import start_logging  # runs only for a sub-command, never for --help

    if database_url:
        # Every ReceiptStore() of this run opens it; restored afterwards, so an in-process caller keeps its own.
        from ..ledger.store.location import DATABASE_URL_ENVIRONMENT_VARIABLE as variable

        previous = os.environ.get(variable)
        os.environ[variable] = database_url
        click.get_current_context().call_on_close(lambda: _restore_environment(variable, previous))
    start_logging(log_level, log_file)


def _restore_environment(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def main() -> None:
    # Idle OpenMP worker threads otherwise spin after each parallel kernel, taking a core
    # from other processes on small machines; the runtime reads this when it first starts.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    cli(prog_name="zkreceipt")
