"""`make run`: bring the database up to date, seed the demo when empty, say how to sign in, start the app."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

from cabinet import db, settings


def prepare() -> Sequence[tuple[str, str, str]]:
    """Migrate, seed when empty; return the demo sign-ins to print."""
    from cabinet import seed

    current = settings.get()
    current.data_dir.mkdir(parents=True, exist_ok=True)
    current.mail_dir.mkdir(parents=True, exist_ok=True)
    db.upgrade()
    with db.session_scope() as session:
        info = seed.ensure_demo(session) or seed.demo_info(session)
    return info.sign_ins


def banner(sign_ins: Sequence[tuple[str, str, str]]) -> str:
    current = settings.get()
    width = max(len(who) for who, _, _ in sign_ins)
    lines = [
        "",
        f"Личный кабинет: {current.public_url}",
        "",
        "Демо-входы:",
        *(f"  {who:<{width}}  {login:<14}  {password}" for who, login, password in sign_ins),
        "",
        f"Письма (embedded SMTP): {current.mail_dir}/*.eml" if current.embedded_smtp
        else f"Письма уходят на SMTP {current.smtp_host}:{current.smtp_port}",
        f"SMS-коды: {current.sms_log}",
        f"База данных: {current.database_url}",
        "Остановить: Ctrl-C",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    print(banner(prepare()), flush=True)
    port = str(settings.get().port)
    reflex = shutil.which("reflex", path=os.path.dirname(sys.executable)) or "reflex"
    os.execv(reflex, [reflex, "run", "--env", "prod", "--single-port", "--frontend-port", port,
                      "--backend-port", port, "--loglevel", "warning"])


if __name__ == "__main__":
    main()
