"""The embedded AWS: moto's server on loopback, built from infra/, with the app wired to it."""

from __future__ import annotations

import functools
import importlib
import json
import os
import secrets
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3

from uppsikt import infra, runtime
from uppsikt.accounts.model import Account, Registry
from uppsikt.local.event_source import EventSourceMapping
from uppsikt.local.provision import provision
from uppsikt.observability import logs
from uppsikt.operations.secrets import meta_verify_token, set_meta_app_secret
from uppsikt.settings import load_settings

REGION = "eu-north-1"
STACK = "uppsikt-local"
POLICIES = infra.REPO / "policies"


def _aws_environment(endpoint: str) -> dict[str, str]:
    # The standard variables boto3 reads: production code has no "local mode" of its own.
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }


def _chalice_module(name: str = "app") -> Any:
    """functions/app.py, the module Lambda loads as the handler (`app.app`, `app.evaluate`), or
    another handler module beside it (`review_app`)."""
    functions = str(infra.REPO / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    return importlib.import_module(name)


@functools.cache
def _quiet_handler_class() -> type:
    from chalice.local import ChaliceRequestHandler

    class Quiet(ChaliceRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

    return Quiet


def publish_file(rt: runtime.Runtime, path: Path | None = None) -> str:
    """Validate, compile and publish a policy file, or (by default) every pack in policies/,
    since one deployment serves organisations with different packs. Returns the version of the
    file's pack, or of the configured default pack."""
    from uppsikt.policy.loader import load_directory, load_file
    from uppsikt.policy.store import publish

    policies = [load_file(path)] if path else load_directory(POLICIES)
    versions = {p.id: publish(rt.s3, rt.settings.policy_bucket, p) for p in policies}
    return versions[policies[0].id] if path else versions[rt.settings.policy_id]


@dataclass
class EmbeddedAWS:
    """Start with `with EmbeddedAWS() as aws:`; everything stops on exit."""

    # Stack parameters (infra/resources.yaml); the accounts, X's included, are the registry's.
    parameters: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict, init=False)
    # moto's server in a process of its own (a core to itself, as AWS is outside the caller);
    # False keeps it in a thread of this process, which starts faster.
    own_process: bool = True

    def __enter__(self) -> EmbeddedAWS:
        from uppsikt.local.moto_server import AtomicMotoServer, MotoProcess

        self._saved = dict(os.environ)
        self._moto: MotoProcess | AtomicMotoServer = (
            MotoProcess("127.0.0.1")
            if self.own_process
            else AtomicMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        )
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.environment = _aws_environment(self.endpoint)
        os.environ.pop("AWS_PROFILE", None)
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
        # No EMF lines among the demo's output (there is no CloudWatch to read them), and the
        # level above applies to the logger `import app` already built.
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        self._log_level = logs.logger.log_level
        logs.logger.setLevel(os.environ["POWERTOOLS_LOG_LEVEL"])
        os.environ.update(self.environment)
        self.session = boto3.Session(region_name=REGION)
        outputs = provision(self.session, STACK, self.parameters)
        self.environment.update(outputs)
        os.environ.update(outputs)
        self.settings = load_settings()
        self.runtime = runtime.Runtime(self.settings, self.session)
        runtime.install(self.runtime)
        self._servers: list[Any] = []
        return self

    @property
    def server_pid(self) -> int | None:
        """The embedded AWS server's process, when it has one of its own."""
        pid: int | None = getattr(self._moto, "pid", None)  # a thread-served moto has none
        return pid

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for server in self._servers:
            server.shutdown()
        runtime.install(None)
        if not self.own_process:
            # moto's backends then live in this process, not in the server: empty them, so that
            # the next embedded AWS in the same process (a second test module) starts from nothing.
            import urllib.request

            reset = f"{self.endpoint}/moto-api/reset"  # loopback: the server started above
            request = urllib.request.Request(reset, method="POST")  # noqa: S310
            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
        self._moto.stop()
        os.environ.clear()
        os.environ.update(self._saved)
        logs.logger.setLevel(self._log_level)

    # --- what an operator does after deploying --------------------------------------------
    def set_meta_app_secret(self, app_secret: str | None = None) -> str:
        """What the operator does after deploying: a fresh random app secret for the demo."""
        value = app_secret or secrets.token_hex(16)
        set_meta_app_secret(self.runtime.secretsmanager, self.settings.meta_secret_name, value)
        self.runtime.secrets.clear_cache()  # type: ignore[no-untyped-call]
        return value

    def set_x_consumer_secret(self, secret: str | None = None) -> str:
        assert self.settings.x_secret_name is not None
        return self._set_app_secret(self.settings.x_secret_name, "consumer_secret", secret)

    def set_linkedin_client_secret(self, secret: str | None = None) -> str:
        assert self.settings.linkedin_secret_name is not None
        return self._set_app_secret(self.settings.linkedin_secret_name, "client_secret", secret)

    def _set_app_secret(self, name: str, key: str, value: str | None) -> str:
        """What the operator does after deploying; the demo uses a fresh random value."""
        value = value or secrets.token_hex(16)
        self.runtime.secretsmanager.put_secret_value(
            SecretId=name, SecretString=json.dumps({key: value})
        )
        self.runtime.secrets.clear_cache()  # type: ignore[no-untyped-call]
        return value

    def set_account_secret(self, account: Account, values: dict[str, str]) -> None:
        from uppsikt.operations.secrets import put_account_secret

        assert account.secret_name is not None
        put_account_secret(
            self.runtime.secretsmanager, account.secret_name, account.platform.value, values
        )
        self.runtime.secrets.clear_cache()  # type: ignore[no-untyped-call]

    def account_secret(self, account: Account, name: str) -> str:
        return self.runtime.account_secret(account, name)

    def publish_registry(self, registry: Registry) -> int:
        from uppsikt.accounts.store import publish

        return publish(
            self.runtime.s3, self.settings.policy_bucket, registry, self.runtime.pseudonymiser()
        )

    def meta_verify_token(self) -> str:
        return meta_verify_token(self.runtime.secretsmanager, self.settings.meta_secret_name)

    def publish_policy(self, path: Path | None = None) -> str:
        return publish_file(self.runtime, path)

    # --- the app, served and consumed the way API Gateway and Lambda would ---------------
    def serve_app(self, stage: str = "dev") -> str:
        """Serve the Chalice app on a free loopback port; returns its base URL."""
        return self._serve(_chalice_module().app, stage)

    def serve_review(self, stage: str = "dev") -> str:
        """Serve the review API (functions/review_app.py, its own function) the same way."""
        return self._serve(_chalice_module("review_app").app, stage)

    def _serve(self, chalice_app: Any, stage: str) -> str:
        from chalice.config import Config
        from chalice.local import CustomLocalChalice, LocalDevServer, create_local_server

        config_file = infra.REPO / "chalice.json"
        config = Config.create(
            chalice_stage=stage,
            app_name="uppsikt",
            project_dir=str(infra.REPO / "functions"),
            config_from_disk=json.loads(config_file.read_text()),
            chalice_app=chalice_app,
        )
        if isinstance(chalice_app, CustomLocalChalice):
            # Served before in this process: Chalice already swapped its class, and swapping
            # again would make the class its own base.
            server = LocalDevServer(chalice_app, config, "127.0.0.1", 0)
        else:
            server = create_local_server(chalice_app, config, "127.0.0.1", 0)
        # Chalice's handler prints an access line per request; the demo prints its own summary.
        server.server.RequestHandlerClass = functools.partial(
            _quiet_handler_class(), app_object=server.app_object, config=config
        )
        self._servers.append(server)
        threading.Thread(target=server.server.serve_forever, daemon=True).start()
        host, port = server.server.server_address[:2]
        return f"http://{host}:{port}"

    def evaluate_mapping(self) -> EventSourceMapping:
        """The evaluate function's event source, configured from infra/functions.yaml."""
        evaluate = _chalice_module().evaluate
        source = infra.event_source(infra.load(infra.FUNCTIONS), "Evaluate")
        return EventSourceMapping(
            sqs=self.runtime.sqs,
            queue_url=self.settings.ingest_queue_url,
            handler=evaluate,
            function_name="uppsikt-dev-evaluate",
            batch_size=int(source["BatchSize"]),
            report_batch_item_failures="ReportBatchItemFailures"
            in source.get("FunctionResponseTypes", []),
        )
