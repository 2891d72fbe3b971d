"""JSON values for the fuzzers, written as text so that numbers Python cannot spell (1e400, -0, 2^64) reach
the server exactly: Hypothesis strategies for the property-based fuzzers, and a seeded random generator of
the same shapes for the long storm."""
import json
import random

from hypothesis import strategies as st

import fuzzlib


class Raw:
    """JSON text inserted as it is."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def dumps(value):
    """JSON text of `value`, with Raw pieces inserted verbatim."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def nested(depth):
    return Raw('{"a":' * depth + "1" + "}" * depth)


# Hypothesis strategies.
extreme_numbers = st.sampled_from(fuzzlib.EXTREMES).map(Raw)
numbers = st.one_of(extreme_numbers, st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False, allow_infinity=False))
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=40), st.sampled_from(["", " ", "dense", "hybrid", "fz", "\u0000", "ｸﾗ"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
odd = st.one_of(values, st.integers(min_value=100, max_value=700).map(nested), st.just(Raw(json.dumps("w" * 100_000))))


def maybe(strategy):
    """A dict entry that is sometimes left out: draw None-or-value pairs and drop the Nones with `present`."""
    return st.one_of(st.just(ABSENT), strategy)


ABSENT = object()


@st.composite
def mostly(draw, good, other, share=8):
    """`good` about share/10 of the time, `other` otherwise (one_of would split the draws evenly)."""
    return draw(good) if draw(st.integers(min_value=0, max_value=9)) < share else draw(other)


def present(d):
    return {k: v for k, v in d.items() if v is not ABSENT}


# The same shapes from a seeded random generator, for many requests fast.
class Random:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def number(self):
        c = self.r.random()
        if c < 0.4:
            return Raw(self.r.choice(fuzzlib.EXTREMES))
        if c < 0.7:
            return self.r.randint(-5, 2000)
        return self.r.choice([self.r.uniform(-1e6, 1e6), self.r.randint(-(2**63), 2**63), 0.25, 1])

    def scalar(self):
        return self.r.choice([None, True, False, self.number(), self.number(), self.text(), "", "fz", "dense", "lexical"])

    def text(self):
        c = self.r.random()
        if c < 0.02:
            return "x" * self.r.choice([10_000, 200_000])
        alphabet = "abc drain node pod サービス \u0000\"\\\n\t{}[]"
        return "".join(self.r.choice(alphabet) for _ in range(self.r.randint(0, 30)))

    def value(self, depth=0):
        c = self.r.random()
        if depth > 3 or c < 0.6:
            return self.scalar()
        if c < 0.8:
            return [self.value(depth + 1) for _ in range(self.r.randint(0, 4))]
        if c < 0.98:
            return {self.text()[:8]: self.value(depth + 1) for _ in range(self.r.randint(0, 4))}
        return nested(self.r.choice([50, 600]))

    def field(self, good):
        """A good value most of the time, anything otherwise."""
        return good if self.r.random() < 0.6 else self.value()

    def fields(self, spec):
        """A body of `spec`'s keys (key -> good value), each kept, altered or left out."""
        out = {}
        for key, good in spec.items():
            c = self.r.random()
            if c < 0.15:
                continue
            out[key] = self.number() if c < 0.35 and not isinstance(good, (dict, list, str)) else self.field(good)
        if self.r.random() < 0.1:
            out[self.text()[:6] or "extra"] = self.value()
        return out
