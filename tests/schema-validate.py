#!/usr/bin/python3
"""Validates bergerie's JSON-lines records against docs/schema/bergerie.schema.json.

    schema-validate.py [--mutate] [--expect-kind KIND] SCHEMA FILE...

Every line of every FILE must be one JSON object valid under SCHEMA (Draft
2020-12). With --expect-kind, every record must have that event.kind (a
stream never mixes kinds: CONTRACT.md section 1). With --mutate, each
record is also changed in ways the schema must refuse -- a field given the
wrong type, an unlisted property under bergerie, a null -- and every
mutant must fail validation. Prints one line per problem and a count per
kind; exits 1 on any problem, 2 on bad usage.
"""
import copy
import json
import sys

from jsonschema import Draft202012Validator


def leaves(obj, path=()):
    """Every (path, value) of a scalar or array leaf."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, path + (k,))
    else:
        yield path, obj


def set_path(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def wrong_type(value):
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"list": value}
    return [value]


def mutants(rec):
    """(description, mutant) pairs the schema must refuse."""
    paths = [p for p, _ in leaves(rec)]
    # Deterministic choice: a few leaves spread over the record.
    picks = sorted(set(paths[i] for i in (0, len(paths) // 3,
                                          2 * len(paths) // 3,
                                          len(paths) - 1)))
    for p in picks:
        m = copy.deepcopy(rec)
        v = m
        for k in p:
            v = v[k]
        set_path(m, p, wrong_type(v))
        yield "wrong type at /" + "/".join(p), m
        m = copy.deepcopy(rec)
        set_path(m, p, None)
        yield "null at /" + "/".join(p), m
    m = copy.deepcopy(rec)
    m.setdefault("bergerie", {})["not_in_schema"] = 1
    yield "unlisted /bergerie/not_in_schema", m
    for sub in ("flow", "stats", "policy", "alert", "tunnel"):
        if isinstance(rec.get("bergerie", {}).get(sub), dict):
            m = copy.deepcopy(rec)
            m["bergerie"][sub]["not_in_schema"] = True
            yield "unlisted /bergerie/%s/not_in_schema" % sub, m
    m = copy.deepcopy(rec)
    m["not_in_schema"] = "x"
    yield "unlisted /not_in_schema", m


def main(argv):
    mutate = False
    expect = None
    args = argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--mutate":
            mutate = True
            args = args[1:]
        elif args[0] == "--expect-kind" and len(args) > 1:
            expect = args[1]
            args = args[2:]
        else:
            print(__doc__, file=sys.stderr)
            return 2
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0]) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    problems = 0
    kinds = {}
    nmutants = 0
    for name in args[1:]:
        with open(name) as f:
            for lineno, line in enumerate(f, 1):
                where = "%s:%d" % (name, lineno)
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    print("%s: not JSON: %s" % (where, e))
                    problems += 1
                    continue
                kind = rec.get("event", {}).get("kind", "?") \
                    if isinstance(rec, dict) else "?"
                kinds[kind] = kinds.get(kind, 0) + 1
                if expect and kind != expect:
                    print("%s: event.kind %s in a %s stream" % (where, kind, expect))
                    problems += 1
                errors = sorted(validator.iter_errors(rec), key=str)
                for e in errors[:3]:
                    print("%s: /%s: %s" % (where, "/".join(map(str, e.absolute_path)),
                                           e.message[:300]))
                problems += len(errors) > 0
                if not mutate or errors:
                    continue
                for what, m in mutants(rec):
                    nmutants += 1
                    if validator.is_valid(m):
                        print("%s: a mutant passed: %s" % (where, what))
                        problems += 1
    print("schema: %s records (%s)%s, %d problems" % (
        sum(kinds.values()),
        ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
        ", %d mutants refused" % nmutants if mutate else "", problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
