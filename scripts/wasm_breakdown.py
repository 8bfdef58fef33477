#!/usr/bin/env python3
"""Where the bytes of a WebAssembly file go, from its name section.

Usage: wasm_breakdown.py FILE.wasm [N]

FILE must keep its function names (a release build optimised with `wasm-opt -Oz --debuginfo`,
which `scripts/size --breakdown` makes). Prints the sections, then the code by area (crate,
or module of this crate), then by function family (a generic function's copies counted
together: 90 copies of one sort are one line), each with its byte count and share of the
code section. Sizes are raw bytes; gzip shrinks repeated code (copies of one generic) more
than the rest, so each line also gives its gzip share: the gzip size of the whole code section
split in proportion to the line's bodies compressed on their own (gzip -9, in file order).
"""
import collections
import re
import sys
import zlib

REPLACE = [('$LT$', '<'), ('$GT$', '>'), ('$RF$', '&'), ('$BP$', '*'), ('$u20$', ' '), ('$C$', ','),
           ('$u7b$', '{'), ('$u7d$', '}'), ('$u5b$', '['), ('$u5d$', ']'), ('$u27$', "'"), ('$u3b$', ';'),
           ('$u21$', '!'), ('$u22$', '"'), ('$u2b$', '+'), ('$LP$', '('), ('$RP$', ')'), ('$u7e$', '~'),
           ('$u3d$', '=')]


def leb(b, i):
    result = shift = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7f) << shift
        shift += 7
        if x < 0x80:
            return result, i


def demangle(s):
    """Legacy Rust mangling (`_ZN...E`); other names are returned as they are."""
    if not s.startswith('_ZN'):
        return s
    i, parts = 3, []
    while i < len(s) and s[i] != 'E':
        m = re.match(r'\d+', s[i:])
        if not m:
            break
        n = int(m.group())
        i += len(m.group())
        p = s[i:i + n]
        i += n
        if p.startswith('_$'):
            p = p[1:]
        for a, b in REPLACE:
            p = p.replace(a, b)
        parts.append(p.replace('..', '::'))
    return '::'.join(parts)


def parse(path):
    b = open(path, 'rb').read()
    i, sections, imported, bodies, names = 8, [], 0, [], {}
    while i < len(b):
        sid = b[i]
        size, i = leb(b, i + 1)
        end = i + size
        if sid == 0:
            nl, j = leb(b, i)
            name = b[j:j + nl].decode()
            j += nl
            sections.append(('custom ' + name, size))
            if name == 'name':
                while j < end:
                    sub = b[j]
                    ssize, j = leb(b, j + 1)
                    if sub == 1:
                        count, k = leb(b, j)
                        for _ in range(count):
                            idx, k = leb(b, k)
                            ln, k = leb(b, k)
                            names[idx] = b[k:k + ln].decode('utf-8', 'replace')
                            k += ln
                    j += ssize
        else:
            sections.append((['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
                              'start', 'element', 'code', 'data', 'data count', 'tag'][sid] if sid < 14 else sid, size))
            if sid == 2:
                count, j = leb(b, i)
                for _ in range(count):
                    ln, j = leb(b, j)
                    j += ln
                    ln, j = leb(b, j)
                    j += ln
                    kind = b[j]
                    j += 1
                    if kind == 0:
                        _, j = leb(b, j)
                        imported += 1
                    elif kind == 1:
                        j += 1
                        flags, j = leb(b, j)
                        _, j = leb(b, j)
                        if flags & 1:
                            _, j = leb(b, j)
                    elif kind == 2:
                        flags, j = leb(b, j)
                        _, j = leb(b, j)
                        if flags & 1:
                            _, j = leb(b, j)
                    elif kind == 3:
                        j += 2
                    elif kind == 4:
                        j += 1
                        _, j = leb(b, j)
            elif sid == 10:
                count, j = leb(b, i)
                for _ in range(count):
                    ln, k = leb(b, j)
                    bodies.append(b[j:k + ln])
                    j = k + ln
        i = end
    funcs = [(len(body), demangle(names.get(imported + n, '?')), body) for n, body in enumerate(bodies)]
    return len(b), sections, funcs


def area(name):
    rules = [(r'bincode', 'serde: bincode'), (r'serde_json', 'serde: serde_json'),
             (r'serde_wasm_bindgen', 'serde: serde-wasm-bindgen'),
             (r'serde|Serialize|Deserialize|Visitor', 'serde: derived and other'),
             (r'sim::codec', 'brokerlab::sim::codec (snapshots)'),
             (r'btree', 'std: BTreeMap/BTreeSet'), (r'core::slice::sort', 'std: slice sorting'),
             (r'hashbrown', 'std: HashMap'), (r'core::fmt|alloc::fmt|core::panicking', 'std: formatting, panics'),
             (r'regex_lite', 'regex-lite'), (r'miniz_oxide', 'miniz_oxide'), (r'yew|implicit_clone', 'yew'),
             (r'wasm_bindgen|js_sys|web_sys|gloo|rexie|idb', 'wasm-bindgen, web-sys, gloo, rexie'),
             (r'dlmalloc', 'allocator')]
    for pattern, label in rules:
        if re.search(pattern, name):
            return label
    m = re.search(r'brokerlab::(\w+)(::(\w+))?', name)
    if m:
        return 'brokerlab::' + m.group(1) + ('::' + m.group(3) if m.group(3) and m.group(1) in ('sim', 'console', 'ui', 'lab') else '')
    return 'other: ' + re.split(r'::|<', name.lstrip('<'))[0][:30]


def family(name):
    name = re.sub(r'::h[0-9a-f]{16}$', '', name)
    name = re.sub(r'\[[0-9a-f]{16}\]', '', name)
    return name.replace('::{{closure}}', '')


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    total, sections, funcs = parse(path)
    code = sum(s for s, _, _ in funcs)
    code_gz = len(zlib.compress(b''.join(body for _, _, body in funcs), 9))
    print(f'{path}: {total} bytes; code {code} bytes, {code_gz} gzip')
    for name, size in sections:
        print(f'  {size:9d}  {name}')
    for title, key in (('code by area', area), ('code by function family', family)):
        sizes, counts, bodies = collections.Counter(), collections.Counter(), collections.defaultdict(list)
        for size, name, body in funcs:
            sizes[key(name)] += size
            counts[key(name)] += 1
            bodies[key(name)].append(body)
        alone = {k: len(zlib.compress(b''.join(v), 9)) for k, v in bodies.items()}
        scale = code_gz / sum(alone.values())
        print(f'\n{title} (bytes, share of code, ~gzip bytes, functions), top {top}:')
        for k, v in sizes.most_common(top):
            print(f'  {v:9d} {100 * v / code:5.1f}% {int(alone[k] * scale):8d} {counts[k]:5d}  {k[:150]}')


if __name__ == '__main__':
    main()
