#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-layering.py: the include rules of engine/, widgets/ and app/, checked on the source.

Each engine layer includes only its own headers and those of the layers below it (the build's
include directories enforce the same; this says which file broke it and how); a -private.h is
included only from its own folder; widgets/ includes nothing from engine/probe/. Exit status 1
with one line per broken rule.
"""
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each folder and the folders it may include from (besides itself).
BELOW = {
    'engine/base': [],
    'engine/lang': ['engine/base'],
    'engine/probe': ['engine/base'],
    'engine/mmu': ['engine/base'],
    'engine/symbols': ['engine/base'],
    'engine/awareness': ['engine/symbols', 'engine/base'],
    'engine/unwind': ['engine/symbols', 'engine/base'],
    'engine/model': ['engine/lang', 'engine/probe', 'engine/awareness', 'engine/symbols',
                     'engine/base'],
    'engine': ['engine/model', 'engine/unwind', 'engine/mmu', 'engine/lang', 'engine/probe',
               'engine/awareness', 'engine/symbols', 'engine/base'],
    'engine/commands': ['engine', 'engine/model', 'engine/unwind', 'engine/mmu', 'engine/lang',
                        'engine/probe', 'engine/awareness', 'engine/symbols', 'engine/base'],
}
BELOW['engine/api'] = BELOW['engine/commands'] + ['engine/commands']
# The views: everything below them but the wire.
BELOW['widgets'] = [f for f in BELOW['engine/commands'] if f != 'engine/probe'] + ['engine/commands']
GENERATED = {'hs-probe-enums.h': 'engine/probe', 'hs-model-enums.h': 'engine/model',
             'hs-engine-enums.h': 'engine', 'hs-api-enums.h': 'engine/api',
             'config.h': None, 'hs-resources.h': None}

headers = {}   # name -> folder
for folder in list(BELOW) + ['app']:
    path = os.path.join(top, folder)
    for name in os.listdir(path):
        if name.endswith('.h'):
            headers[name] = folder
for name, folder in GENERATED.items():
    if folder:
        headers[name] = folder

include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
problems = []
for folder in list(BELOW) + ['app']:
    path = os.path.join(top, folder)
    for name in sorted(os.listdir(path)):
        if not name.endswith(('.c', '.h')):
            continue
        with open(os.path.join(path, name), encoding='utf-8') as f:
            for number, line in enumerate(f, 1):
                m = include.match(line)
                if not m:
                    continue
                target = os.path.basename(m.group(1))
                where = f'{folder}/{name}:{number}'
                if target.endswith('-private.h') and headers.get(target) != folder:
                    problems.append(f'{where}: includes {target}, private to '
                                    f'{headers.get(target, "another folder")}')
                owner = headers.get(target)
                if owner is None or owner == folder or folder == 'app':
                    continue
                if owner not in BELOW[folder]:
                    problems.append(f'{where}: {folder} includes {target} from {owner}, which is '
                                    f'not below it')

for p in problems:
    print(p)
print(f'{len(problems)} layering problem(s)' if problems else 'layering: every include is allowed')
sys.exit(1 if problems else 0)
