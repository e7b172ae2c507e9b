import { parseUci, parseUciExport, UciParseError, UciParsedOption, UciParsedPackage } from '../../lib/uci';

/** Parses a file of package `p` holding `config t 's'` and the given lines, and returns that section's options. */
function optionsOf(...lines: string[]): readonly UciParsedOption[] {
  return parseUci(["config t 's'", ...lines].join('\n'), { package: 'p' }).sections[0].options;
}

const option = (name: string, value: string): UciParsedOption => ({ name, kind: 'option', values: [value] });
const list = (name: string, ...values: string[]): UciParsedOption => ({ name, kind: 'list', values });

/** Returns the UciParseError thrown by `fn`. */
function parseError(fn: () => unknown): UciParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UciParseError) return e;
    throw e;
  }
  throw new Error('expected a UciParseError');
}

describe('parseUci words', () => {
  test.each<[string, string, string]>([
    ['a bare word', 'option o static', 'static'],
    ['a single-quoted word with spaces', "option o 'a b  c'", 'a b  c'],
    ['a double-quoted word with spaces', 'option o "a b"', 'a b'],
    ["the '\\'' form", "option o 'it'\\''s'", "it's"],
    ['a lone escaped quote', "option o ''\\'''", "'"],
    ['bare, quoted and escaped parts in one word', `option o a'b c'"d e"\\ f`, 'ab cd e f'],
    ['backslash escapes in double quotes', 'option o "a\\"b\\\\c\\$d\\n"', 'a"b\\c$dn'],
    ['a single quote inside double quotes', `option o "it's"`, "it's"],
    ['double quotes inside single quotes', `option o 'say "hi"'`, 'say "hi"'],
    ['backslashes inside single quotes', "option o 'C:\\dir\\'", 'C:\\dir\\'],
    ['backslash escapes in a bare word', "option o a\\ b\\'c\\#d", "a b'c#d"],
    ['a dollar brace', "option o '${x}'", '${x}'],
    ['# inside quotes', "option o 'a # b'", 'a # b'],
    ['; inside quotes', 'option o "a ; b"', 'a ; b'],
    ['unicode', "option o 'Küche 😀'", 'Küche 😀'],
    ['a quoted option name', "option 'o' 'v'", 'v'],
    ['a trailing comment', 'option o v # comment', 'v'],
    ['a comment glued to a bare word (as libuci does)', 'option o v#comment', 'v'],
    ['a comment glued to a quoted word', "option o 'v'#comment", 'v'],
    ['tabs between words', "\toption\to\t\t'v'", 'v'],
    ['spaces as indent', "    option o 'v'", 'v'],
    ['a CRLF line end', "option o 'v'\r", 'v'],
    ['trailing whitespace', "option o 'v' \t ", 'v'],
    ['an abbreviated command', 'o o v', 'v'],
  ])('reads %s', (_name, line, value) => {
    // GIVEN one option line
    // WHEN parsing it
    const options = optionsOf(line);
    // THEN the option holds the decoded value
    expect(options).toEqual([option('o', value)]);
  });

  test('reads quoted values that span lines and backslash line continuations (libuci export.data)', () => {
    // GIVEN upstream's multi-line test input
    const text = [
      "package 'import-test'",
      '',
      "config 'type' 'section'",
      "\toption 'opt' 'val'",
      "\tlist 'list_opt' 'val0'",
      "\tlist 'list_opt' 'val1'",
      "\toption mul_line_opt_sq \\''line 1",
      'line 2 \\',
      "line 3'\\'",
      '\toption mul_line_opt_dq "\\"Hello, \\',
      "World.\\'",
      '"',
      'option after "x"',
    ].join('\n');
    // WHEN parsing it
    const pkg = parseUci(text);
    // THEN the values match upstream's import.result
    expect(pkg).toEqual({
      name: 'import-test',
      sections: [{
        type: 'type',
        name: 'section',
        options: [
          option('opt', 'val'),
          list('list_opt', 'val0', 'val1'),
          option('mul_line_opt_sq', "'line 1\nline 2 \\\nline 3'"),
          option('mul_line_opt_dq', "\"Hello, World.'\n"),
          option('after', 'x'),
        ],
      }],
    });
  });

  test('joins a bare word continued with a backslash at the end of the line', () => {
    // GIVEN a value split over two lines
    // WHEN parsing
    // THEN the parts are joined without the newline
    expect(optionsOf('option o abc\\', 'def')).toEqual([option('o', 'abcdef')]);
  });

  test('splits commands at ;', () => {
    // GIVEN two commands on one line
    // WHEN parsing
    // THEN both apply
    expect(optionsOf("option a 1; option b '2;'")).toEqual([option('a', '1'), option('b', '2;')]);
  });
});

describe('parseUci load semantics', () => {
  test('keeps empty list items', () => {
    // GIVEN a list with an empty item
    // WHEN parsing
    // THEN the empty item is kept
    expect(optionsOf("list l ''", "list l 'x'")).toEqual([list('l', '', 'x')]);
  });

  test('drops empty option values, as libuci does', () => {
    // GIVEN an empty option, an option with no value, and an empty option that unsets an earlier one
    // WHEN parsing
    // THEN libuci keeps none of them
    expect(optionsOf("option a ''", 'option b', "option c 'x'", 'option d ""', "option c ''")).toEqual([]);
  });

  test('replaces a repeated option in place', () => {
    // GIVEN an option set twice
    // WHEN parsing
    // THEN the last value wins at the first position
    expect(optionsOf('option a 1', 'option b 2', 'option a 3')).toEqual([option('a', '3'), option('b', '2')]);
  });

  test('turns an option followed by list items into a list, and a list followed by an option into an option', () => {
    // GIVEN mixed option and list commands
    // WHEN parsing
    // THEN they merge as in libuci's uci_add_list / uci_set
    expect(optionsOf('option a 1', 'list a 2', 'list b x', 'option b y')).toEqual([list('a', '1', '2'), option('b', 'y')]);
  });

  test('reopens a named section and treats an empty name as anonymous', () => {
    // GIVEN a named section declared twice, and anonymous sections
    const text = ["config t 's'", 'option a 1', "config t ''", 'option b 2', "config t 's'", 'option c 3', 'config t'].join('\n');
    // WHEN parsing
    const pkg = parseUci(text, { package: 'p' });
    // THEN the named section holds both options and keeps its position
    expect(pkg.sections).toEqual([
      { type: 't', name: 's', options: [option('a', '1'), option('c', '3')] },
      { type: 't', name: undefined, options: [option('b', '2')] },
      { type: 't', name: undefined, options: [] },
    ]);
  });

  test('returns an empty package for an empty file', () => {
    // GIVEN a file with only comments and blank lines
    // WHEN parsing it as package dhcp
    // THEN the package is empty
    expect(parseUci('# nothing here\n\n   \n', { package: 'dhcp' })).toEqual({ name: 'dhcp', sections: [] });
  });

  test('accepts a package line that matches the file name', () => {
    // GIVEN a file starting with its package line
    // WHEN parsing with the same package name
    // THEN the package line is accepted
    expect(parseUci("package dhcp\nconfig dnsmasq\n\toption domain 'lan'\n", { package: 'dhcp' }).sections)
      .toEqual([{ type: 'dnsmasq', name: undefined, options: [option('domain', 'lan')] }]);
  });
});

describe('parseUci on real configs', () => {
  test('reads /etc/config/network', () => {
    // GIVEN a stock OpenWrt network config
    const text = `
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config globals 'globals'
	option ula_prefix 'fd27:70fa:5c1d::/48'
	option packet_steering '1'

config device
	option name 'br-lan'
	option type 'bridge'
	list ports 'lan1'
	list ports 'lan2'
	list ports 'lan3'

config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '192.168.1.1'
	option netmask '255.255.255.0'
	option ip6assign '60'

config interface 'wan'
	option device 'wan'
	option proto 'dhcp'

config interface 'wan6'
	option device 'wan'
	option proto 'dhcpv6'
`;
    // WHEN parsing it as package network
    const pkg = parseUci(text, { package: 'network' });
    // THEN every section and option is read in order
    expect(pkg.name).toBe('network');
    expect(pkg.sections.map(s => [s.type, s.name])).toEqual([
      ['interface', 'loopback'], ['globals', 'globals'], ['device', undefined],
      ['interface', 'lan'], ['interface', 'wan'], ['interface', 'wan6'],
    ]);
    expect(pkg.sections[2]).toEqual({
      type: 'device',
      name: undefined,
      options: [option('name', 'br-lan'), option('type', 'bridge'), list('ports', 'lan1', 'lan2', 'lan3')],
    });
    expect(pkg.sections[3].options).toEqual([
      option('device', 'br-lan'), option('proto', 'static'), option('ipaddr', '192.168.1.1'),
      option('netmask', '255.255.255.0'), option('ip6assign', '60'),
    ]);
  });

  test('reads a hand-edited /etc/config/firewall', () => {
    // GIVEN a firewall config with bare words, tabs, comments and double quotes
    const text = `# /etc/config/firewall (hand edited)
config defaults
	option syn_flood	1
	option input		REJECT
	option output		ACCEPT
	option forward		REJECT

config zone
	option name		lan
	list   network		'lan'
	option input		ACCEPT
	option output		ACCEPT
	option forward		ACCEPT

config zone
	option name		wan
	list   network		'wan'
	list   network		'wan6'
	option input		REJECT
	option output		ACCEPT
	option forward		REJECT
	option masq		1
	option mtu_fix		1

config forwarding
	option src		lan
	option dest		wan

# We need to accept udp packets on port 68,
# see https://dev.openwrt.org/ticket/4108
config rule
	option name		Allow-DHCP-Renew
	option src		wan
	option proto		udp
	option dest_port	68
	option target		ACCEPT
	option family		ipv4

config rule
	option name		Allow-ICMPv6-Input
	option src		wan
	option proto	icmp
	list icmp_type		echo-request
	list icmp_type		echo-reply
	option limit		1000/sec
	option family		ipv6
	option target		ACCEPT

config redirect 'nas_https'   # forwarded to nas01
    option name "Forward HTTPS to nas01"
    option src wan
    option src_dport 443     # public port
    option dest lan
    option dest_ip '192.168.1.10'
    option target DNAT
`;
    // WHEN parsing it as package firewall
    const pkg = parseUci(text, { package: 'firewall' });
    // THEN sections keep file order and bare, quoted and commented values are read
    expect(pkg.sections.map(s => s.type)).toEqual(['defaults', 'zone', 'zone', 'forwarding', 'rule', 'rule', 'redirect']);
    expect(pkg.sections[0].options).toEqual([
      option('syn_flood', '1'), option('input', 'REJECT'), option('output', 'ACCEPT'), option('forward', 'REJECT'),
    ]);
    expect(pkg.sections[2].options.slice(0, 2)).toEqual([option('name', 'wan'), list('network', 'wan', 'wan6')]);
    expect(pkg.sections[4].options[0]).toEqual(option('name', 'Allow-DHCP-Renew'));
    expect(pkg.sections[5].options[3]).toEqual(list('icmp_type', 'echo-request', 'echo-reply'));
    expect(pkg.sections[6]).toEqual({
      type: 'redirect',
      name: 'nas_https',
      options: [
        option('name', 'Forward HTTPS to nas01'), option('src', 'wan'), option('src_dport', '443'),
        option('dest', 'lan'), option('dest_ip', '192.168.1.10'), option('target', 'DNAT'),
      ],
    });
  });

  test('reads multi-package uci export output', () => {
    // GIVEN `uci export` output with two packages (uci ends each with a blank line)
    const text = [
      'package network',
      '',
      "config interface 'lan'",
      "\toption proto 'static'",
      "\tlist ipaddr '192.168.1.1/24'",
      '',
      'package dhcp',
      '',
      'config dnsmasq',
      "\toption domain 'lan'",
      "\tlist server '/home.arpa/192.168.1.53'",
      '',
      "config dhcp 'lan'",
      "\toption interface 'lan'",
      "\toption ignore '0'",
      '',
      '',
    ].join('\n');
    // WHEN parsing it as an export
    const packages = parseUciExport(text);
    // THEN both packages are returned in order
    expect(packages).toEqual<UciParsedPackage[]>([
      { name: 'network', sections: [{ type: 'interface', name: 'lan', options: [option('proto', 'static'), list('ipaddr', '192.168.1.1/24')] }] },
      {
        name: 'dhcp',
        sections: [
          { type: 'dnsmasq', name: undefined, options: [option('domain', 'lan'), list('server', '/home.arpa/192.168.1.53')] },
          { type: 'dhcp', name: 'lan', options: [option('interface', 'lan'), option('ignore', '0')] },
        ],
      },
    ]);
  });

  test('puts sections before the first package line into the default package', () => {
    // GIVEN an import without a leading package line
    // WHEN parsing with a default package
    const packages = parseUciExport('config a\npackage other\nconfig b\n', { package: 'first' });
    // THEN the leading sections belong to it
    expect(packages.map(p => [p.name, p.sections.map(s => s.type)])).toEqual([['first', ['a']], ['other', ['b']]]);
  });
});

describe('parseUci errors', () => {
  test.each<[string, string, number, string]>([
    ['an unterminated single quote', "config t 's'\n\toption a 'ok'\n\toption b 'oops\n\toption c d\n", 3, "unterminated ' (reached end of input)"],
    ['an unterminated double quote', 'config t\n\toption b "oops\n', 2, 'unterminated " (reached end of input)'],
    ['an extra token after an option', "config t 's'\n\toption a 'b' c\n", 2, 'too many arguments'],
    ['an extra token after a section name', "\n\nconfig t 's' x\n", 3, 'too many arguments'],
    ['an extra token after the package name', 'package p q\n', 1, 'too many arguments'],
    ['an option before any section', "# header\noption a 'b'\n", 2, 'option/list command found before the first section'],
    ['a list before any section', "package p\nlist a 'b'\n", 2, 'option/list command found before the first section'],
    ['an unknown command', "config t\n\topton a 'b'\n", 2, 'invalid command'],
    ['a quoted command', "'config' t\n", 1, 'invalid command'],
    ['a config without type', 'config t\nconfig\n', 2, 'insufficient arguments'],
    ['an option without name', 'config t\noption\n', 2, 'insufficient arguments'],
    ['an empty option name', "config t\noption '' v\n", 2, 'insufficient arguments'],
    ['an option name with a dash', "config t\noption ip-addr '1'\n", 2, 'invalid character in name field'],
    ['a section name with a dash', "config t 'wan-6'\n", 1, 'invalid character in name field'],
    ['a section type with non-ASCII', 'config tü\n', 1, 'invalid character in type field'],
    ['a package name with a dot', 'package a.b\n', 1, 'invalid character in name field'],
    ['a named section reopened with another type', "config a 's'\nconfig b 's'\n", 2, 'section of different type overwrites prior section with same name'],
    ['a line number after a multi-line value', "config t\noption a 'x\ny' z\n", 3, 'too many arguments'],
  ])('fails on %s', (_name, text, line, reason) => {
    // GIVEN a malformed file
    // WHEN parsing it
    const err = parseError(() => parseUci(text, { package: 'p' }));
    // THEN the error names the line and libuci's reason
    expect(err).toMatchObject({ line, reason });
    expect(err.message).toBe(`uci parse error at line ${line}: ${reason}`);
  });

  test('fails on sections without a package name', () => {
    // GIVEN a file with no package line
    // WHEN parsing without a default package
    // THEN the error says so
    expect(parseError(() => parseUciExport('\nconfig t\n'))).toMatchObject({ line: 2, reason: 'attempting to import a file without a package name' });
  });

  test('fails on a repeated package', () => {
    // GIVEN an export that names a package twice
    // WHEN parsing it
    // THEN the second package line is rejected
    expect(parseError(() => parseUciExport('package a\nconfig t\npackage a\n'))).toMatchObject({ line: 3, reason: 'duplicate package "a"' });
  });

  test('fails on a multi-package export given to parseUci', () => {
    // GIVEN two packages
    // WHEN parsing them as one file
    // THEN parseUci points to parseUciExport
    expect(() => parseUci('package a\npackage b\n')).toThrow(/expected one package, found 2; use parseUciExport/);
  });

  test('fails on a package line that contradicts the file name', () => {
    // GIVEN a file whose package line names another package
    // WHEN parsing it as network
    // THEN the mismatch is reported
    expect(() => parseUci('package dhcp\n', { package: 'network' })).toThrow(/package "dhcp" does not match the expected package "network"/);
  });

  test('fails on an invalid default package name', () => {
    // GIVEN a default package name with a slash
    // WHEN parsing
    // THEN it is rejected before reading the text
    expect(() => parseUci('', { package: 'etc/config' })).toThrow(/invalid package name \(got "etc\/config"\)/);
  });
});
