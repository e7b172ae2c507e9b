import { deriveMac } from '../../lib/model/derive';
import { Cidr, isDnsLabel, isFqdn, isHostIn, isIPv4InRange, isMac, isSameOrBelow, netmask, parseCidr, parseIPv4, reverseZones } from '../../lib/core/net';

/** The parsed form of `cidr`; fails the test when it does not parse. */
function cidrOf(cidr: string): Cidr {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`test setup: ${cidr} does not parse`);
  return parsed;
}

describe('parseIPv4', () => {
  test.each<[string, unknown, number]>([
    ['zero', '0.0.0.0', 0],
    ['a private address', '10.0.100.5', 0x0a006405],
    ['the largest address', '255.255.255.255', 0xffffffff],
    ['an address above 2^31 (unsigned)', '203.0.113.10', 0xcb00710a],
    ['octets of one, two and three digits', '1.22.199.250', 0x0116c7fa],
  ])('parses %s', (_name, input, expected) => {
    // GIVEN a dotted quad
    // WHEN parsing it
    const n = parseIPv4(input);
    // THEN it is the unsigned 32-bit number
    expect(n).toBe(expected);
  });

  test.each<[string, unknown]>([
    ['an octet of 256', '10.0.0.256'],
    ['three octets', '10.0.0'],
    ['five octets', '10.0.0.1.2'],
    ['a leading zero in the last octet', '10.0.0.01'],
    ['a leading zero in the first octet', '010.0.0.1'],
    ['a two-digit first octet with a leading zero', '01.2.3.4'],
    ['an octal-looking octet', '10.0.00.1'],
    ['an empty octet', '10..0.1'],
    ['a trailing dot', '10.0.0.1.'],
    ['surrounding spaces', ' 10.0.0.1 '],
    ['a negative octet', '10.0.-1.1'],
    ['a CIDR', '10.0.0.0/24'],
    ['a hostname', 'localhost'],
    ['an empty string', ''],
    ['an IPv6 address', '::1'],
    ['a number', 167772161],
    ['undefined', undefined],
    ['null', null],
  ])('fails on %s', (_name, input) => {
    // GIVEN something that is not a dotted quad
    // WHEN parsing it
    const n = parseIPv4(input);
    // THEN it is rejected
    expect(n).toBeUndefined();
  });
});

describe('parseCidr', () => {
  test.each<[string, { network: number; prefix: number; size: number }]>([
    ['10.0.100.0/24', { network: 0x0a006400, prefix: 24, size: 256 }],
    ['10.0.0.0/8', { network: 0x0a000000, prefix: 8, size: 2 ** 24 }],
    ['192.168.0.0/16', { network: 0xc0a80000, prefix: 16, size: 65536 }],
    ['10.0.100.128/25', { network: 0x0a006480, prefix: 25, size: 128 }],
    ['10.0.100.4/31', { network: 0x0a006404, prefix: 31, size: 2 }],
    ['10.0.100.5/32', { network: 0x0a006405, prefix: 32, size: 1 }],
    ['0.0.0.0/0', { network: 0, prefix: 0, size: 2 ** 32 }],
  ])('parses %s', (input, expected) => {
    // GIVEN a CIDR with zero host bits
    // WHEN parsing it
    const c = parseCidr(input);
    // THEN network, prefix and size are right
    expect(c).toEqual(expected);
  });

  test.each<[string, unknown]>([
    ['host bits set', '10.0.100.1/24'],
    ['host bits set in a /25', '10.0.100.64/25'],
    ['prefix 33', '10.0.100.0/33'],
    ['a three-digit prefix', '10.0.100.0/024'],
    ['no prefix', '10.0.100.0'],
    ['an empty prefix', '10.0.100.0/'],
    ['a negative prefix', '10.0.100.0/-1'],
    ['a netmask instead of a prefix', '10.0.100.0/255.255.255.0'],
    ['an invalid address', '10.0.100.256/24'],
    ['two slashes', '10.0.100.0/24/24'],
    ['garbage', 'lan please'],
    ['an empty string', ''],
    ['a number', 24],
    ['undefined', undefined],
  ])('fails on %s', (_name, input) => {
    // GIVEN something that is not an IPv4 CIDR with zero host bits
    // WHEN parsing it
    const c = parseCidr(input);
    // THEN it is rejected
    expect(c).toBeUndefined();
  });
});

describe('isHostIn', () => {
  test.each<[string, string, boolean]>([
    ['10.0.100.5', '10.0.100.0/24', true],
    ['10.0.100.1', '10.0.100.0/24', true],
    ['10.0.100.254', '10.0.100.0/24', true],
    ['10.0.100.0', '10.0.100.0/24', false], // network address
    ['10.0.100.255', '10.0.100.0/24', false], // broadcast address
    ['10.0.101.1', '10.0.100.0/24', false],
    ['10.0.99.255', '10.0.100.0/24', false],
    ['10.0.100.129', '10.0.100.128/25', true],
    ['10.0.100.127', '10.0.100.128/25', false],
    ['10.0.100.4', '10.0.100.4/31', true], // point-to-point: both addresses usable
    ['10.0.100.5', '10.0.100.4/31', true],
    ['10.0.100.6', '10.0.100.4/31', false],
    ['10.0.100.5', '10.0.100.5/32', true],
    ['10.0.100.6', '10.0.100.5/32', false],
  ])('%s in %s is %s', (ip, cidr, expected) => {
    // GIVEN an address and a network
    // WHEN asking whether the address is a usable host address of the network
    const inside = isHostIn(parseIPv4(ip)!, cidrOf(cidr));
    // THEN the answer is right
    expect(inside).toBe(expected);
  });
});

describe('netmask', () => {
  test.each<[number, string]>([
    [0, '0.0.0.0'],
    [1, '128.0.0.0'],
    [8, '255.0.0.0'],
    [16, '255.255.0.0'],
    [20, '255.255.240.0'],
    [24, '255.255.255.0'],
    [25, '255.255.255.128'],
    [31, '255.255.255.254'],
    [32, '255.255.255.255'],
  ])('/%d is %s', (prefix, expected) => {
    // GIVEN a prefix length
    // WHEN computing the netmask
    // THEN it is the dotted mask
    expect(netmask(prefix)).toBe(expected);
  });
});

describe('reverseZones', () => {
  test.each<[string, string[]]>([
    ['10.0.100.0/24', ['100.0.10.in-addr.arpa']],
    ['10.0.1.0/24', ['1.0.10.in-addr.arpa']],
    ['192.168.0.0/16', ['168.192.in-addr.arpa']],
    ['10.0.100.5/32', ['100.0.10.in-addr.arpa']],
    // smaller than a /24: the zone of its /24
    ['10.0.100.128/25', ['100.0.10.in-addr.arpa']],
    // between /17 and /23: one zone per /24, never the /16 (which would swallow the neighbours)
    ['10.99.4.0/22', ['4.99.10.in-addr.arpa', '5.99.10.in-addr.arpa', '6.99.10.in-addr.arpa', '7.99.10.in-addr.arpa']],
    // /16 and larger: one zone per /16
    ['10.2.0.0/15', ['2.10.in-addr.arpa', '3.10.in-addr.arpa']],
  ])('%s is %j', (cidr, expected) => {
    // GIVEN a network
    // WHEN computing its reverse zones
    // THEN they are the /24 (or /16) zones it covers
    expect(reverseZones(cidrOf(cidr))).toEqual(expected);
  });

  test('a /20 gives 16 zones, a /8 gives 256', () => {
    expect(reverseZones(cidrOf('10.0.16.0/20'))).toHaveLength(16);
    expect(reverseZones(cidrOf('10.0.0.0/8'))).toHaveLength(256);
  });
});

describe('isSameOrBelow', () => {
  test.each<[string, string, boolean]>([
    ['1.0.10.in-addr.arpa', '0.10.in-addr.arpa', true],
    ['1.0.10.in-addr.arpa', '1.10.in-addr.arpa', false],
    ['1.0.10.in-addr.arpa', '10.in-addr.arpa', true],
    ['x10.in-addr.arpa', '10.in-addr.arpa', false],
    ['iot.home.example.org', 'home.example.org', true],
    ['Home.Example.org', 'home.example.org', true],
  ])('%s below %s: %s', (a, b, expected) => {
    expect(isSameOrBelow(a, b)).toBe(expected);
  });
});

describe('isDnsLabel', () => {
  test.each<[string, unknown, boolean]>([
    ['a word', 'olaf', true],
    ['one character', 'a', true],
    ['one digit', '7', true],
    ['digits and a hyphen', 'k3s-01', true],
    ['63 characters', 'a'.repeat(63), true],
    ['64 characters', 'a'.repeat(64), false],
    ['an empty string', '', false],
    ['uppercase', 'Olaf', false],
    ['a leading hyphen', '-olaf', false],
    ['a trailing hyphen', 'olaf-', false],
    ['an underscore', 'olaf_1', false],
    ['a dot', 'olaf.home', false],
    ['a space', 'ol af', false],
    ['unicode', 'ölaf', false],
    ['a number', 7, false],
    ['undefined', undefined, false],
  ])('%s → %s', (_name, input, expected) => {
    // GIVEN a candidate label
    // WHEN checking it
    // THEN only DNS-1123 labels pass
    expect(isDnsLabel(input)).toBe(expected);
  });
});

describe('isFqdn', () => {
  test.each<[string, unknown, boolean]>([
    ['two labels', 'example.org', true],
    ['several labels', 'git.home.example.org', true],
    ['digits and hyphens', 'k3s-01.lan1.example.org', true],
    ['253 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    ['254 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
    ['a single label', 'localhost', false],
    ['a trailing dot', 'example.org.', false],
    ['a leading dot', '.example.org', false],
    ['an empty label', 'git..example.org', false],
    ['uppercase', 'Example.org', false],
    ['a label of 64 characters', `${'a'.repeat(64)}.org`, false],
    ['a wildcard', '*.example.org', false],
    ['a URL', 'https://example.org', false],
    ['an empty string', '', false],
    ['undefined', undefined, false],
  ])('%s → %s', (_name, input, expected) => {
    // GIVEN a candidate hostname
    // WHEN checking it
    // THEN only dotted DNS labels, two or more, pass
    expect(isFqdn(input)).toBe(expected);
  });
});

describe('isMac', () => {
  test.each<[unknown, boolean]>([
    ['3c:ec:ef:10:00:02', true],
    ['02:00:00:00:00:00', true],
    ['3C:EC:EF:10:00:02', false],
    ['3c-ec-ef-10-00-02', false],
    ['3c:ec:ef:10:00', false],
    ['3c:ec:ef:10:00:02:03', false],
    ['3cec.ef10.0002', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (input, expected) => {
    // GIVEN a candidate MAC
    // WHEN checking it
    // THEN only six lowercase hex pairs with ":" pass
    expect(isMac(input)).toBe(expected);
  });
});

describe('deriveMac', () => {
  test('is stable across calls and pinned (changing it would re-address every VM)', () => {
    // GIVEN a homelab, site and host name
    // WHEN deriving the MAC twice
    const a = deriveMac('example', 'home', 'ulf');
    const b = deriveMac('example', 'home', 'ulf');
    // THEN both calls agree, and agree with the MAC already handed to routers and Proxmox
    expect(a).toBe(b);
    expect(a).toBe('02:06:9f:9e:1f:32');
  });

  test.each<[string, string, string]>([
    ['example', 'home', 'ulf'],
    ['example', 'home', 'olaf'],
    ['example', 'flat', 'ulf'],
    ['other', 'home', 'ulf'],
    ['x', 'y', 'z'],
  ])('is a locally administered unicast MAC for %s/%s/%s', (homelab, site, host) => {
    // GIVEN a homelab, site and host name
    // WHEN deriving the MAC
    const mac = deriveMac(homelab, site, host);
    // THEN it is a well-formed MAC
    expect(isMac(mac)).toBe(true);
    // AND the first octet has the locally-administered bit set and the multicast bit clear
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0x02).toBe(0x02);
    expect(first & 0x01).toBe(0);
  });

  test('differs for different hosts, sites and homelabs', () => {
    // GIVEN names that differ in one part each, and 200 VMs at one site
    const inputs: [string, string, string][] = [
      ['example', 'home', 'ulf'],
      ['example', 'home', 'olaf'],
      ['example', 'flat', 'ulf'],
      ['other', 'home', 'ulf'],
      ['example', 'home', 'ulf2'],
      ...Array.from({ length: 200 }, (_, i): [string, string, string] => ['example', 'home', `vm${i}`]),
    ];
    // WHEN deriving a MAC for each
    const macs = inputs.map(([h, s, n]) => deriveMac(h, s, n));
    // THEN no two are the same
    expect(new Set(macs).size).toBe(inputs.length);
  });
});

describe('isIPv4InRange', () => {
  it('includes both ends and rejects what is outside or not an address', () => {
    expect(isIPv4InRange('10.0.100.240', '10.0.100.240', '10.0.100.250')).toBe(true);
    expect(isIPv4InRange('10.0.100.250', '10.0.100.240', '10.0.100.250')).toBe(true);
    expect(isIPv4InRange('10.0.100.251', '10.0.100.240', '10.0.100.250')).toBe(false);
    expect(isIPv4InRange('10.0.100.239', '10.0.100.240', '10.0.100.250')).toBe(false);
    expect(isIPv4InRange('minio.svc', '10.0.100.240', '10.0.100.250')).toBe(false);
  });
});
