"""An unexpected error of an event handler: the user reads a Russian message with a reference number, and the log
has the error's stack under the same reference."""

from __future__ import annotations

import logging
import re

from cabinet.http_guard import shown_backend_error


def _failing_handler():
    raise ZeroDivisionError("division by zero in a handler")


def _shown_text(spec) -> str:
    """The JavaScript the toast event runs, its escaped characters read back."""
    return "".join(str(value) for _, value in spec.args).encode().decode("unicode_escape")


def test_an_unexpected_error_is_shown_in_russian_with_the_reference_the_log_has(caplog):
    try:
        _failing_handler()
    except ZeroDivisionError as error:
        raised = error
        with caplog.at_level(logging.ERROR, logger="cabinet.errors"):
            spec = shown_backend_error(raised)
    shown = _shown_text(spec)
    found = re.search(r"Не удалось выполнить действие: внутренняя ошибка № (\d{4}-\d{4})\.", shown)
    assert found is not None, shown
    assert "сообщите ее номер в службу поддержки" in shown
    assert "An error occurred" not in shown
    (record,) = [r for r in caplog.records if r.name == "cabinet.errors"]
    assert found[1] in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is raised
    logged = caplog.text
    assert "_failing_handler" in logged and "division by zero in a handler" in logged


def test_each_error_gets_its_own_reference(caplog):
    with caplog.at_level(logging.ERROR, logger="cabinet.errors"):
        references = {re.search(r"\d{4}-\d{4}", _shown_text(shown_backend_error(ValueError()))).group()
                      for _ in range(20)}
    assert len(references) > 15


def test_the_cabinet_app_has_it_as_its_backend_exception_handler_and_reflex_accepts_it():
    from cabinet.cabinet import app

    assert app.backend_exception_handler is shown_backend_error
    app._validate_exception_handlers()


def test_a_database_too_busy_where_no_handler_caught_it_says_so_and_logs_no_error(caplog):
    from cabinet.services.errors import Busy

    with caplog.at_level(logging.ERROR, logger="cabinet.errors"):
        shown = _shown_text(shown_backend_error(Busy()))
    assert "Сервер занят другими операциями. Повторите действие через несколько секунд." in shown
    assert "внутренняя ошибка" not in shown
    assert not [r for r in caplog.records if r.name == "cabinet.errors"]
