"""Descriptions cleaned to what TikTok takes; identifier codes checked; weights and sizes in the region's units."""

from __future__ import annotations

import pytest

from tts_connector.product_push.description import sanitise_description
from tts_connector.product_push.identifiers import identifier_problem
from tts_connector.product_push.units import package_dimension, package_weight

MEDIA = "https://shop.example.com/media/"


def test_scripts_styles_directives_and_attributes_go_content_tags_stay_well_formed() -> None:
    raw = (
        '<div data-content-type="row" style="x"><p onclick="steal()">Soft <b>cotton</b> &amp; more'
        '<script>alert(1)</script><style>p{}</style>{{widget type="x"}}'
        '<ul><li>One<li>Two</ul><a href="https://elsewhere.example">link</a><iframe src="x">hidden</iframe>'
    )

    cleaned = sanitise_description(raw, MEDIA)

    assert cleaned.html == "<div><p>Soft <b>cotton</b> &amp; more</p><ul><li>One</li><li>Two</li></ul>link</div>"
    assert "script" not in cleaned.html and "alert" not in cleaned.html and "onclick" not in cleaned.html
    assert "widget" not in cleaned.html and "hidden" not in cleaned.html and "href" not in cleaned.html
    assert cleaned.html.count("<ul>") == cleaned.html.count("</ul>") == 1
    assert cleaned.html.count("<li>") == cleaned.html.count("</li>")


def test_images_are_resolved_then_replaced_by_tiktok_urls_with_their_size() -> None:
    raw = '<p>Look</p><img src="{{media url="wysiwyg/a.jpg"}}"><img src="/catalog/b.png"><img src="data:x">'

    cleaned = sanitise_description(raw, MEDIA)

    assert [i.url for i in cleaned.images] == [
        "https://shop.example.com/media/wysiwyg/a.jpg",
        "https://shop.example.com/media/catalog/b.png",
    ]
    assert cleaned.dropped_images == 1
    final = cleaned.with_images({cleaned.images[0].url: ("https://p16.tiktokcdn.com/a.jpg", 800, 600)})
    assert final == '<p>Look</p><img src="https://p16.tiktokcdn.com/a.jpg" width="800" height="600">'


@pytest.mark.parametrize(
    ("code", "kind", "ok"),
    [
        ("4006381333931", "EAN", True),
        ("4006381333932", "EAN", False),  # check digit
        ("036000291452", "UPC", True),
        ("03600029145", "UPC", False),  # 11 digits
        ("00012345600012", "GTIN", True),
        ("9780306406157", "ISBN", True),
        ("030640615X", "ISBN", False),
        ("080442957X", "ISBN", True),
        ("49123457", "JAN", False),
        ("4912345678904", "JAN", True),
    ],
)
def test_identifier_codes_follow_tiktoks_formats_and_gs1_check_digits(code: str, kind: str, ok: bool) -> None:
    assert (identifier_problem(code, kind) is None) is ok


def test_weights_and_dimensions_follow_the_region() -> None:
    assert package_weight(0.3, "kgs", "US") == ("0.3", "KILOGRAM")
    assert package_weight(2.0, "lbs", "US") == ("2", "POUND")
    assert package_weight(2.0, "lbs", "GB") == ("0.907", "KILOGRAM")
    assert package_weight(0.0001, "kgs", "GB") == ("0.001", "KILOGRAM")
    assert package_dimension(30, "CENTIMETER", "KILOGRAM") == "30"
    assert package_dimension(25.4, "CENTIMETER", "POUND") == "10"
    assert package_dimension(10.1, "CENTIMETER", "POUND") == "4"  # rounded up, never smaller than the box
    assert package_dimension(3, "INCH", "KILOGRAM") == "8"
