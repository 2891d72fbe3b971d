/// The OpenAPI 3.1 description served at /openapi.yaml. A test sends a request for every operation
/// listed here, so the document cannot name a route the server lacks.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.1.0
        info:
          title: Kura
          version: "0.1"
          description: Retrieval for RAG on Kubernetes. Errors are JSON; Kura routes answer {"error":{"message","type"}}, KAITO routes {"detail"}.
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
          schemas:
            Error:
              type: object
              properties:
                error: {type: object, properties: {message: {type: string}, type: {type: string}}}
            Query:
              type: object
              properties:
                query: {type: string}
                vector: {type: array, items: {type: number}}
                k: {type: integer, default: 10, minimum: 1, maximum: 1000}
                mode: {type: string, enum: [dense, lexical, hybrid]}
                filter: {type: object}
                ef: {type: integer}
                mmr_lambda: {type: number, minimum: 0, maximum: 1, description: "diversify with maximal marginal relevance"}
                budget_tokens: {type: integer, default: 1024}
            Document:
              type: object
              required: [id, text]
              properties:
                id: {type: string}
                text: {type: string}
                metadata: {type: object}
                vector: {type: array, items: {type: number}}
        security:
          - bearer: []
        paths:
          /healthz:
            get: {summary: Alive, security: [], responses: {"200": {description: ok}}}
          /readyz:
            get: {summary: Store open, security: [], responses: {"200": {description: ready}, "503": {description: not ready}}}
          /mcp:
            post: {summary: MCP over streamable HTTP (stateless JSON); tools search, get_context, list_collections, responses: {"200": {description: JSON-RPC answer}, "202": {description: notification accepted}}}
          /metrics:
            get: {summary: Prometheus metrics, responses: {"200": {description: exposition text}}}
          /openapi.yaml:
            get: {summary: This document, responses: {"200": {description: OpenAPI YAML}}}
          /v1/collections:
            get: {summary: List collections, responses: {"200": {description: "{collections}"}}}
            post:
              summary: Create a collection
              requestBody: {content: {application/json: {schema: {type: object, required: [name], properties: {name: {type: string}, dimension: {type: integer}, metric: {type: string, enum: [cosine, ip, l2]}}}}}}
              responses: {"201": {description: created}, "400": {description: invalid, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}}
          /v1/collections/{name}:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            get: {summary: A collection and its stats, responses: {"200": {description: ok}, "404": {description: unknown}}}
            delete: {summary: Delete a collection, responses: {"200": {description: deleted}, "404": {description: unknown}}}
          /v1/collections/{name}/documents:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            get:
              summary: List documents
              parameters: [{name: limit, in: query, schema: {type: integer, default: 100}}, {name: cursor, in: query, schema: {type: string}}]
              responses: {"200": {description: "{documents, next_cursor}"}}
            post:
              summary: Upsert documents (raw text is chunked and embedded; records may carry a vector)
              requestBody: {content: {application/json: {schema: {type: object, required: [documents], properties: {documents: {type: array, items: {$ref: "#/components/schemas/Document"}}}}}}}
              responses: {"200": {description: "{written, unchanged}"}, "400": {description: invalid}, "413": {description: too large}}
          /v1/collections/{name}/documents/{id}:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}, {name: id, in: path, required: true, schema: {type: string}}]
            get: {summary: One document, responses: {"200": {description: ok}, "404": {description: unknown}}}
            delete: {summary: Delete one document, responses: {"200": {description: deleted}, "404": {description: unknown}}}
          /v1/collections/{name}/query:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            post:
              summary: Search
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Query"}}}}
              responses: {"200": {description: "{results: [{chunk_id, document_id, text, score, metadata}]}"}, "400": {description: invalid}, "404": {description: unknown}}
          /v1/collections/{name}/context:
            parameters: [{name: name, in: path, required: true, schema: {type: string}}]
            post:
              summary: Context within a token budget, with citations
              requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Query"}}}}
              responses: {"200": {description: "{context, tokens, citations}"}, "400": {description: invalid}, "404": {description: unknown}}
          /v1/chat/completions:
            post:
              summary: OpenAI chat completions; with index_name or collection, retrieval-augmented
              requestBody: {content: {application/json: {schema: {type: object, properties: {messages: {type: array}, index_name: {type: string}, collection: {type: string}, context_token_ratio: {type: number}, stream: {type: boolean}}}}}}
              responses: {"200": {description: ChatCompletion with source_nodes, or SSE}, "400": {description: invalid}, "502": {description: model server down}, "503": {description: no model server}}
          /v1/models:
            get: {summary: Models of the inference server, responses: {"200": {description: ok}, "503": {description: no model server}}}
          /v1/embeddings:
            post:
              summary: Embeddings from Kura's embedder
              requestBody: {content: {application/json: {schema: {type: object, required: [input], properties: {input: {oneOf: [{type: string}, {type: array, items: {type: string}}]}, model: {type: string}}}}}}
              responses: {"200": {description: OpenAI embeddings list}, "400": {description: invalid}}
          /health:
            get: {summary: KAITO health, security: [], responses: {"200": {description: "{status: Healthy}"}}}
          /index:
            post: {summary: KAITO index documents, responses: {"200": {description: list of documents}, "422": {description: invalid}}}
          /indexes:
            get: {summary: KAITO index names, responses: {"200": {description: names}}}
          /indexes/{index}:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}]
            delete: {summary: KAITO delete index, responses: {"200": {description: deleted}, "404": {description: unknown}}}
          /indexes/{index}/documents:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}]
            get:
              summary: KAITO list documents
              parameters: [{name: limit, in: query, schema: {type: integer, default: 10}}, {name: offset, in: query, schema: {type: integer, default: 0}}, {name: max_text_length, in: query, schema: {type: integer, default: 1000}}, {name: metadata_filter, in: query, schema: {type: string}}]
              responses: {"200": {description: "{documents, count, total_items}"}, "404": {description: unknown}}
            post: {summary: KAITO update documents, responses: {"200": {description: "{updated_documents, unchanged_documents, not_found_documents}"}, "404": {description: unknown}}}
          /indexes/{index}/documents/delete:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}]
            post: {summary: KAITO delete documents, responses: {"200": {description: "{deleted_doc_ids, not_found_doc_ids}"}, "404": {description: unknown}}}
          /persist/{index}:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}, {name: path, in: query, schema: {type: string}}]
            post: {summary: KAITO snapshot an index, responses: {"200": {description: ok}, "404": {description: unknown}}}
          /load/{index}:
            parameters: [{name: index, in: path, required: true, schema: {type: string}}, {name: path, in: query, schema: {type: string}}, {name: overwrite, in: query, schema: {type: boolean}}]
            post: {summary: KAITO load a snapshot, responses: {"200": {description: ok}, "404": {description: no snapshot}, "409": {description: exists}}}
          /retrieve:
            post: {summary: KAITO retrieve, responses: {"200": {description: "{query, results, count}"}, "400": {description: empty query}, "404": {description: unknown}, "422": {description: invalid}}}

        """
}
