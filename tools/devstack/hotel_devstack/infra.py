"""Infrastructure for the stack: configured URLs, or SecantusDB and RabbitMQ started under var/."""

from __future__ import annotations

from pathlib import Path

from hotel_devstack.processes import ProcessTable
from hotel_shared.testing.servers import RabbitNode, SecantusServer, amqp_answers, port_answers

SYSTEM_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


class StackError(RuntimeError):
    """Part of the stack failed to start; the message names it and quotes its log."""


class Infrastructure:
    """Mongo and AMQP for one stack. A URL given is used as is; otherwise SecantusDB runs on
    `mongo_port`, and the system broker is used when it answers (unless `private_broker`), else a
    private RabbitMQ node runs with its data in var/rabbitmq."""

    def __init__(
        self,
        var_dir: Path,
        processes: ProcessTable,
        *,
        mongo_url: str | None,
        mongo_port: int,
        amqp_url: str | None,
        private_broker: bool,
        rabbit_port: int | None,
    ):
        self.var_dir = var_dir
        self.processes = processes
        self.mongo_url = mongo_url
        self.mongo_port = mongo_port
        self.amqp_url = amqp_url
        # Configured URLs are used as they are; anything else is ours to (re)start when dead,
        # also by a later resolve() of the same stack (after a crash or a chaos kill).
        self._mongo_configured = mongo_url is not None
        self._amqp_configured = amqp_url is not None
        self.private_broker = private_broker
        self.rabbit_port = rabbit_port

    def resolve(self) -> tuple[str, str]:
        """Return (mongo_url, amqp_url), starting whatever is needed and not yet running."""
        mongo = self._start_mongo_unless_configured()
        rabbit = self._start_broker_unless_available()
        # Both start in parallel; waiting afterwards overlaps their start-up times.
        if mongo is not None:
            mongo.wait_ready(timeout=30)
        if rabbit is not None:
            rabbit.wait_ready(timeout=90)
        return self.mongo_url, self.amqp_url

    def _start_mongo_unless_configured(self) -> SecantusServer | None:
        if self._mongo_configured:
            return None
        server = SecantusServer(
            self.mongo_port, self.var_dir / "mongo", self.var_dir / "log" / "mongo.log"
        )
        self.mongo_url = server.url
        if self.processes.alive_pid("mongo"):
            return None
        if port_answers("127.0.0.1", self.mongo_port):
            raise StackError(
                f"127.0.0.1:{self.mongo_port} is taken by a process devstack did not start: "
                "stop it, or point MONGO_URL at it"
            )
        server.start()
        self.processes.record("mongo", server.pid)
        return server

    def _start_broker_unless_available(self) -> RabbitNode | None:
        if self._amqp_configured or self.amqp_url == SYSTEM_BROKER_URL:
            return None
        alive = self.processes.alive_pid("rabbitmq")
        if not alive and not self.private_broker and amqp_answers(SYSTEM_BROKER_URL):
            self.amqp_url = SYSTEM_BROKER_URL
            return None
        node = RabbitNode(self._rabbit_port(), self.var_dir / "rabbitmq")
        self.amqp_url = node.url
        if alive:
            return None
        node.start()
        self.processes.record("rabbitmq", node.pid)
        return node

    def _rabbit_port(self) -> int:
        # The node's name (and so its Mnesia dir) embeds the port: keep it across restarts.
        port_file = self.var_dir / "rabbitmq" / "port"
        if self.rabbit_port is None and port_file.exists():
            self.rabbit_port = int(port_file.read_text())
        if self.rabbit_port is None:
            free = [port for port in (5672, 5673) if not port_answers("127.0.0.1", port)]
            if not free:
                raise StackError("ports 5672 and 5673 are both taken; set AMQP_URL or rabbit_port")
            self.rabbit_port = free[0]
        port_file.parent.mkdir(parents=True, exist_ok=True)
        port_file.write_text(f"{self.rabbit_port}\n")
        return self.rabbit_port
