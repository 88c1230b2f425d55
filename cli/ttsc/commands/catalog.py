"""Catalog mapping: TikTok and Magento category trees, category mappings, TikTok attributes and their mappings."""

from __future__ import annotations

import argparse
from typing import Any

from ttsc.output import table, when
from ttsc.transport import AdminApi, CliError


def _query(**values: Any) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in values.items() if v not in (None, False)}


def _mapping_text(mapping: dict[str, Any] | None) -> str:
    if not mapping:
        return "-"
    path = " > ".join(mapping.get("tiktok_category_path") or []) or mapping["tiktok_category_id"]
    return f"{path} ({mapping['tiktok_category_id']})"


def cmd_tree(api: AdminApi, args: argparse.Namespace) -> Any:
    if args.tiktok:
        tree = api.call(
            "GET",
            "/admin/catalog/tiktok-categories",
            query=_query(shop=args.shop, parent=args.parent, depth=args.depth, refresh=args.refresh),
        )
        if args.json:
            return tree
        lines = [f"TikTok categories ({tree['category_version']}, read {when(tree['fetched_at'])}):"]
        base = min((c["depth"] for c in tree["categories"]), default=1)
        for c in tree["categories"]:
            leaf = "  [leaf]" if c["is_leaf"] else ""
            lines.append(f"{'  ' * (c['depth'] - base)}{c['id']}  {c['name']}{leaf}")
        if tree["truncated"]:
            lines.append("... (more below: use --parent ID or --depth N)")
        return "\n".join(lines)
    categories = api.call("GET", "/admin/catalog/magento-categories", query=_query(shop=args.shop))
    if args.json:
        return categories
    rows = []
    for c in categories:
        if c["level"] < 1:
            continue
        if c.get("mapping"):
            target = _mapping_text(c["mapping"])
        elif c.get("inherited"):
            target = f"{_mapping_text(c['inherited'])}, from {c['inherited_from']}"
        else:
            target = "-"
        rows.append([c["id"], "  " * max(0, c["level"] - 1) + c["name"], target])
    return table(rows, ["ID", "MAGENTO CATEGORY", "TIKTOK CATEGORY"])


def cmd_search(api: AdminApi, args: argparse.Namespace) -> Any:
    found = api.call(
        "GET",
        "/admin/catalog/tiktok-categories/search",
        query=_query(keyword=args.keyword, shop=args.shop) | {"leaves_only": str(not args.all_levels).lower()},
    )
    if args.json:
        return found
    if not found:
        return f"No TikTok category contains {args.keyword!r}."
    return table([[c["id"], " > ".join(c["path"]), "leaf" if c["is_leaf"] else ""] for c in found], ["ID", "PATH", ""])


def cmd_map(api: AdminApi, args: argparse.Namespace) -> Any:
    mapping = api.call(
        "PUT",
        f"/admin/catalog/category-mappings/{args.magento_category}",
        {"tiktok_category_id": args.tiktok_category, **({"shop_id": args.shop} if args.shop else {})},
    )
    if args.json:
        return mapping
    magento = f"{mapping['magento_category_name']} ({mapping['magento_category_id']})"
    return f"Mapped Magento {magento} to TikTok {_mapping_text(mapping)}."


def cmd_unmap(api: AdminApi, args: argparse.Namespace) -> Any:
    result = api.call(
        "DELETE", f"/admin/catalog/category-mappings/{args.magento_category}", query=_query(shop=args.shop)
    )
    return result if args.json else f"Magento category {args.magento_category} is no longer mapped."


def cmd_recommend(api: AdminApi, args: argparse.Namespace) -> Any:
    found = api.call(
        "POST",
        f"/admin/catalog/category-mappings/{args.magento_category}/recommend",
        query=_query(shop=args.shop, apply=args.apply),
    )
    if args.json:
        return found
    lines = [found["message"]]
    if found.get("recommended"):
        leaf = found["recommended"]
        lines.append(f"  {leaf['id']}  {' > '.join(leaf['path'])}")
        if found.get("applied"):
            lines.append(f"Mapped Magento category {args.magento_category} to it.")
        else:
            lines.append(f"Map it with: ttsc categories map {args.magento_category} {leaf['id']}")
    return "\n".join(lines)


def _report_text(report: dict[str, Any]) -> str:
    lines = [f"TikTok category {report['category_id']}: {' > '.join(report['category_path'])}"]
    rows = []
    for a in report["attributes"]:
        required = (
            "required" if a["required"] else ("when " + ",".join(a["required_when"]) if a["required_when"] else "")
        )
        rows.append(
            [a["id"], a["name"], "sales" if a["type"] == "SALES_PROPERTY" else "product", required, a["source"]]
        )
    lines.append(table(rows, ["ID", "ATTRIBUTE", "KIND", "REQUIRED", "FROM"]))
    fields = report["product_fields"]
    dims = [fields.get(f"package_{s}_attribute") for s in ("length", "width", "height")]
    lines.append(
        f"Brand: {fields.get('brand_attribute') or '-'}; package: "
        f"{', '.join(str(d) for d in dims) if all(dims) else '-'} ({fields.get('package_dimension_unit')}); "
        f"identifier: {fields.get('identifier_attribute') or '-'} ({fields.get('identifier_type') or '-'}); "
        "weight: Magento weight"
    )
    if report["missing"]:
        lines.append("Still missing:")
        lines += [f"  - {m}" for m in report["missing"]]
    else:
        lines.append("Nothing missing: products of this category can be pushed.")
    return "\n".join(lines)


def cmd_attributes_show(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("GET", f"/admin/catalog/attributes/{args.category}", query=_query(shop=args.shop))
    return report if args.json else _report_text(report)


def cmd_attributes_auto(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("POST", f"/admin/catalog/attributes/{args.category}/auto", query=_query(shop=args.shop))
    return report if args.json else "Saved the exact-name matches.\n" + _report_text(report)


FIELD_OPTIONS = {
    "brand": "brand_attribute",
    "package_length": "package_length_attribute",
    "package_width": "package_width_attribute",
    "package_height": "package_height_attribute",
    "identifier": "identifier_attribute",
}


def cmd_attributes_map(api: AdminApi, args: argparse.Namespace) -> Any:
    fields = {
        name: getattr(args, option) for option, name in FIELD_OPTIONS.items() if getattr(args, option) is not None
    }
    if args.dimension_unit:
        fields["package_dimension_unit"] = {"cm": "CENTIMETER", "inch": "INCH"}[args.dimension_unit]
    if args.identifier_type:
        fields["identifier_type"] = args.identifier_type
    results: dict[str, Any] = {}
    lines = []
    if fields:
        saved = api.call("PUT", "/admin/catalog/product-fields", fields | ({"shop_id": args.shop} if args.shop else {}))
        results["product_fields"] = saved
        lines.append("Product fields: " + ", ".join(f"{k}={v}" for k, v in saved.items() if v is not None))
    if args.tiktok_attribute:
        if args.remove:
            results["removed"] = api.call(
                "DELETE",
                f"/admin/catalog/attribute-mappings/{args.tiktok_attribute}",
                query=_query(shop=args.shop, category=args.category),
            )
            lines.append(
                f"TikTok attribute {args.tiktok_attribute} is no longer mapped"
                + (f" in {args.category}." if args.category else " shop-wide.")
            )
        else:
            values = {}
            for pair in args.value:
                label, sep, target = pair.partition("=")
                if not sep or not label or not target:
                    raise CliError(f"--value takes MAGENTO_LABEL=TIKTOK_VALUE_ID, not {pair!r}")
                values[label] = target
            body: dict[str, Any] = {"tiktok_attribute_id": args.tiktok_attribute, "values": values}
            for key, value in (
                ("shop_id", args.shop),
                ("category_id", args.category),
                ("magento_attribute", args.magento_attribute),
                ("fixed_value_id", args.value_id),
                ("fixed_value_name", args.value_name),
            ):
                if value is not None:
                    body[key] = value
            mapping = api.call("PUT", "/admin/catalog/attribute-mappings", body)
            results["mapping"] = mapping
            source = (
                mapping.get("magento_attribute") or mapping.get("fixed_value_id") or mapping.get("fixed_value_name")
            )
            where = f"in category {mapping['category_id']}" if mapping.get("category_id") else "shop-wide"
            lines.append(
                f"TikTok '{mapping['tiktok_attribute_name']}' ({mapping['tiktok_attribute_id']}) {where} <- {source}"
            )
    if not results:
        raise CliError("Nothing to map: give a TikTok attribute id, or --brand/--package-*/--identifier")
    return results if args.json else "\n".join(lines)


def register(sub: Any) -> None:
    categories = sub.add_parser("categories", help="category trees and category mappings").add_subparsers(
        dest="categories_command", required=True
    )
    tree = categories.add_parser(
        "tree", help="Magento's categories and their TikTok mapping (or --tiktok: TikTok's tree)"
    )
    tree.add_argument("--shop")
    tree.add_argument("--tiktok", action="store_true", help="show the shop's TikTok category tree instead")
    tree.add_argument("--parent", default="0", help="with --tiktok: the tree below this category")
    tree.add_argument("--depth", type=int, default=3)
    tree.add_argument("--refresh", action="store_true", help="with --tiktok: read the tree from TikTok again")
    tree.set_defaults(run=cmd_tree)
    search = categories.add_parser("search", help="TikTok leaf categories whose name contains KEYWORD")
    search.add_argument("keyword")
    search.add_argument("--shop")
    search.add_argument("--all-levels", action="store_true", help="not only leaves")
    search.set_defaults(run=cmd_search)
    mapping = categories.add_parser("map", help="map a Magento category (any level) to a TikTok leaf category")
    mapping.add_argument("magento_category", type=int)
    mapping.add_argument("tiktok_category")
    mapping.add_argument("--shop")
    mapping.set_defaults(run=cmd_map)
    unmap = categories.add_parser("unmap", help="remove a Magento category's mapping")
    unmap.add_argument("magento_category", type=int)
    unmap.add_argument("--shop")
    unmap.set_defaults(run=cmd_unmap)
    recommend = categories.add_parser("recommend", help="TikTok's recommendation for a Magento category")
    recommend.add_argument("magento_category", type=int)
    recommend.add_argument("--shop")
    recommend.add_argument("--apply", action="store_true", help="map the category to the recommendation")
    recommend.set_defaults(run=cmd_recommend)

    attributes = sub.add_parser("attributes", help="TikTok attributes of a category and their mappings").add_subparsers(
        dest="attributes_command", required=True
    )
    show = attributes.add_parser("show", help="a TikTok category's attributes, mappings and what is still missing")
    show.add_argument("category", help="TikTok leaf category id")
    show.add_argument("--shop")
    show.set_defaults(run=cmd_attributes_show)
    auto = attributes.add_parser("auto", help="save the exact-name matches for a TikTok category")
    auto.add_argument("category", help="TikTok leaf category id")
    auto.add_argument("--shop")
    auto.set_defaults(run=cmd_attributes_auto)
    amap = attributes.add_parser(
        "map", help="map a TikTok attribute to a Magento attribute or a fixed value; set brand/package/identifier"
    )
    amap.add_argument("tiktok_attribute", nargs="?", help="TikTok attribute id")
    amap.add_argument("--shop")
    amap.add_argument("--category", help="only for this TikTok category (default: shop-wide)")
    source = amap.add_mutually_exclusive_group()
    source.add_argument("--magento-attribute", help="Magento attribute code giving the values")
    source.add_argument("--value-id", help="always this TikTok value id")
    source.add_argument("--value-name", help="always this custom value")
    source.add_argument("--remove", action="store_true", help="remove the mapping")
    amap.add_argument("--value", action="append", default=[], metavar="LABEL=VALUE_ID", help="map a Magento value")
    amap.add_argument("--brand", metavar="CODE", help="Magento attribute holding the brand")
    amap.add_argument("--package-length", metavar="CODE")
    amap.add_argument("--package-width", metavar="CODE")
    amap.add_argument("--package-height", metavar="CODE")
    amap.add_argument("--dimension-unit", choices=("cm", "inch"), help="unit of the package attributes")
    amap.add_argument("--identifier", metavar="CODE", help="Magento attribute holding the identifier code")
    amap.add_argument("--identifier-type", choices=("GTIN", "EAN", "UPC", "ISBN", "JAN"))
    amap.set_defaults(run=cmd_attributes_map)
