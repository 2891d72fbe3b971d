#!/usr/bin/env python3
"""Property-based fuzzing of chat completions against the fake model server (Tests/Fixtures/fake_openai.py),
streaming and not, with Hypothesis: messages of every shape, index names good and bad, every parameter Kura
reads (max_tokens, max_completion_tokens, n, context_token_ratio, stream) at the extremes, and model
servers that fail (the fake's faults, chosen by the model name: 500s, 429s, 400s, garbage, a stream cut in
mid-answer, a slow answer). Every answer must pass fuzzlib.problem: a failing model server is a 4xx it sent
or a 502 naming it, a 200 is a JSON completion or an event stream of JSON events. Usage:
chat_fuzz.py HOST PORT EXAMPLES. Prints one JSON summary; exits 1 on any failure."""
import sys

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import fuzzlib
from jsongen import ABSENT, dumps, extreme_numbers, maybe, mostly, numbers, odd, present, values

host, port, examples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = fuzzlib.Client(host, port)
tally = fuzzlib.Tally()
shape_failures = []

# Weighted toward requests that get past the first checks, so that retrieval, budgets and the model
# server's answers are reached often; everything else still comes up.
roles = mostly(st.just("user"), st.one_of(st.sampled_from(["system", "assistant", "developer", "tool"]), values), share=7)
contents = st.one_of(st.just("how do I drain a node?"), st.sampled_from(["", "ポッドを削除するには"]), st.text(max_size=200),
                     st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=50)}), max_size=3), values)
message = st.fixed_dictionaries({"role": roles, "content": contents}, optional={"reasoning_content": st.text(max_size=20)})
messages = mostly(st.lists(message, min_size=1, max_size=4), st.one_of(st.lists(st.dictionaries(st.text(max_size=8), values), max_size=2), odd))
models = st.sampled_from(["m", "m", "m", "fail500:1", "fail429:1", "bad400", "garbage", "cut", "delay:0.02", ""])
counts = st.one_of(extreme_numbers, extreme_numbers, st.integers(min_value=1, max_value=500), values)


@st.composite
def bodies(draw):
    return present({
        "model": draw(mostly(models, values)), "messages": draw(messages),
        "index_name": draw(mostly(st.just("fz"), maybe(st.one_of(st.just("nope"), values)))),
        "stream": draw(mostly(st.booleans(), maybe(values))),
        "max_tokens": draw(maybe(counts)), "max_completion_tokens": draw(mostly(st.just(ABSENT), counts)),
        "n": draw(mostly(maybe(st.just(1)), counts)),
        "context_token_ratio": draw(maybe(st.one_of(st.sampled_from([0.2, 0.5, 0.8]), numbers, values))),
        "temperature": draw(maybe(values)), "seed": draw(maybe(numbers)),
    })


@seed(11)
@settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(body=mostly(bodies(), odd, share=9))
def fuzz(body):
    status, answer = fuzzlib.check(client, tally, "POST", "/v1/chat/completions", dumps(body).encode())
    if status == 200 and isinstance(body, dict) and body.get("stream") is not True and answer is not None:
        if not isinstance(answer, dict) or "choices" not in answer:
            if len(shape_failures) < 20:
                shape_failures.append(f"a 200 that is not a completion: {answer!r:.160}")


fuzzlib.seed_collection(client, tally)
fuzz()
fuzzlib.finish(client, tally, "chat-hypothesis", shape_failures, examples=examples, shape_failures=len(shape_failures))
