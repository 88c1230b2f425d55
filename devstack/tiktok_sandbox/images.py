"""Product image upload: multipart `data` + `use_case`, with TikTok's format, size and dimension rules."""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx
from tiktok_sandbox.state import Image

USE_CASES = frozenset({"MAIN_IMAGE", "ATTRIBUTE_IMAGE", "DESCRIPTION_IMAGE", "CERTIFICATION_IMAGE", "SIZE_CHART_IMAGE"})
MAX_BYTES = 10 * 1024 * 1024


def image_format(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "WEBP"
    if content.startswith(b"BM"):
        return "BMP"
    return None


def image_size(content: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) for PNG, BMP and JPEG; None when the header cannot be read."""
    if fmt == "PNG" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if fmt == "BMP" and len(content) >= 26:
        width, height = struct.unpack("<ii", content[18:26])
        return abs(int(width)), abs(int(height))
    if fmt == "JPEG":
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        length = struct.unpack(">H", content[index + 2 : index + 4])[0]
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def upload_image(ctx: Ctx) -> dict[str, Any]:
    use_case = ctx.form.get("use_case", "MAIN_IMAGE")
    if use_case not in USE_CASES:
        raise ApiError(codes.IMAGE_INVALID_FILE, f"use_case {use_case} is invalid.")
    upload = ctx.files.get("data")
    if upload is None:
        raise ApiError(codes.INVALID_CREDENTIAL, "param data is missing", 400)
    content = upload.read()
    if len(content) > MAX_BYTES:
        raise ApiError(codes.IMAGE_INVALID_FILE, "The image exceeds 10 MB.")
    fmt = image_format(content)
    if fmt is None:
        raise ApiError(codes.IMAGE_INVALID_FILE, "Unsupported image format; use JPG, JPEG, PNG, WEBP, HEIC or BMP.")
    size = image_size(content, fmt) or (0, 0)
    width, height = size
    if fmt != "WEBP":
        minimum = 300 if use_case == "MAIN_IMAGE" else 100
        maximum = 4000 if use_case == "MAIN_IMAGE" else 20000
        if not (minimum <= width <= maximum and minimum <= height <= maximum):
            raise ApiError(
                codes.IMAGE_INVALID_FILE,
                f"Image size {width}x{height} is outside [{minimum}x{minimum}, {maximum}x{maximum}] for {use_case}.",
            )
    digest = hashlib.sha256(content).hexdigest()[:32]
    uri = f"tos-maliva-i-o3syd03w52-us/{digest}"
    image = Image(
        uri=uri,
        url=f"{ctx.base_url}/_sandbox/images/{digest}.{fmt.lower()}",
        width=width,
        height=height,
        use_case=use_case,
    )
    with ctx.state.lock:
        ctx.state.images[uri] = image
    return {"uri": image.uri, "url": image.url, "width": width, "height": height, "use_case": use_case}
