"""Identifier codes: TikTok's formats (create-product spec, `identifier_code.code`) plus the check digit.

"GTIN: 14 digits; EAN: 8, 13, or 14 digits; UPC: 12 digits; ISBN: 13 digits, or 9 digits ending in capital X;
JAN: 8 or 13 digits", and the code "can only be modified when the product is in DRAFT status" - so a typo is
caught here, before it is fixed on TikTok for good. GTIN, EAN, UPC and JAN are GS1 numbers (mod-10 check
digit); ISBN-13 is GS1 too, and the 10-character form ends in a mod-11 check (X for 10).
"""

from __future__ import annotations

import re

FORMATS = {
    "GTIN": (re.compile(r"^\d{14}$"), "14 digits"),
    "EAN": (re.compile(r"^(\d{8}|\d{13}|\d{14})$"), "8, 13 or 14 digits"),
    "UPC": (re.compile(r"^\d{12}$"), "12 digits"),
    "ISBN": (re.compile(r"^(\d{13}|\d{9}[\dX])$"), "13 digits, or 9 digits and a check digit or X"),
    "JAN": (re.compile(r"^(\d{8}|\d{13})$"), "8 or 13 digits"),
}


def gs1_check_digit_ok(code: str) -> bool:
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def isbn10_ok(code: str) -> bool:
    total = sum((10 - i) * int(c) for i, c in enumerate(code[:9]))
    check = 10 if code[9] == "X" else int(code[9])
    return (total + check) % 11 == 0


def identifier_problem(code: str, kind: str) -> str | None:
    """Why `code` is not a valid identifier of `kind`, or None."""
    fmt = FORMATS.get(kind)
    if fmt is None:
        return f"identifier type {kind} is not one TikTok knows (GTIN, EAN, UPC, ISBN, JAN)"
    pattern, described = fmt
    if not pattern.match(code):
        return f"'{code}' is not a valid {kind}: TikTok wants {described}"
    valid = isbn10_ok(code) if kind == "ISBN" and len(code) == 10 else gs1_check_digit_ok(code)
    if not valid:
        return f"'{code}' is not a valid {kind}: its check digit is wrong (a typo?)"
    return None
