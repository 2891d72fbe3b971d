#!/usr/bin/env python3
"""The mcp package against Kura's /mcp endpoint (streamable HTTP): list the tools, then call each."""
import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

url, collection = sys.argv[1], sys.argv[2]


async def main():
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            info = await session.initialize()
            assert info.server_info.name == "kura", info
            tools = {t.name: t for t in (await session.list_tools()).tools}
            assert set(tools) == {"search", "get_context", "list_collections"}, tools
            assert "query" in tools["search"].input_schema["required"]
            # The client negotiates 2025-06-18 or later: every tool states its output, and the client
            # checks each structured result against that schema (a mismatch raises in call_tool).
            assert all(t.output_schema and t.output_schema["type"] == "object" for t in tools.values()), tools

            listed = await session.call_tool("list_collections", {})
            assert not listed.is_error and collection in listed.content[0].text, listed

            found = await session.call_tool("search", {"collection": collection, "query": "drain a node", "k": 2})
            hits = json.loads(found.content[0].text)
            hits = hits["results"] if isinstance(hits, dict) else hits
            assert not found.is_error and 1 <= len(hits) <= 2 and "drain" in hits[0]["text"], hits
            assert found.structured_content == {"results": hits}, found.structured_content

            # What an agent cites: each hit names its document and chunk, with a score.
            assert all(isinstance(h["document_id"], str) and isinstance(h["chunk_id"], int) and isinstance(h["score"], float) for h in hits), hits
            assert tools["search"].input_schema["properties"]["k"]["maximum"] >= 1, tools["search"].input_schema
            assert tools["get_context"].input_schema["properties"]["budget_tokens"]["maximum"] >= 1, tools["get_context"].input_schema

            ctx = await session.call_tool("get_context", {"collection": collection, "query": "drain a node", "budget_tokens": 200})
            text = ctx.content[0].text
            assert not ctx.is_error and "[1]" in text and "drain" in text, ctx
            # The context's [n] resolve to citations that name a document the search also found.
            citations = json.loads(text.split("\n\nSources: ", 1)[1])
            assert citations[0]["n"] == 1 and citations[0]["chunk_ids"], citations
            assert citations[0]["document_id"] in {h["document_id"] for h in hits}, (citations, hits)
            assert ctx.structured_content["citations"] == citations and ctx.structured_content["context"] in text, ctx.structured_content

            bad = await session.call_tool("search", {"collection": "missing", "query": "x"})
            assert bad.is_error and "missing" in bad.content[0].text, bad
    print("mcp client: initialize, list_tools (limits, output schemas), search (citable, structured hits), get_context (citations resolve), list_collections, errors ok")


asyncio.run(main())
