"""The one exception the request pipeline raises to answer with a Tencent Cloud error."""


class ApiError(Exception):
    """An error answer: HTTP 200 with Response.Error.Code and Response.Error.Message."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self):
        return '%s: %s' % (self.code, self.message)


class DataFileError(Exception):
    """The data file cannot be used; the message names the offending entry, never a secret value."""
