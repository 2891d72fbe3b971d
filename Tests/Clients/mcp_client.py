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

            listed = await session.call_tool("list_collections", {})
            assert not listed.is_error and collection in listed.content[0].text, listed

            found = await session.call_tool("search", {"collection": collection, "query": "drain a node", "k": 2})
            hits = json.loads(found.content[0].text)
            hits = hits["results"] if isinstance(hits, dict) else hits
            assert not found.is_error and 1 <= len(hits) <= 2 and "drain" in hits[0]["text"], hits

            ctx = await session.call_tool("get_context", {"collection": collection, "query": "drain a node", "budget_tokens": 200})
            assert not ctx.is_error and "[1]" in ctx.content[0].text and "drain" in ctx.content[0].text, ctx

            bad = await session.call_tool("search", {"collection": "missing", "query": "x"})
            assert bad.is_error and "missing" in bad.content[0].text, bad
    print("mcp client: initialize, list_tools, search, get_context, list_collections, errors ok")


asyncio.run(main())
