"""Countries and regions (`GET /V1/directory/countries/{countryId}`), and the region rule of address validation.

Magento's directory ships regions for some countries (the US among them: ids 1-65, seeded by
app/code/Magento/Directory/Setup/Patch/Data/InitializeDirectoryData.php), none for others (GB). Where the
country has regions and requires one (`general/region/state_required`, the US by default), an address needs a
region id Magento knows: `AbstractAddress::getRegionId()` resolves one from `region_code` when only the code is
given, and `Customer/Model/Address/Validator/Country::validateRegion` otherwise fails with '"regionId" is
required. Enter and try again.', which QuoteValidator::validateBeforeSubmit reports at placement as 'Please
check the shipping address information. %1' (GitHub magento/magento2, app/code/Magento/Customer/Model/Address/
AbstractAddress.php and Validator/Country.php; app/code/Magento/Quote/Model/QuoteValidator.php).
"""

from __future__ import annotations

from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox.routing import RequestContext, Route

# (id, code, name) as Magento's directory data seeds them for the United States.
US_REGIONS: tuple[tuple[int, str, str], ...] = (
    (1, "AL", "Alabama"), (2, "AK", "Alaska"), (3, "AS", "American Samoa"), (4, "AZ", "Arizona"),
    (5, "AR", "Arkansas"), (6, "AE", "Armed Forces Africa"), (7, "AA", "Armed Forces Americas"),
    (8, "AE", "Armed Forces Canada"), (9, "AE", "Armed Forces Europe"), (10, "AE", "Armed Forces Middle East"),
    (11, "AP", "Armed Forces Pacific"), (12, "CA", "California"), (13, "CO", "Colorado"), (14, "CT", "Connecticut"),
    (15, "DE", "Delaware"), (16, "DC", "District of Columbia"), (17, "FM", "Federated States Of Micronesia"),
    (18, "FL", "Florida"), (19, "GA", "Georgia"), (20, "GU", "Guam"), (21, "HI", "Hawaii"), (22, "ID", "Idaho"),
    (23, "IL", "Illinois"), (24, "IN", "Indiana"), (25, "IA", "Iowa"), (26, "KS", "Kansas"), (27, "KY", "Kentucky"),
    (28, "LA", "Louisiana"), (29, "ME", "Maine"), (30, "MH", "Marshall Islands"), (31, "MD", "Maryland"),
    (32, "MA", "Massachusetts"), (33, "MI", "Michigan"), (34, "MN", "Minnesota"), (35, "MS", "Mississippi"),
    (36, "MO", "Missouri"), (37, "MT", "Montana"), (38, "NE", "Nebraska"), (39, "NV", "Nevada"),
    (40, "NH", "New Hampshire"), (41, "NJ", "New Jersey"), (42, "NM", "New Mexico"), (43, "NY", "New York"),
    (44, "NC", "North Carolina"), (45, "ND", "North Dakota"), (46, "MP", "Northern Mariana Islands"),
    (47, "OH", "Ohio"), (48, "OK", "Oklahoma"), (49, "OR", "Oregon"), (50, "PW", "Palau"), (51, "PA", "Pennsylvania"),
    (52, "PR", "Puerto Rico"), (53, "RI", "Rhode Island"), (54, "SC", "South Carolina"), (55, "SD", "South Dakota"),
    (56, "TN", "Tennessee"), (57, "TX", "Texas"), (58, "UT", "Utah"), (59, "VT", "Vermont"),
    (60, "VI", "Virgin Islands"), (61, "VA", "Virginia"), (62, "WA", "Washington"), (63, "WV", "West Virginia"),
    (64, "WI", "Wisconsin"), (65, "WY", "Wyoming"),
)  # fmt: skip
# Countries the sandbox store allows: (2-letter, 3-letter, English name, regions, region required).
COUNTRIES: dict[str, tuple[str, str, tuple[tuple[int, str, str], ...], bool]] = {
    "US": ("USA", "United States", US_REGIONS, True),
    "GB": ("GBR", "United Kingdom", (), False),
    "DE": ("DEU", "Germany", (), False),
}
REGION_REQUIRED = '"%fieldName" is required. Enter and try again.'


def country_information(ctx: RequestContext) -> Any:
    country_id = ctx.params["countryId"]
    country = COUNTRIES.get(country_id.upper())
    if country is None:
        # Magento\\Directory\\Model\\CountryInformationAcquirer::getCountryInfo
        raise err.MagentoApiError(404, "Requested country is not available.")
    three, name, regions, _ = country
    body: dict[str, Any] = {
        "id": country_id.upper(),
        "two_letter_abbreviation": country_id.upper(),
        "three_letter_abbreviation": three,
        "full_name_locale": name,
        "full_name_english": name,
    }
    if regions:
        body["available_regions"] = [{"id": str(i), "code": code, "name": label} for i, code, label in regions]
    return body


def resolved_region_id(address: dict[str, Any]) -> int | None:
    """The region id Magento ends up with: the given id, else the one whose code is `region_code`."""
    country = COUNTRIES.get(str(address.get("country_id") or "").upper())
    if country is None or not country[2]:
        return None
    regions = country[2]
    given = address.get("region_id")
    if given not in (None, "", 0) and any(int(given) == i for i, _, _ in regions):
        return int(given)
    code = str(address.get("region_code") or "")
    return next((i for i, c, _ in regions if code and c == code), None)


def check_region(address: dict[str, Any], kind: str) -> None:
    """At placement: an address of a country that requires a region must have one Magento knows."""
    country = COUNTRIES.get(str(address.get("country_id") or "").upper())
    if country is None or not country[3]:
        return
    if resolved_region_id(address) is None:
        raise err.bad_request(
            f"Please check the {kind} address information. " + REGION_REQUIRED.replace("%fieldName", "regionId")
        )


ROUTES = [Route("GET", "/V1/directory/countries/{countryId}", country_information, None)]
