#!/usr/bin/env python3
"""A fake OpenAI-compatible server for Kura's tests: /v1/embeddings, /v1/chat/completions, /v1/models.

Faults are chosen by the request's "model" field, so one server serves every test:
  fail500:N / fail429:N  the first N requests naming this model fail with that status
  delay:S                sleep S seconds before answering
  dim:K                  embeddings of K values instead of --dim
  garbage                a 200 whose body is not JSON
  bad400                 a 400 with an OpenAI-style error body
  short                  one embedding fewer than inputs
  cut                    a streamed chat answer stops after its first chunk: the connection is dropped
  reasoning              a reasoning model's answer: `reasoning_content` (DeepSeek) and `reasoning` (vLLM)
                         beside the content, and streamed as deltas of their own before the content
Embeddings are deterministic: a text always maps to the same unit vector.
POST /fault {"fault": "fail500:1000"} applies a fault to every later request whatever its model ("" clears it).
GET /stats answers {"requests", "connections", "max_inflight"}. Prints "PORT n" once listening.
"""
import argparse, hashlib, json, math, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
stats = {"requests": 0, "connections": 0, "max_inflight": 0}
inflight = 0
seen = {}
FAULT = ""


def vector(text, dim):
    out, counter = [], 0
    while len(out) < dim:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        out += [(b - 127.5) / 127.5 for b in digest]
        counter += 1
    out = out[:dim]
    norm = math.sqrt(sum(x * x for x in out)) or 1.0
    return [x / norm for x in out]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with lock:
            stats["connections"] += 1

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                return self.reply(200, dict(stats))
        if self.path in ("/v1/models", "/models"):
            return self.reply(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        self.reply(404, {"error": {"message": "no route " + self.path}})

    def do_POST(self):
        global inflight
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        with lock:
            stats["requests"] += 1
            inflight += 1
            stats["max_inflight"] = max(stats["max_inflight"], inflight)
        try:
            self.handle_post(raw)
        finally:
            with lock:
                inflight -= 1

    def handle_post(self, raw):
        global FAULT
        if self.path == "/fault":
            FAULT = json.loads(raw).get("fault", "")
            with lock:
                seen.clear()
            return self.reply(200, {"fault": FAULT})
        if ARGS.key and self.headers.get("Authorization") != "Bearer " + ARGS.key:
            return self.reply(401, {"error": {"message": "invalid api key"}})
        try:
            req = json.loads(raw)
        except ValueError:
            return self.reply(400, {"error": {"message": "body is not JSON"}})
        model = str(req.get("model", ""))
        if FAULT:
            model = FAULT + "," + model
        for fault in model.split(","):
            name, _, arg = fault.partition(":")
            if name in ("fail500", "fail429"):
                with lock:
                    seen[model] = seen.get(model, 0) + 1
                    count = seen[model]
                if count <= int(arg):
                    return self.reply(int(name[4:]), {"error": {"message": f"injected {name[4:]}"}})
            elif name == "delay":
                time.sleep(float(arg))
            elif name == "garbage":
                return self.reply(200, b"<html>not json", "text/html")
            elif name == "bad400":
                return self.reply(400, {"error": {"message": "model does not exist"}})
        if self.path.endswith("/embeddings"):
            return self.embeddings(req, model)
        if self.path.endswith("/chat/completions"):
            return self.chat(req, cut="cut" in model.split(","), reasoning="reasoning" in model.split(","))
        self.reply(404, {"error": {"message": "no route " + self.path}})

    def embeddings(self, req, model):
        inputs = req.get("input")
        inputs = [inputs] if isinstance(inputs, str) else inputs
        dim = ARGS.dim
        for fault in model.split(","):
            if fault.startswith("dim:"):
                dim = int(fault[4:])
        data = [{"object": "embedding", "index": i, "embedding": vector(t, dim)} for i, t in enumerate(inputs)]
        if "short" in model.split(","):
            data = data[:-1]
        self.reply(200, {"object": "list", "model": model, "data": data, "usage": {"prompt_tokens": 0, "total_tokens": 0}})

    def chat(self, req, cut=False, reasoning=False):
        messages = req.get("messages") or []
        echo = json.dumps(messages)
        answer = f"echo: {len(messages)} messages"
        thought = "the user asks; think first" if reasoning else None
        if not req.get("stream"):
            message = {"role": "assistant", "content": answer}
            if thought:
                message.update(reasoning_content=thought, reasoning=thought)
            return self.reply(200, {
                "id": "chatcmpl-fake", "object": "chat.completion", "model": req.get("model"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(echo) // 4, "completion_tokens": 4, "total_tokens": len(echo) // 4 + 4},
                "echo": req})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        deltas = [{"reasoning_content": w + " ", "reasoning": w + " "} for w in thought.split(" ")] if thought else []
        deltas += [{"content": w + " "} for w in answer.split(" ")] + [None]
        for delta in deltas:
            chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": delta or {}, "finish_reason": None if delta else "stop"}]}
            self.write_chunk(f"data: {json.dumps(chunk)}\n\n".encode())
            if cut:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        self.write_chunk(b"data: [DONE]\n\n")
        self.write_chunk(b"")

    def write_chunk(self, data):
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--dim", type=int, default=8)
    ap.add_argument("--key", default="")
    ARGS = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
