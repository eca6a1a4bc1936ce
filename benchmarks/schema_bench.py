#!/usr/bin/env python3
"""The same validation work as benchmarks/schema-bench (Swift), with Python's
jsonschema: only validation is timed. Prints one JSON line.

    schema_bench.py --suite DIR --repeat N
    schema_bench.py --schema FILE --document FILE --repeat N
"""
import argparse
import json
import os
import time

import jsonschema

parser = argparse.ArgumentParser()
parser.add_argument("--suite")
parser.add_argument("--schema")
parser.add_argument("--document")
parser.add_argument("--repeat", type=int, default=1)
args = parser.parse_args()


def validator(schema, default, remotes):
    cls = jsonschema.validators.validator_for(schema, default=default)
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7, DRAFT202012
        spec = DRAFT7 if default is jsonschema.Draft7Validator else DRAFT202012
        registry = Registry().with_resources(
            (uri, Resource.from_contents(doc, default_specification=spec)) for uri, doc in remotes)
        return cls(schema, registry=registry)
    except ImportError:  # jsonschema before 4.18
        resolver = jsonschema.RefResolver.from_schema(schema, store=dict(remotes))
        return cls(schema, resolver=resolver)


if args.suite:
    remotes = []
    root = os.path.join(args.suite, "remotes")
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".json"):
                path = os.path.join(dirpath, f)
                with open(path) as handle:
                    remotes.append(("http://localhost:1234/" + os.path.relpath(path, root), json.load(handle)))
    cases = []
    for directory, default in (("draft2020-12", jsonschema.Draft202012Validator), ("draft7", jsonschema.Draft7Validator)):
        path = os.path.join(args.suite, "tests", directory)
        for f in sorted(os.listdir(path)):
            if not f.endswith(".json"):
                continue
            with open(os.path.join(path, f)) as handle:
                for group in json.load(handle):
                    try:
                        v = validator(group["schema"], default, remotes)
                    except Exception:
                        continue
                    cases.append((v, [t["data"] for t in group["tests"]]))
    n = 0
    start = time.perf_counter()
    for _ in range(args.repeat):
        for v, data in cases:
            for d in data:
                try:
                    v.is_valid(d)
                except Exception:
                    pass
                n += 1
    print(json.dumps({"validations": n, "seconds": time.perf_counter() - start}))
else:
    with open(args.schema) as handle:
        schema = json.load(handle)
    with open(args.document) as handle:
        document = json.load(handle)
    v = validator(schema, jsonschema.Draft202012Validator, [])
    start = time.perf_counter()
    valid = False
    for _ in range(args.repeat):
        valid = v.is_valid(document)
    print(json.dumps({"validations": args.repeat, "seconds": time.perf_counter() - start, "valid": valid}))
