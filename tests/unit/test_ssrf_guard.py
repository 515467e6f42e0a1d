"""The SSRF guard on literal addresses: IPv6 spellings of private IPv4 addresses are refused too.

``check_url`` resolves a literal address without any network traffic, and the connect-time check
(``_pinned_socket``) runs the same test, so a name that resolves to one of these is refused alike.
"""

from __future__ import annotations

import pytest

from exportwatch.sources.fetch import FetchError, check_url

# Private, loopback, link-local (metadata), shared and "this network" IPv4 addresses, in the IPv6
# forms that embed an IPv4 address.
EMBEDDED_PRIVATE = {
    "NAT64 of 10.0.0.1": "64:ff9b::a00:1",
    "NAT64 of 127.0.0.1": "64:ff9b::127.0.0.1",
    "NAT64 of the metadata address": "64:ff9b::169.254.169.254",
    "NAT64 of 192.168.1.1": "64:ff9b::c0a8:101",
    "NAT64 of 100.64.0.1 (carrier-grade NAT)": "64:ff9b::100.64.0.1",
    "local-use NAT64 of 10.0.0.1": "64:ff9b:1::a00:1",
    "IPv4-compatible 10.0.0.1": "::10.0.0.1",
    "IPv4-compatible 127.0.0.1": "::127.0.0.1",
    "IPv4-compatible metadata": "::169.254.169.254",
    "IPv4-translated 10.0.0.1": "::ffff:0:10.0.0.1",
    "IPv4-translated 127.0.0.1": "::ffff:0:127.0.0.1",
    "IPv4-translated metadata": "::ffff:0:169.254.169.254",
    "IPv4-mapped 10.0.0.1": "::ffff:10.0.0.1",
    "IPv4-mapped metadata": "::ffff:169.254.169.254",
    "6to4 of 10.0.0.1": "2002:a00:1::1",
    "6to4 of 127.0.0.1": "2002:7f00:1::1",
    "6to4 of the metadata address": "2002:a9fe:a9fe::1",
    "6to4 of 172.16.0.1": "2002:ac10:1::",
    "Teredo with client 10.0.0.1": "2001:0:4136:e378:8000:63bf:f5ff:fffe",
    "Teredo with server 127.0.0.1": "2001:0:7f00:1::1",
    "site-local": "fec0::1",
}


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE.values(), ids=EMBEDDED_PRIVATE.keys())
def test_check_url_ipv6_form_of_a_private_ipv4_address_is_blocked(address: str) -> None:
    # Given an https URL whose host is the IPv6 literal
    url = f"https://[{address}]/feed.xml"
    # When / Then
    with pytest.raises(FetchError) as caught:
        check_url(url)
    assert caught.value.reason == "blocked_url"


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE.values(), ids=EMBEDDED_PRIVATE.keys())
def test_check_url_ipv6_form_of_loopback_stays_blocked_when_loopback_is_allowed(address: str) -> None:
    # Given the demo's switch that opens 127.0.0.1 and ::1, and nothing else
    with pytest.raises(FetchError) as caught:
        check_url(f"https://[{address}]:8443/", allow_loopback=True)
    assert caught.value.reason == "blocked_url"


@pytest.mark.parametrize(
    "address",
    [
        "2606:4700:4700::1111",  # a public IPv6 address
        "64:ff9b::93.184.216.34",  # NAT64 of a public IPv4 address: how IPv6-only networks reach IPv4 hosts
        "2002:5db8:d822::1",  # 6to4 of the same public address
    ],
)
def test_check_url_public_ipv6_addresses_pass(address: str) -> None:
    check_url(f"https://[{address}]/feed.xml")
