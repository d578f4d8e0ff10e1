"""A sink that answers as a real mail server may: refusing chosen addresses, the sender or the message."""

from __future__ import annotations

import pytest

from cabinet import settings
from cabinet.delivery import smtp_sink


class RefusingHandler(smtp_sink.MaildirHandler):
    """The embedded sink's handler, but RCPT TO of an address in `replies` is answered with its reply (e.g.
    «550 5.1.1 User unknown»), MAIL FROM with `mail_reply` and DATA with `data_reply` when they are set; the
    envelopes of the messages it took are kept in `delivered`."""

    def __init__(self, mail_dir):
        super().__init__(mail_dir)
        self.replies: dict[str, str] = {}
        self.mail_reply = ""
        self.data_reply = ""
        self.delivered: list[list[str]] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's name
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address in self.replies:
            return self.replies[address]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.data_reply:
            return self.data_reply
        self.delivered.append(list(envelope.rcpt_tos))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_sink(embedded_mail):
    """The refusing handler of a sink listening on the test's own port: set its replies, then send."""
    handler = RefusingHandler(settings.get().mail_dir)
    sink = smtp_sink.start_sink(handler=handler)
    yield handler
    sink.stop()
