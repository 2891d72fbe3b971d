#!/usr/bin/env python3
"""Property-based fuzzing of chat completions against the fake model server (Tests/Fixtures/fake_openai.py),
streaming and not, with Hypothesis: messages of every shape, index names good and bad, every parameter Kura
reads (max_tokens, max_completion_tokens, n, context_token_ratio, stream) at the extremes, and model
servers that fail (the fake's faults, chosen by the model name: 500s, 429s, 400s, garbage, a stream cut in
mid-answer, a slow answer). Every answer must pass fuzzlib.problem: a failing model server is a 4xx it sent
or a 502 naming it, a 200 is a JSON completion or an event stream of JSON events. Usage:
chat_fuzz.py HOST PORT EXAMPLES. Prints one JSON summary; exits 1 on any failure."""
import json
import sys

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import fuzzlib
from jsongen import dumps, maybe, numbers, odd, present, values

host, port, examples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = fuzzlib.Client(host, port)
tally = fuzzlib.Tally()
shape_failures = []

roles = st.one_of(st.sampled_from(["user", "user", "system", "assistant", "developer", "tool"]), values)
contents = st.one_of(st.sampled_from(["how do I drain a node?", "", "ポッドを削除するには"]), st.text(max_size=200),
                     st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=50)}), max_size=3), values)
message = st.fixed_dictionaries({}, optional={"role": roles, "content": contents, "reasoning_content": st.text(max_size=20)})
messages = st.one_of(st.lists(message, min_size=1, max_size=4), st.lists(message, min_size=1, max_size=4), odd)
models = st.sampled_from(["m", "m", "m", "fail500:1", "fail429:1", "bad400", "garbage", "cut", "delay:0.02", ""])


@st.composite
def bodies(draw):
    return present({
        "model": draw(st.one_of(models, models, values)), "messages": draw(messages),
        "index_name": draw(maybe(st.one_of(st.sampled_from(["fz", "fz", "nope"]), values))),
        "stream": draw(maybe(st.one_of(st.booleans(), st.booleans(), values))),
        "max_tokens": draw(maybe(st.one_of(st.integers(min_value=1, max_value=500), numbers, values))),
        "max_completion_tokens": draw(maybe(numbers)), "n": draw(maybe(st.one_of(st.just(1), numbers))),
        "context_token_ratio": draw(maybe(st.one_of(st.sampled_from([0.2, 0.5, 0.8]), numbers, values))),
        "temperature": draw(maybe(values)), "seed": draw(maybe(numbers)),
    })


@seed(11)
@settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(bodies(), bodies(), bodies(), odd))
def fuzz(body):
    status, answer = fuzzlib.check(client, tally, "POST", "/v1/chat/completions", dumps(body).encode())
    if status == 200 and isinstance(body, dict) and body.get("stream") is not True and answer is not None:
        if not isinstance(answer, dict) or "choices" not in answer:
            if len(shape_failures) < 20:
                shape_failures.append(f"a 200 that is not a completion: {answer!r:.160}")


fuzzlib.check(client, tally, "POST", "/v1/collections", json.dumps({"name": "fz"}).encode())
fuzzlib.check(client, tally, "POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "d1", "text": "kubectl drain evicts pods"}]}).encode())
fuzz()
ok = fuzzlib.alive(client)
print(tally.summary("chat-hypothesis", examples=examples, shape_failures=len(shape_failures), alive=ok))
for f in tally.failures + shape_failures:
    print("  " + f, file=sys.stderr)
sys.exit(1 if tally.failures or shape_failures or not ok else 0)
