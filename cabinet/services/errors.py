"""Refusals the user reads: every one carries a Russian message."""


class DomainError(Exception):
    """A rule refused the action; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AccessDenied(DomainError):
    """The actor may not touch the object named. Says nothing about whether it exists."""

    def __init__(self, message: str = "Нет доступа к запрошенным данным."):
        super().__init__(message)


class SessionExpired(DomainError):
    def __init__(self, message: str = "Сеанс завершен. Войдите снова."):
        super().__init__(message)


class ItemRefused(DomainError):
    """A request's item cannot be done; `message` is the reason recorded as the item's result."""


class Busy(DomainError):
    """The database stayed locked past its timeout, and again when the action was run once more."""

    def __init__(self, message: str = "Сервер занят другими операциями. Повторите действие через несколько секунд."):
        super().__init__(message)
