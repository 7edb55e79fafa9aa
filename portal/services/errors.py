class DomainError(Exception):
    """A rule said no. `code` names the rule (tests and views match on it),
    `field` names the form field it belongs next to, `params` fill the message."""

    def __init__(self, code, field=None, **params):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def __repr__(self):
        return f"{type(self).__name__}({self.code!r}, field={self.field!r}, {self.params!r})"


class RegistrationError(DomainError):
    pass
