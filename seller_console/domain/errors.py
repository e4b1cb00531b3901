"""The root of the domain's error tree: rule violations a caller can explain to a user."""


class DomainError(Exception):
    """A value or an operation that breaks a domain rule."""
