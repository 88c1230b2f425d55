"""Product descriptions as TikTok takes them: well-formed HTML, at most 10,000 characters, images on TikTok.

Create Product: "The content must conform to the HTML syntax ... Max length: 10,000 characters ... You must use
TikTok Shop image URLs. Max 30 <img> tags, each under 4000px with src, width, and height attributes"
(lazykern/ecommerce-api-docs, products/create-product.spec.json, `description`). Magento descriptions carry
Page Builder markup, widget directives (`{{media url=...}}`, `{{widget ...}}`), scripts and styles; only
content tags are kept (their attributes dropped), directives are resolved or removed, and each `<img>` is
returned so the caller can upload it and put TikTok's URL in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

MAX_LENGTH = 10_000
MAX_IMAGES = 30
CONTENT_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "ul", "ol", "li", "h1", "h2", "h3", "h4",
        "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "blockquote", "span", "div", "hr", "img",
    }
)  # fmt: skip
VOID_TAGS = frozenset({"br", "hr", "img"})
_BLOCKS = ("p", "div", "ul", "ol", "table", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6")
# Open tags a start tag closes implicitly (the HTML spec's optional end tags), looked for up to a scope tag.
IMPLIED_END: dict[str, frozenset[str]] = {
    "li": frozenset({"li"}),
    "tr": frozenset({"tr", "td", "th"}),
    "td": frozenset({"td", "th"}),
    "th": frozenset({"td", "th"}),
    **{block: frozenset({"p"}) for block in _BLOCKS},
}
SCOPE_TAGS = frozenset({"ul", "ol", "table", "div", "blockquote", "td", "th", "li"})
# Their content is not text a buyer should see.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "head"}
)
_MEDIA_DIRECTIVE = re.compile(r"""\{\{\s*media\s+url\s*=\s*["']?([^"'}\s]+)["']?\s*\}\}""")
_ANY_DIRECTIVE = re.compile(r"\{\{.*?\}\}", re.DOTALL)


@dataclass(frozen=True)
class ImagePlaceholder:
    tag: str  # the exact `<img ...>` text in the sanitised HTML
    url: str  # absolute Magento URL of the image


@dataclass
class SanitisedDescription:
    html: str
    images: list[ImagePlaceholder] = field(default_factory=list)
    dropped_images: int = 0

    def with_images(self, uploaded: Mapping[str, tuple[str, int | None, int | None]]) -> str:
        """The HTML with each image's TikTok URL and size (`url` -> (tiktok url, width, height)); images
        without an upload are removed."""
        text = self.html
        for image in self.images:
            found = uploaded.get(image.url)
            if found is None or found[1] is None or found[2] is None:
                text = text.replace(image.tag, "", 1)
                continue
            tiktok_url, width, height = found
            tag = f'<img src="{escape(tiktok_url)}" width="{width}" height="{height}">'
            text = text.replace(image.tag, tag, 1)
        return text

    @property
    def text_length(self) -> int:
        return len(self.html)


class _Cleaner(HTMLParser):
    def __init__(self, resolve_url: Callable[[str], str | None]):
        super().__init__(convert_charrefs=True)
        self._resolve = resolve_url
        self.out: list[str] = []
        self.open: list[str] = []
        self.images: list[ImagePlaceholder] = []
        self.dropped_images = 0
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skip_depth += 1
            return
        if self._skip_depth or tag not in CONTENT_TAGS:
            return
        if tag == "img":
            self._image(dict(attrs).get("src"))
            return
        self._close_implied(tag)
        self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def _close_implied(self, tag: str) -> None:
        """HTML's optional end tags: a new item closes the open one, a block closes an open paragraph."""
        closers = IMPLIED_END.get(tag)
        if not closers:
            return
        for index in range(len(self.open) - 1, -1, -1):
            open_tag = self.open[index]
            if open_tag in closers:
                while len(self.open) > index:
                    self.out.append(f"</{self.open.pop()}>")
                return
            if open_tag in SCOPE_TAGS:
                return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth or tag not in self.open:
            return
        # Close what was left open inside it, so the result stays well-formed.
        while self.open:
            inner = self.open.pop()
            self.out.append(f"</{inner}>")
            if inner == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.out.append(escape(data, quote=False))

    def _image(self, src: str | None) -> None:
        url = self._resolve(src) if src else None
        if url is None or len(self.images) >= MAX_IMAGES:
            self.dropped_images += 1
            return
        tag = f'<img src="{escape(url)}">'
        self.images.append(ImagePlaceholder(tag=tag, url=url))
        self.out.append(tag)

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitise_description(raw: str, media_base_url: str) -> SanitisedDescription:
    """Clean Magento HTML for TikTok; `media_base_url` resolves `{{media url=...}}` and relative images."""
    base = media_base_url.rstrip("/")
    text = _MEDIA_DIRECTIVE.sub(lambda m: f"{base}/{m.group(1).lstrip('/')}", raw)
    text = _ANY_DIRECTIVE.sub("", text)

    def resolve(src: str) -> str | None:
        src = src.strip()
        if src.startswith(("http://", "https://")):
            return src
        if src.startswith("//"):
            return "https:" + src
        if src and not src.startswith(("data:", "javascript:")):
            return f"{base}/{src.lstrip('/')}"
        return None

    cleaner = _Cleaner(resolve)
    cleaner.feed(text)
    cleaner.close()
    html = re.sub(r"(<p>\s*</p>)+", "", cleaner.result()).strip()
    return SanitisedDescription(html=html, images=cleaner.images, dropped_images=cleaner.dropped_images)
