#!/usr/bin/env python3
"""Writes the schema pairs benchmarks/compat.sh times: the RFC's s3-permissions
(1.4.0 → 1.5.0 adds an optional `delete`; 1.5.0 → 1.6.0 makes `read`
optional) and the contracts benchmarks/generate_realm.py generates, with the
evolutions their realm history has and a few edits of each kind.

    compat_pairs.py OUT.json
"""
import copy
import json
import sys

strings = {"type": "array", "items": {"type": "string"}}
s3_14 = {"type": "object", "required": ["read"], "properties": {
    "read": strings, "write": dict(strings, default=[])}}
s3_15 = copy.deepcopy(s3_14)
s3_15["properties"]["delete"] = dict(strings, default=[])
s3_16 = copy.deepcopy(s3_15)
del s3_16["required"]

gen_10 = {"type": "object", "required": ["read"], "properties": {"read": strings}}
gen = {"type": "object", "required": ["read"], "properties": {
    "read": {"type": "array", "items": {"type": "string", "pattern": "^[a-z*/.-]+$"}},
    "write": {"type": "array", "items": {"type": "string"}, "default": []},
    "limits": {"type": "object", "properties": {"max": {"type": "integer", "minimum": 0}}}}}
gen_min1 = copy.deepcopy(gen)
gen_min1["properties"]["limits"]["properties"]["max"]["minimum"] = 1
gen_nullable = copy.deepcopy(gen)
gen_nullable["properties"]["write"]["items"] = {"type": ["string", "null"]}
gen_closed = copy.deepcopy(gen)
gen_closed["additionalProperties"] = False
gen_oneof = copy.deepcopy(gen)
gen_oneof["properties"]["write"]["items"] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}

pairs = [
    ("s3-permissions 1.4.0 -> 1.5.0 (optional delete, default [])", s3_14, s3_15, True, False),
    ("s3-permissions 1.5.0 -> 1.6.0 (read no longer required)", s3_15, s3_16, True, False),
    ("generated 1.0.0 -> 1.x.0 (pattern on read, write and limits added)", gen_10, gen, True, False),
    ("generated, unchanged", gen, copy.deepcopy(gen), True, False),
    ("generated, limits.max minimum 0 -> 1", gen, gen_min1, True, False),
    ("generated, write items string -> string|null", gen, gen_nullable, True, False),
    ("generated, closed (additionalProperties false)", gen, gen_closed, True, True),
    ("generated, write items string -> oneOf string, integer", gen, gen_oneof, True, False),
]
json.dump([{"name": n, "old": o, "new": w, "backwards": b, "forwards": f} for n, o, w, b, f in pairs], open(sys.argv[1], "w"))
