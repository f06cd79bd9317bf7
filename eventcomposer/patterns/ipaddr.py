"""IP addresses and CIDR blocks with event-ruler's rules and messages.

Addresses are ``(byte_length, integer)`` pairs: 4 for IPv4, 16 for IPv6. An IPv4-mapped IPv6
address counts as IPv4 (Java's InetAddress does that). Quirks kept on purpose: a CIDR's range
starts at the address as written (``10.0.0.5/24`` covers .5 to .255), and /32 and /128 are
rejected.
"""

from __future__ import annotations

import ipaddress
import re

_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+", re.ASCII)
_IPV6 = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*", re.ASCII)
_MASK = re.compile(r"[+-]?\d+")

Address = tuple[int, int]


def _parse_ipv4(text: str) -> Address | None:
    if len(text) > 15:  # Java's literal parser gives up on longer text
        return None
    value = 0
    for part in text.split("."):
        number = int(part)
        if number > 255:
            return None
        value = (value << 8) | number
    return (4, value)


def _parse_ipv6(text: str) -> Address | None:
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    mapped = address.ipv4_mapped
    if mapped is not None:
        return (4, int(mapped))
    return (16, int(address))


def looks_like_ip(text: str) -> bool:
    return bool(_IPV4.fullmatch(text) or _IPV6.fullmatch(text))


def parse_ip(text: str) -> Address | None:
    """The address if ``text`` is an IP literal event-ruler accepts, else None."""
    if _IPV4.fullmatch(text):
        return _parse_ipv4(text)
    if _IPV6.fullmatch(text):
        return _parse_ipv6(text)
    return None


def _address_or_error(text: str) -> Address:
    if not looks_like_ip(text):
        raise ValueError(f"Nonstandard IP address: {text}")
    address = parse_ip(text)
    if address is None:
        raise ValueError(f"Invalid IP address: {text}")
    return address


def _java_split_slash(text: str) -> list[str]:
    """``String.split("/")``: trailing empty strings are dropped."""
    parts = text.split("/")
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def parse_cidr(text: str) -> tuple[int, int, int]:
    """``(byte_length, low, high)`` for a CIDR block; ValueError with AWS's message."""
    parts = _java_split_slash(text)
    if len(parts) != 2:
        raise ValueError("Malformed CIDR, one '/' required")
    mask_text = parts[1]
    if not _MASK.fullmatch(mask_text):
        raise ValueError("Malformed CIDR, mask bits must be an integer")
    mask = int(mask_text)
    if not -(2**31) <= mask < 2**31:
        raise ValueError("Malformed CIDR, mask bits must be an integer")
    if mask < 0:
        raise ValueError("Malformed CIDR, mask bits must not be negative")
    size, base = _address_or_error(parts[0])
    if size == 4 and mask > 31:
        raise ValueError("IPv4 mask bits must be < 32")
    if size == 16 and mask > 127:
        raise ValueError("IPv6 mask bits must be < 128")
    host_mask = (1 << (size * 8 - mask)) - 1
    network = base & ~host_mask
    return (size, network, network | host_mask)
