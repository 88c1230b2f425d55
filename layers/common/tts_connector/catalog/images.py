"""Product images on TikTok: downloaded from Magento's media URL, uploaded once per unique content.

The SHA-256 of an image's bytes keys its TikTok uri in MappingsTable (`IMAGE#<shop>` / `<use case>#<digest>`),
so an image shared by many products (a brand banner, a colour swatch) is uploaded once. Concurrent workers
meeting the same new image take a short lease: one uploads, the others wait for its uri instead of
uploading again; a lease left by a crashed worker expires and is taken over.
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError

from tts_connector.catalog.memo import TtlCache
from tts_connector.errors import InvalidInputError, TransientError
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.catalog import UploadedImage

MAX_BYTES = 10 * 1024 * 1024  # TikTok's upload limit (reference §4.5)
LEASE_SECONDS = 30.0
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "BMP": "image/bmp", "HEIC": "image/heic"}
# Pixel bounds per use case (reference §4.5): main images [300, 4000], others [100, 20000].
BOUNDS = {"MAIN_IMAGE": (300, 4000)}
DEFAULT_BOUNDS = (100, 20000)


class ImageRejected(InvalidInputError):
    """The image cannot go to TikTok as it is (format, size); the merchant replaces it in Magento."""

    code = "image_rejected"


@dataclass(frozen=True)
class StoredImage:
    digest: str
    uri: str
    url: str
    width: int | None = None
    height: int | None = None


class ImageStore(Protocol):
    def get(self, shop_id: str, key: str) -> StoredImage | None: ...

    def claim(self, shop_id: str, key: str, now: float, lease: float) -> bool:
        """Take the upload of `key` unless another worker holds an unexpired lease (or it is done)."""
        ...

    def save(self, shop_id: str, key: str, image: StoredImage) -> None: ...


class DynamoDBImageStore:
    def __init__(self, table: Any):
        self._table = table

    def get(self, shop_id: str, key: str) -> StoredImage | None:
        item = self._table.get_item(Key={"pk": f"IMAGE#{shop_id}", "sk": key}, ConsistentRead=True).get("Item")
        if not item or item.get("state") != "READY":
            return None
        return StoredImage(
            digest=str(item["digest"]),
            uri=str(item["uri"]),
            url=str(item.get("url", "")),
            width=int(item["width"]) if item.get("width") is not None else None,
            height=int(item["height"]) if item.get("height") is not None else None,
        )

    def claim(self, shop_id: str, key: str, now: float, lease: float) -> bool:
        try:
            self._table.put_item(
                Item={"pk": f"IMAGE#{shop_id}", "sk": key, "state": "UPLOADING", "lease_until": int(now + lease)},
                ConditionExpression="attribute_not_exists(pk) OR (#s = :uploading AND lease_until < :now)",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":uploading": "UPLOADING", ":now": int(now)},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def save(self, shop_id: str, key: str, image: StoredImage) -> None:
        item: dict[str, Any] = {
            "pk": f"IMAGE#{shop_id}",
            "sk": key,
            "state": "READY",
            "digest": image.digest,
            "uri": image.uri,
            "url": image.url,
        }
        if image.width is not None and image.height is not None:
            item |= {"width": image.width, "height": image.height}
        self._table.put_item(Item=item)


def image_format(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "WEBP"
    if content.startswith(b"BM"):
        return "BMP"
    if content[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "HEIC"
    return None


def image_size(content: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) read from the header of a PNG, BMP or JPEG; None for other formats."""
    if fmt == "PNG" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if fmt == "BMP" and len(content) >= 26:
        width, height = struct.unpack("<ii", content[18:26])
        return abs(int(width)), abs(int(height))
    if fmt == "JPEG":
        index = 2
        while index + 9 < len(content) and content[index] == 0xFF:
            marker = content[index + 1]
            length = struct.unpack(">H", content[index + 2 : index + 4])[0]
            # SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[index + 5 : index + 9])
                return int(width), int(height)
            index += 2 + length
    return None


def check_image(content: bytes, name: str, use_case: str) -> tuple[str, tuple[int, int] | None]:
    """The image's format and size, or ImageRejected saying what TikTok would refuse and why."""
    if len(content) > MAX_BYTES:
        raise ImageRejected(f"image {name} is {len(content) // 1024} KB; TikTok accepts at most 10 MB")
    fmt = image_format(content)
    if fmt is None:
        raise ImageRejected(f"image {name} is not a JPG, PNG, WEBP, HEIC or BMP file, the formats TikTok accepts")
    size = image_size(content, fmt)
    low, high = BOUNDS.get(use_case, DEFAULT_BOUNDS)
    if size is not None and not all(low <= side <= high for side in size):
        raise ImageRejected(
            f"image {name} is {size[0]}x{size[1]} pixels; TikTok needs {low}x{low} to {high}x{high} for "
            f"{use_case.lower().replace('_', ' ')}s"
        )
    return fmt, size


@dataclass(frozen=True)
class PreparedImage:
    url: str
    name: str
    digest: str
    fmt: str
    size: tuple[int, int] | None
    use_case: str
    # The bytes when this process just downloaded them (None: known from an earlier download).
    content: bytes | None = None


Upload = Callable[[ShopRef, bytes, str, str, str], UploadedImage]
Download = Callable[[str], bytes]


class ImageUploader:
    """Turns Magento media URLs into TikTok image uris, uploading each distinct image once per shop."""

    # URL -> (digest, format, size): a Magento media file keeps its content (a replaced image gets a new
    # file name), so a warm worker need not download it again for the next product that uses it.
    _seen: TtlCache[str, tuple[str, str, tuple[int, int] | None]] = TtlCache(600.0)
    # (shop, use case + digest) -> its TikTok image once known: a remembered uri never changes.
    _uris: TtlCache[tuple[str, str], StoredImage | None] = TtlCache(600.0)

    def __init__(
        self,
        store: ImageStore,
        upload: Upload,
        download: Download,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        lease: float = LEASE_SECONDS,
    ):
        self._store = store
        self._upload = upload
        self._download = download
        self._clock = clock
        self._sleep = sleep
        self._lease = lease
        self.uploads = 0

    def prepare(self, url: str, use_case: str = "MAIN_IMAGE") -> PreparedImage:
        """Download and check an image (ImageRejected says what TikTok would refuse); nothing is uploaded."""
        name = url.rsplit("/", 1)[-1]
        content: bytes | None = None

        def inspect() -> tuple[str, str, tuple[int, int] | None]:
            nonlocal content
            content = self._download(url)
            fmt, size = check_image(content, name, use_case)
            return hashlib.sha256(content).hexdigest(), fmt, size

        digest, fmt, size = self._seen.get_or_load(f"{use_case}#{url}", inspect)
        return PreparedImage(url, name, digest, fmt, size, use_case, content)

    def upload(self, shop: ShopRef, image: PreparedImage) -> StoredImage:
        """TikTok's uri for the image: the one remembered for its content, else a new upload (once)."""
        key = f"{image.use_case}#{image.digest}"
        known = self._uris.get_or_load((shop.shop_id, key), lambda: self._store.get(shop.shop_id, key))
        if known is not None:
            return known
        self._uris.forget((shop.shop_id, key))
        content = image.content if image.content is not None else self._download(image.url)
        stored = self._upload_once(shop, key, image.digest, content, image.name, image.fmt, image.use_case)
        self._uris.get_or_load((shop.shop_id, key), lambda: stored)
        return stored

    def image_for_url(self, shop: ShopRef, url: str, use_case: str = "MAIN_IMAGE") -> StoredImage:
        return self.upload(shop, self.prepare(url, use_case))

    def _upload_once(
        self, shop: ShopRef, key: str, digest: str, content: bytes, name: str, fmt: str, use_case: str
    ) -> StoredImage:
        deadline = self._clock() + self._lease + 5
        while True:
            if self._store.claim(shop.shop_id, key, self._clock(), self._lease):
                uploaded = self._upload(shop, content, name, FORMATS[fmt], use_case)
                self.uploads += 1
                image = StoredImage(digest, uploaded.uri, uploaded.url, uploaded.width, uploaded.height)
                self._store.save(shop.shop_id, key, image)
                return image
            # Another worker is uploading the same image: wait for its uri.
            self._sleep(0.1)
            stored = self._store.get(shop.shop_id, key)
            if stored is not None:
                return stored
            if self._clock() > deadline:
                raise TransientError(f"Image {name} is being uploaded by another worker for too long; retry")


def http_download(session: Any, timeout: tuple[float, float] = (3.05, 20.0)) -> Download:
    """Download a Magento media file (a plain public URL); a missing file is the merchant's to fix."""
    import requests

    def download(url: str) -> bytes:
        try:
            response = session.get(url, timeout=timeout, stream=True)
        except requests.RequestException as exc:
            raise TransientError(f"Magento media {url} did not answer ({type(exc).__name__})") from None
        with response:
            if response.status_code == 404:
                raise ImageRejected(f"image {url.rsplit('/', 1)[-1]} is missing from Magento's media ({url})")
            if response.status_code >= 500 or response.status_code == 429:
                raise TransientError(f"Magento media {url} answered HTTP {response.status_code}")
            if response.status_code != 200:
                raise ImageRejected(f"image {url} could not be read: HTTP {response.status_code}")
            content = b""
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > MAX_BYTES:
                    raise ImageRejected(f"image {url.rsplit('/', 1)[-1]} is larger than TikTok's 10 MB")
            return content

    return download
