#!/usr/bin/env python3
"""Write a C file that does not include Python.h (the plugin must cost
nothing there): N functions over libc. Usage: gen_plain.py N OUT.c"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
parts = ['#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n'
         'static long counter;\n']
for i in range(n):
    parts.append(f'''
long plain_{i}(const char *s, long k)
{{
    size_t n = strlen(s);
    long total = 0;
    for (size_t j = 0; j < n; j++)
        total += (s[j] * {i + 1}) % (k ? k : 1);
    counter += total;
    return total + (long)atoi(s);
}}
''')
with open(out, "w") as f:
    f.write("".join(parts))
