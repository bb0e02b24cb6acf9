"""Reading JSON schedule files (frab JSON, schedule v2, Sessionize): strict UTF-8, errors at
their line and column, and typed access that names the JSON path of anything unexpected."""

from __future__ import annotations

import re

from ._shared import kind_of, long_number_error
from .errors import FormatError, decode_utf8


def load_json(data: bytes, *, format: str) -> object:
    """Strict UTF-8 JSON, with line and column on syntax errors (truncation included)."""
    import json  # noqa: PLC0415 - only the JSON formats need it

    text = decode_utf8(data, format=format)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"invalid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}", format=format
        ) from None
    except ValueError:  # only the int digit limit: every syntax error is a JSONDecodeError
        raise long_number_error(text, format=format) from None
    except RecursionError:
        raise FormatError("JSON nested too deeply", format=format) from None


class JsonPath:
    """Typed access to parsed JSON that reports the JSON path of anything unexpected."""

    def __init__(self, format: str) -> None:
        self.format = format

    def fail(self, message: str, path: str) -> FormatError:
        return FormatError(message, path, format=self.format)

    def obj(self, value: object, path: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(f"expected an object, found {kind_of(value)}", path)
        return value

    def arr(self, value: object, path: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"expected an array, found {kind_of(value)}", path)
        return value

    def text(self, parent: dict, key: str, path: str, *, required: bool = False) -> str:
        value = parent.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing {key!r}", path)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(f"{key!r} should be a string, found {kind_of(value)}", f"{path}.{key}")
        return str(value).strip()

    def integer(self, parent: dict, key: str, path: str) -> int | None:
        value = parent.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                f"{key!r} should be an integer, found {kind_of(value)}", f"{path}.{key}"
            )
        return value
