"""Where a request came from, as little as needed: the network (an IPv4
address, or an IPv6 /64, which is one home or one phone) and a keyed hash
of it, so that registrations from one place can be counted and found
without keeping the address."""
import hashlib
import hmac
import ipaddress

IPV6_NETWORK_BITS = 64


def _parse(address):
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    return parsed.ipv4_mapped if parsed.version == 6 and parsed.ipv4_mapped else parsed


def network_of(address):
    """'203.0.113.7' -> '203.0.113.7'; '2001:db8:1:2:3:4:5:6' -> '2001:db8:1:2::/64';
    None for something that is not an address."""
    parsed = _parse(address)
    if parsed is None:
        return None
    if parsed.version == 4:
        return str(parsed)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_NETWORK_BITS}", strict=False))


def address_hash(address, secret):
    """A short keyed hash of the address's network: equal for equal networks,
    and without the secret it does not lead back to the address."""
    network = network_of(address)
    if network is None:
        return None
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()[:16]


def parse_networks(setting):
    """'192.0.2.0/24, 2001:db8::/48' -> the networks; a wrong entry raises ValueError."""
    return [ipaddress.ip_network(part, strict=False) for part in (setting or "").replace(",", " ").split()]


def in_networks(address, networks):
    parsed = _parse(address)
    return parsed is not None and any(parsed.version == network.version and parsed in network for network in networks)
