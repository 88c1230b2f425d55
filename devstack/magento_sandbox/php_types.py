"""How Magento's web API turns JSON scalars into the PHP types its data interfaces declare.

Source: GitHub magento/magento2, lib/internal/Magento/Framework/Reflection/TypeProcessor.php
(`processSimpleAndAnyType` and `setType`): a value for an `int` or `float` is cast with PHP's `settype` when
`is_numeric` accepts it ("4" -> 4, "19.5" -> 19.5, 19.5 for an int -> 19), a `bool` takes any scalar through
`filter_var(FILTER_VALIDATE_BOOLEAN)`, a `string` takes numbers and booleans, and anything else is refused
with 'The "%value" value's type is invalid. The "%type" type was expected. Verify and try again.', where
the value is the PHP string form of the scalar, or its `gettype()` ("array") for an array.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

# JSON-schema scalar type -> the PHP type name Magento's messages use.
PHP_TYPES = {"integer": "int", "number": "float", "string": "string", "boolean": "bool"}
# PHP's is_numeric (PHP 8): optional surrounding whitespace, a sign, digits with an optional fraction, and an
# optional exponent; no hex, no empty string.
_NUMERIC = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$")
_TRUE_WORDS = frozenset({"1", "true", "on", "yes"})


class UncastableValue(ValueError):
    """A value PHP would not cast; `shown` is how Magento prints it in the error message."""

    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown


def type_error_message(shown: str, php_type: str) -> str:
    return f'The "{shown}" value\'s type is invalid. The "{php_type}" type was expected. Verify and try again.'


def php_string(value: Any) -> str:
    """PHP's `(string)` of a JSON scalar: true -> "1", false -> "", 2.0 -> "2"; arrays print as their type."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, list | dict):
        return "array"
    return "" if value is None else str(value)


def is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMERIC.match(value) is not None


def cast_scalar(value: Any, json_type: str) -> Any:
    """`value` as Magento would pass it to a setter typed `json_type`; raises UncastableValue otherwise.

    None passes through unchanged, as it does in TypeProcessor (`$value !== null`).
    """
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise UncastableValue("array")
    if json_type == "boolean":
        if isinstance(value, bool):
            return value
        return php_string(value).strip().lower() in _TRUE_WORDS
    if json_type == "string":
        return value if isinstance(value, str) else php_string(value)
    if json_type in ("integer", "number"):
        if not is_numeric(value):
            raise UncastableValue(php_string(value))
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
        return int(number) if json_type == "integer" else float(number)
    return value
