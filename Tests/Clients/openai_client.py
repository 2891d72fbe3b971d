#!/usr/bin/env python3
"""The openai package against a live Kura: /v1/embeddings, and /v1/chat/completions plain and streaming,
with retrieval from a KAITO index, forwarded to the fake LLM (which echoes the request it got)."""
import math
import sys

from openai import OpenAI

base, index = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)

# Embeddings come from Kura's own embedder: 384 unit-length MiniLM values per input, in input order.
texts = ["kubectl drain evicts the pods of a node", "a Service gives pods one stable address"]
emb = client.embeddings.create(model="all-MiniLM-L6-v2", input=texts)
assert [d.index for d in emb.data] == [0, 1], emb
for d in emb.data:
    assert len(d.embedding) == 384, len(d.embedding)
    assert abs(math.sqrt(sum(x * x for x in d.embedding)) - 1) < 1e-4
same = client.embeddings.create(model="all-MiniLM-L6-v2", input=texts[0]).data[0].embedding
# The same up to rounding: sgemm's last bits depend on the batch's shape, and where the feed-forward runs in
# bf16 (chosen on CPUs where it is faster) rounding to bf16 magnifies them to ~5e-5; another input's vector
# would differ by ~0.1.
diff = max(abs(a - b) for a, b in zip(same, emb.data[0].embedding))
assert diff < 5e-4, f"one input alone embeds the same (max difference {diff})"

question = [{"role": "user", "content": "How do I drain a node before maintenance?"}]

# Plain: the answer comes from the LLM, the context went into its system prompt, sources are reported.
chat = client.chat.completions.create(model="fake-model", messages=question, temperature=0.2, seed=7, extra_body={"index_name": index})
assert chat.choices[0].message.content.startswith("echo:"), chat
sources = chat.model_extra["source_nodes"]
assert sources and "drain" in sources[0]["text"], sources
sent = chat.model_extra["echo"]
assert sent["messages"][0]["role"] == "system" and "drain" in sent["messages"][0]["content"], sent["messages"]
assert sent["messages"][-1] == question[0], "the user's message reaches the model unchanged"
assert sent["seed"] == 7 and sent["temperature"] == 0.2, "other parameters are forwarded"

# Streaming: the first chunk carries the sources, then the model's deltas arrive as they are produced.
stream = client.chat.completions.create(model="fake-model", messages=question, stream=True, extra_body={"index_name": index})
chunks = list(stream)
assert chunks[0].model_extra.get("source_nodes"), chunks[0]
text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
assert text.startswith("echo:"), text
assert chunks[-1].choices[0].finish_reason == "stop"

# Without an index the request passes through untouched.
plain = client.chat.completions.create(model="fake-model", messages=question)
assert plain.model_extra["echo"]["messages"] == question and "source_nodes" not in plain.model_extra

# Errors come back as OpenAI-style exceptions with Kura's message.
try:
    client.chat.completions.create(model="fake-model", messages=question, extra_body={"index_name": "no-such-index"})
    raise AssertionError("an unknown index must fail")
except Exception as e:  # openai.NotFoundError
    assert getattr(e, "status_code", None) == 404, e

models = client.models.list()
assert [m.id for m in models.data] == ["fake-model"], models
print("openai client: embeddings, chat, streaming chat, passthrough, errors, models ok")
