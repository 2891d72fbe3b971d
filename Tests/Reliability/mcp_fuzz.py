#!/usr/bin/env python3
"""Property-based fuzzing of the MCP endpoint with Hypothesis: initialize, tools/list and tools/call of
every tool, with arguments of every JSON type and the numeric extremes, and envelopes of every shape (ids
of every type, wrong versions, batches, notifications, unknown methods, odd headers). Every answer must
pass fuzzlib.problem and be one JSON-RPC answer: 200 with a result or an error (the id echoed when it was
a string or an integer), 202 for a notification, or 400/403/405 with a JSON-RPC error. Usage:
mcp_fuzz.py HOST PORT EXAMPLES. Prints one JSON summary; exits 1 on any failure."""
import sys

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import fuzzlib
from jsongen import ABSENT, Raw, dumps, maybe, mostly, numbers, odd, present, values

host, port, examples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = fuzzlib.Client(host, port)
tally = fuzzlib.Tally()
protocol_failures = []

TOOLS = ["search", "get_context", "list_collections"]
arguments = st.fixed_dictionaries({}, optional={
    "collection": st.one_of(st.sampled_from(["fz", "nope", ""]), values),
    "query": st.one_of(st.sampled_from(["drain a node", " ", "ポッド"]), values),
    "k": st.one_of(numbers, values), "budget_tokens": st.one_of(numbers, values), "mmr_lambda": st.one_of(numbers, values),
    "mode": st.one_of(st.sampled_from(["dense", "lexical", "hybrid", "fuzzy"]), values), "filter": odd,
})
call_params = st.fixed_dictionaries({"name": st.one_of(st.sampled_from(TOOLS), values)}, optional={"arguments": st.one_of(arguments, odd)})
init_params = st.fixed_dictionaries({}, optional={
    "protocolVersion": st.one_of(st.sampled_from(["2025-06-18", "2025-03-26", "2024-11-05", "1999-01-01"]), values),
    "capabilities": odd, "clientInfo": odd,
})
methods = st.sampled_from(["initialize", "ping", "tools/list", "tools/call", "notifications/initialized", "resources/list", "prompts/get"])
ids = st.one_of(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text(max_size=20), numbers, st.booleans(), st.none(), odd)


@st.composite
def envelopes(draw):
    method = draw(st.one_of(methods, values))
    params = call_params if method == "tools/call" else init_params if method == "initialize" else odd
    return present({
        "jsonrpc": draw(st.one_of(st.just("2.0"), st.just("2.0"), st.just("1.0"), values)), "id": draw(maybe(ids)),
        "method": method, "params": draw(maybe(params)),
    })


headers = st.fixed_dictionaries({}, optional={
    "MCP-Protocol-Version": st.sampled_from(["2025-06-18", "2025-03-26", "1999-01-01", ""]),
    "Origin": st.sampled_from(["http://localhost:3000", "https://evil.example", "null"]),
    "Mcp-Session-Id": st.text(alphabet="abcdef0123456789", max_size=32),
})


def protocol(envelope, status, answer):
    """What is wrong with a JSON-RPC answer, or None."""
    if status == 202:
        return None if "id" not in envelope or "method" not in envelope else "202 for a request"
    if status not in (200, 400, 403, 405):
        return None if status in (413,) else f"status {status}"
    if not isinstance(answer, dict) or answer.get("jsonrpc") != "2.0" or ("result" in answer) == ("error" in answer):
        return f"not one JSON-RPC answer: {answer!r:.160}"
    sent = envelope.get("id")
    if status == 200 and isinstance(sent, (str, int)) and not isinstance(sent, bool) and -(2**63) <= (sent if isinstance(sent, int) else 0) < 2**63:
        if answer.get("id") != sent:
            return f"id {sent!r:.40} answered as {answer.get('id')!r:.40}"
    return None


@seed(7)
@settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(envelope=mostly(envelopes(), st.one_of(st.lists(envelopes(), max_size=3), values), share=9), extra=headers)
def fuzz(envelope, extra):
    body = dumps(envelope).encode()
    status, answer = fuzzlib.check(client, tally, "POST", "/mcp", body, extra)
    if status is not None and isinstance(envelope, dict) and not extra.get("Origin", "").startswith("https") and extra.get("MCP-Protocol-Version") not in ("1999-01-01", ""):
        p = protocol(envelope, status, answer)
        if p and len(protocol_failures) < 20:
            protocol_failures.append(f"{p}: {body[:200]!r}")


fuzzlib.seed_collection(client, tally)
fuzz()
fuzzlib.finish(client, tally, "mcp-hypothesis", protocol_failures, examples=examples, protocol_failures=len(protocol_failures))
