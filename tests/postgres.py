"""Run a command beside a throw-away PostgreSQL server on loopback: python -m tests.postgres CMD ARGS...

The server lives in a temporary folder and is stopped and removed afterwards. PostgreSQL refuses to run as
root, so as root the cluster belongs to the `postgres` user and its commands run through runuser.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        sys.exit(f"PostgreSQL's {name} was not found: install the Debian package postgresql.")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start a server; yield its SQLAlchemy URL."""
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = tempfile.mkdtemp(prefix="cabinet-pg-")
    data = os.path.join(folder, "data")
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    subprocess.run([*run_as, _bin("initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-locale"], check=True, stdout=subprocess.DEVNULL)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off " \
              "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    subprocess.run([*run_as, _bin("pg_ctl"), "-D", data, "-o", options, "-l", os.path.join(folder, "log"),
                    "-w", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, _bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    command = sys.argv[1:]
    if not command:
        sys.exit("usage: python -m tests.postgres COMMAND [ARGS...]")
    with server() as url:
        print(f"PostgreSQL for the tests: {url}", flush=True)
        return subprocess.call(command, env={**os.environ, "TEST_DATABASE_URL": url})


if __name__ == "__main__":
    sys.exit(main())
