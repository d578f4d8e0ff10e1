"""Getting messages out: the e-mail outbox and its sender, the embedded SMTP sink, the SMS gateway."""

from cabinet.delivery.outbox import Attachment, enqueue_email, new_message_id

__all__ = ["Attachment", "enqueue_email", "new_message_id"]
